package io.leveret.store.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.Blob;
import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionStoreTest {
    private static final StoreOptions OPTIONS = StoreOptions.defaults();

    @TempDir
    Path dir;

    @Test
    void everyKindOfDefinitionSurvivesReopen() throws IOException {
        Definitions before = populate();
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(before, store.snapshot());
            assertEquals(2, before.queues().size());
            assertEquals(3, before.bindings().size());
        }
    }

    @Test
    void topicPermissionsAndParametersSurviveReopenAndCascade() throws IOException {
        TopicPermissionDefinition topic = new TopicPermissionDefinition("guest", "other", "amq.topic", "^a", "^b");
        ParameterDefinition limits = new ParameterDefinition("other", "vhost-limits", "limits",
                Blob.of(new byte[] {'{', '}'}));
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("other"));
            applyAll(store, List.of(new Change.PutTopicPermission(topic), new Change.PutParameter(limits)));
        }
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(List.of(topic), store.snapshot().topicPermissions());
            assertEquals(List.of(limits), store.snapshot().parameters());
            store.apply(new Change.DeleteUser("guest")).join();
            assertTrue(store.snapshot().topicPermissions().isEmpty());
            store.apply(new Change.DeleteVhost("other")).join();
            assertTrue(store.snapshot().parameters().isEmpty());
        }
    }

    @Test
    void theCommittedDefinitionsCanBeReadBesideTheOpenStoreAcrossCompactions() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS.withJournalCompactBytes(4096))) {
            applyAll(store, Fixtures.model("/"));
            for (int i = 0; i < 40; i++) { // enough to compact the 4 KiB journal several times
                store.apply(new Change.PutQueue(new QueueDefinition("/", "q" + i, true, false, false, Fixtures.ARGS)))
                        .join();
                if (i % 10 == 0) {
                    assertEquals(store.snapshot(), DefinitionStore.readCommitted(dir));
                }
            }
            store.apply(new Change.PutUser(new UserDefinition("limited", Blob.of(new byte[] {1}), List.of(),
                    java.util.Map.of("max-connections", 2)))).join();
            assertEquals(store.snapshot(), DefinitionStore.readCommitted(dir));
        }
        Definitions committed = DefinitionStore.readCommitted(dir);
        Path journal = dir.resolve(DefinitionStore.JOURNAL);
        try (FileChannel out = FileChannel.open(journal, StandardOpenOption.APPEND)) {
            out.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3})); // an append in progress
        }
        long size = Files.size(journal);
        assertEquals(committed, DefinitionStore.readCommitted(dir), "a torn tail is where the committed changes end");
        assertEquals(size, Files.size(journal), "a reader leaves the journal as it found it");
    }

    @Test
    void deletesCascadeLikeRabbitMq() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("/"));
            applyAll(store, Fixtures.model("other"));
            store.apply(new Change.DeleteQueue("/", "orders.eu")).join();
            assertEquals(5, store.snapshot().bindings().size());
            store.apply(new Change.DeleteExchange("/", "audit")).join();
            assertEquals(4, store.snapshot().bindings().size());
            store.apply(new Change.DeleteVhost("other")).join();
            Definitions left = store.snapshot();
            assertTrue(left.exchanges().stream().allMatch(e -> e.vhost().equals("/")));
            assertTrue(left.queues().stream().allMatch(q -> q.vhost().equals("/")));
            assertEquals(1, left.bindings().size());
            assertEquals(1, left.permissions().size());
            assertEquals(1, left.policies().size());
            store.apply(new Change.DeleteUser("guest")).join();
            assertTrue(store.snapshot().permissions().isEmpty());
        }
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(1, store.snapshot().bindings().size());
            assertTrue(store.snapshot().users().isEmpty());
        }
    }

    @Test
    void changesThatDoNotFitTheModelAreRefusedAndNotStored() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("/"));
            Definitions before = store.snapshot();
            refused(store, new Change.PutQueue(new QueueDefinition("nope", "q", true, false, false, Blob.EMPTY)), "no vhost 'nope'");
            refused(store, new Change.PutQueue(new QueueDefinition("/", "q", false, false, false, Blob.EMPTY)), "durable");
            refused(store, new Change.PutQueue(new QueueDefinition("/", "q", true, true, false, Blob.EMPTY)), "exclusive");
            refused(store, new Change.PutBinding(Fixtures.binding("/", "orders", "missing", "k")), "'missing'");
            refused(store, new Change.PutPermission(new PermissionDefinition("nobody", "/", "", "", "")), "no user");
            assertEquals(before, store.snapshot());
        }
    }

    @Test
    void snapshotFromAnApplyContinuationDoesNotDeadlock() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            Definitions seen = store.apply(new Change.PutVhost(new VhostDefinition("v")))
                    .thenApply(ignored -> store.snapshot()).join();
            assertEquals(List.of(new VhostDefinition("v")), seen.vhosts());
        }
    }

    @Test
    void repeatedPutsReplaceAndCountOnce() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("/"));
            applyAll(store, Fixtures.model("/"));
            store.apply(new Change.PutQueue(new QueueDefinition("/", "orders.eu", true, false, true, Blob.EMPTY))).join();
            Definitions now = store.snapshot();
            assertEquals(2, now.queues().size());
            assertTrue(now.queues().stream().anyMatch(q -> q.name().equals("orders.eu") && q.autoDelete()));
        }
    }

    @Test
    void missingMapDbFileIsRebuiltFromTheJournal() throws IOException {
        Definitions before = populate();
        Files.delete(dir.resolve(DefinitionStore.MAPDB));
        assertReopensAs(before);
    }

    @Test
    void truncatedMapDbFileIsMovedAsideAndRebuilt() throws IOException {
        Definitions before = populate();
        Path file = dir.resolve(DefinitionStore.MAPDB);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 3);
        }
        assertReopensAs(before);
        assertTrue(Files.exists(dir.resolve(DefinitionStore.MAPDB + ".damaged")));
    }

    @Test
    void overwrittenMapDbBytesAreDetectedAndRebuilt() throws IOException {
        Definitions before = populate();
        Path file = dir.resolve(DefinitionStore.MAPDB);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < bytes.length; i += 7) {
            bytes[i] = (byte) 0xA5;
        }
        Files.write(file, bytes);
        assertReopensAs(before);
    }

    @Test
    void mapDbBehindTheJournalIsRebuilt(@TempDir Path old) throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("/"));
        }
        copyMapDb(dir, old);
        Definitions after;
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            store.apply(new Change.DeleteQueue("/", "orders.us")).join();
            after = store.snapshot();
        }
        copyMapDb(old, dir); // a MapDB file that missed the last commit
        assertReopensAs(after);
    }

    @Test
    void tornJournalTailIsCutOffAndTheRestKept() throws IOException {
        Definitions before = populate();
        Path journal = dir.resolve(DefinitionStore.JOURNAL);
        long size = Files.size(journal);
        Files.write(journal, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
        assertReopensAs(before);
        assertEquals(size, Files.size(journal));
    }

    @Test
    void journalIsCompactedAndStillRebuildsTheModel() throws IOException {
        StoreOptions small = OPTIONS.withJournalCompactBytes(4096);
        Definitions before;
        try (DefinitionStore store = DefinitionStore.open(dir, small)) {
            applyAll(store, Fixtures.model("/"));
            for (int i = 0; i < 500; i++) {
                store.apply(new Change.PutQueue(new QueueDefinition("/", "tmp", true, false, false, Blob.EMPTY))).join();
                store.apply(new Change.DeleteQueue("/", "tmp")).join();
            }
            before = store.snapshot();
        }
        assertTrue(Files.size(dir.resolve(DefinitionStore.JOURNAL)) < 8192,
                "journal of " + Files.size(dir.resolve(DefinitionStore.JOURNAL)) + " bytes");
        Files.delete(dir.resolve(DefinitionStore.MAPDB));
        try (DefinitionStore store = DefinitionStore.open(dir, small)) {
            assertEquals(before, store.snapshot());
        }
    }

    @Test
    void lostJournalIsRewrittenFromMapDb() throws IOException {
        Definitions before = populate();
        Files.delete(dir.resolve(DefinitionStore.JOURNAL));
        assertReopensAs(before);
        Files.delete(dir.resolve(DefinitionStore.MAPDB));
        assertReopensAs(before); // the rewritten journal alone holds everything
    }

    private Definitions populate() throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            applyAll(store, Fixtures.model("/"));
            return store.snapshot();
        }
    }

    private void assertReopensAs(Definitions expected) throws IOException {
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(expected, store.snapshot());
        }
        try (DefinitionStore store = DefinitionStore.open(dir, OPTIONS)) {
            assertEquals(expected, store.snapshot(), "and again, from the rebuilt files");
        }
    }

    private static void applyAll(DefinitionStore store, List<Change> changes) {
        changes.forEach(change -> store.apply(change).join());
    }

    private static void refused(DefinitionStore store, Change change, String reason) {
        CompletionException error = assertThrows(CompletionException.class, () -> store.apply(change).join());
        assertInstanceOf(IllegalArgumentException.class, error.getCause());
        assertTrue(error.getCause().getMessage().contains(reason), error.getCause().getMessage());
    }

    private static void copyMapDb(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().startsWith(DefinitionStore.MAPDB)) {
                    Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
