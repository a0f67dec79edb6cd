package io.leveret.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.definitions.VhostDefinition;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.RecoveredMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {
    @TempDir
    Path dataDir;

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws IOException {
        try (Store first = Store.open(dataDir)) {
            assertTrue(first.definitions().snapshot().vhosts().isEmpty());
            DataDirLockedException error = assertThrows(DataDirLockedException.class, () -> Store.open(dataDir));
            assertTrue(error.getMessage().contains(".lock"), error.getMessage());
        }
        try (Store again = Store.open(dataDir)) {
            assertTrue(again.definitions().snapshot().vhosts().isEmpty());
        }
    }

    @Test
    void aNewerStoreFormatIsRefusedWithAClearMessage() throws IOException {
        Store.open(dataDir).close();
        Files.writeString(dataDir.resolve("FORMAT"), "leveret-store 2\n");
        UnsupportedFormatException error = assertThrows(UnsupportedFormatException.class, () -> Store.open(dataDir));
        assertTrue(error.getMessage().contains("has store format 2 but this Leveret reads formats up to 1"),
                error.getMessage());
        // refusing must not leave the directory locked
        Files.writeString(dataDir.resolve("FORMAT"), "leveret-store 1\n");
        Store.open(dataDir).close();
    }

    @Test
    void aNewerSegmentVersionIsRefused() throws IOException {
        try (Store store = Store.open(dataDir)) {
            declare(store, "q");
            append(store, new QueueName("/", "q")).join();
        }
        Path segment = dataDir.resolve("msgs/00000000000000000001.seg");
        byte[] bytes = Files.readAllBytes(segment);
        bytes[7] = 9; // the header's version field
        Files.write(segment, bytes);
        UnsupportedFormatException error = assertThrows(UnsupportedFormatException.class, () -> Store.open(dataDir));
        assertTrue(error.getMessage().contains("format version 9"), error.getMessage());
    }

    @Test
    void messagesOfAQueueMissingFromTheDefinitionsAreDroppedAtOpen() throws IOException {
        QueueName kept = new QueueName("/", "kept");
        QueueName deleted = new QueueName("/", "deleted");
        Location location;
        try (Store store = Store.open(dataDir)) {
            declare(store, "kept");
            declare(store, "deleted");
            location = append(store, kept, deleted).join();
            // the broker deleted the queue but stopped before dropping its messages
            store.definitions().apply(new Change.DeleteQueue("/", "deleted")).join();
        }
        try (Store store = Store.open(dataDir)) {
            assertEquals(List.of(new RecoveredMessage(location, false)),
                    only(store.messages().recover(), kept));
        }
        try (Store store = Store.open(dataDir)) {
            assertEquals(List.of(new RecoveredMessage(location, false)),
                    only(store.messages().recover(), kept));
        }
    }

    private static void declare(Store store, String queue) {
        store.definitions().apply(new Change.PutVhost(new VhostDefinition("/"))).join();
        store.definitions().apply(new Change.PutQueue(new QueueDefinition("/", queue, true, false, false, Blob.EMPTY))).join();
    }

    private static CompletableFuture<Location> append(Store store, QueueName... queues) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        Location location = store.messages().append(List.of(queues), new byte[0], ByteBuffer.wrap(new byte[] {42}),
                failure -> durable.complete(null));
        return durable.thenApply(v -> location);
    }

    /** The recovered messages of {@code queue}, which must be the only queue recovered. */
    private static List<RecoveredMessage> only(Map<QueueName, List<RecoveredMessage>> recovered, QueueName queue) {
        assertEquals(java.util.Set.of(queue), recovered.keySet());
        return recovered.get(queue).stream().map(r -> new RecoveredMessage(r.location(), r.redelivered())).toList();
    }
}
