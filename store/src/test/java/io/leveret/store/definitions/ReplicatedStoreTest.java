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
            store.replaceLocally(target.definitions(), 40).join();
            assertEquals(target.definitions(), store.snapshot());
        }
        // Durably so: a reopened store holds the same, and knows how far in the replicated log it is.
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            assertEquals(target.definitions(), store.snapshot());
            assertEquals(40, store.replicatedIndex());
        }
    }

    @Test
    void theReplicatedIndexOnlyGrowsAndCountsRefusedChangesButNotUnwrittenOnes() throws Exception {
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            assertEquals(-1, store.replicatedIndex(), "a store that never took a replicated change");
            store.applyLocally(new Change.PutVhost(new VhostDefinition("v")), 7).join();
            assertEquals(7, store.replicatedIndex());
            // A queue in a vhost this copy lacks: refused here, and not to be offered again.
            Change orphan = new Change.PutQueue(new QueueDefinition("nowhere", "q", true, false, false,
                    io.leveret.store.Blob.EMPTY));
            CompletableFuture<Void> refused = store.applyLocally(orphan, 9);
            assertEquals(IllegalArgumentException.class, org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CompletionException.class, refused::join).getCause().getClass());
            assertEquals(9, store.replicatedIndex());
            store.applyLocally(new Change.PutVhost(new VhostDefinition("w")), 8).join();
            assertEquals(9, store.replicatedIndex(), "an older index does not move it back");
        }
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            assertEquals(9, store.replicatedIndex());
        }
    }
}
