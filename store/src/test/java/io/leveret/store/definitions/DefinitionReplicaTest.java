package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionReplicaTest {

    @Test
    void changesRoundTripThroughTheJournalEncoding() throws IOException {
        for (Change change : Fixtures.model("/")) {
            assertEquals(change.toString(), DefinitionReplica.decode(DefinitionReplica.encode(change)).toString());
        }
    }

    @Test
    void aChangeThatDoesNotFitIsRefusedAndLeavesTheModelAsItWas() {
        DefinitionReplica replica = new DefinitionReplica();
        replica.apply(new Change.PutVhost(new VhostDefinition("v")));
        Definitions before = replica.definitions();
        assertThrows(IllegalArgumentException.class, () -> replica.apply(new Change.PutQueue(
                new QueueDefinition("nowhere", "q", true, false, false, Fixtures.ARGS))));
        assertEquals(before, replica.definitions());
    }

    @Test
    void aSnapshotBringsBackTheModelAndItsIndex(@TempDir Path dir) throws IOException {
        DefinitionReplica replica = new DefinitionReplica();
        Fixtures.model("/").forEach(replica::apply);
        Path file = dir.resolve("snapshot");
        replica.writeSnapshot(file, 42);

        DefinitionReplica restored = new DefinitionReplica();
        restored.apply(new Change.PutVhost(new VhostDefinition("replaced")));
        assertEquals(42, restored.readSnapshot(file));
        assertEquals(replica.definitions(), restored.definitions());
    }

    @Test
    void anEmptyModelSnapshotsToItsIndexAlone(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snapshot");
        new DefinitionReplica().writeSnapshot(file, 7);
        DefinitionReplica restored = new DefinitionReplica();
        assertEquals(7, restored.readSnapshot(file));
        assertEquals(List.of(), restored.asChanges());
    }

    @Test
    void aDamagedSnapshotIsRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snapshot");
        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> new DefinitionReplica().readSnapshot(file));
    }
}
