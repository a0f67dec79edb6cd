package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.store.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A definitions store in a cluster: changes go to the replicated log; the store is a copy of its model. */
class ReplicatedStoreTest {
    @TempDir
    Path dir;

    @Test
    void applyGoesUpstreamAndApplyLocallyWritesHere() throws Exception {
        List<Change> upstream = new ArrayList<>();
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            store.replicateThrough(change -> {
                upstream.add(change);
                return CompletableFuture.completedFuture(null);
            });
            Change vhost = new Change.PutVhost(new VhostDefinition("v"));
            store.apply(vhost).join();
            assertEquals(List.of(vhost), upstream);
            assertEquals(List.of(), store.snapshot().vhosts(), "not written here until committed");
            store.applyLocally(vhost).join();
            assertEquals(List.of(new VhostDefinition("v")), store.snapshot().vhosts());
        }
    }

    @Test
    void replaceLocallyLeavesExactlyTheReplicatedModel() throws Exception {
        DefinitionReplica target = new DefinitionReplica();
        Fixtures.model("/").forEach(target::apply);
        target.apply(new Change.PutVhost(new VhostDefinition("kept")));
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            for (Change c : Fixtures.model("gone")) {
                store.apply(c).join();
            }
            store.apply(new Change.PutVhost(new VhostDefinition("kept"))).join();
            store.apply(new Change.PutVhost(new VhostDefinition("/"))).join();
            store.replaceLocally(target.definitions()).join();
            assertEquals(target.definitions(), store.snapshot());
        }
        // Durably so: a reopened store holds the same.
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            assertEquals(target.definitions(), store.snapshot());
        }
    }
}
