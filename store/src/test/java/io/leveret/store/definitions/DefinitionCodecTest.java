package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionCodecTest {
    @Test
    void everyKindOfChangeRoundTrips() throws IOException {
        List<Change> changes = new ArrayList<>(Fixtures.model("/"));
        changes.addAll(List.of(new Change.DeleteVhost("v"), new Change.DeleteExchange("/", "e"),
                new Change.DeleteQueue("/", "q"), new Change.DeleteBinding(Fixtures.binding("/", "e", "q", "k")),
                new Change.DeleteUser("u"), new Change.DeletePermission("u", "/"), new Change.DeletePolicy("/", "p"),
                new Change.PutTopicPermission(new TopicPermissionDefinition("u", "/", "amq.topic", "^a", "^b")),
                new Change.DeleteTopicPermission("u", "/", "amq.topic"),
                new Change.PutParameter(new ParameterDefinition("/", "vhost-limits", "limits",
                        io.leveret.store.Blob.of(new byte[] {'{', '}'}))),
                new Change.DeleteParameter("/", "vhost-limits", "limits")));
        for (Change change : changes) {
            assertEquals(change, DefinitionCodec.decodeChange(DefinitionCodec.encode(change)));
        }
        assertEquals(18, Change.class.getPermittedSubclasses().length, "a new change needs a round-trip case");
    }

    @Test
    void aNewerRecordVersionIsRefused() {
        byte[] encoded = DefinitionCodec.encode(new Change.DeleteVhost("v"));
        encoded[0] = 2;
        IOException error = assertThrows(IOException.class, () -> DefinitionCodec.decodeChange(encoded));
        assertEquals("definition record version 2 is not one this Leveret reads (1)", error.getMessage());
    }

    @Test
    void aLengthPastTheEndIsAnErrorNotAnAllocation() {
        byte[] encoded = DefinitionCodec.encode(new Change.DeleteVhost("v"));
        encoded[2] = 0x7F; // length's high byte
        assertThrows(IOException.class, () -> DefinitionCodec.decodeChange(encoded));
    }
}
