package io.leveret.store.messages;

import static io.leveret.store.messages.Appends.appendDurably;
import static io.leveret.store.messages.Appends.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record whose message every queue has let go of before the writer comes to it ({@link WriteCallback#wanted()}
 * false: consumers took it) is not written: its place holds a record for no queue, it costs no force, recovery
 * passes over it, the queues' acks for it are taken without complaint, and segments that held only such records
 * are reclaimed like any other.
 */
class UnwantedRecordsTest {
    private static final QueueName Q1 = new QueueName("/", "q1");
    private static final QueueName Q2 = new QueueName("/", "q2");
    private static final StoreOptions SMALL = StoreOptions.defaults().withSegmentBytes(64 * 1024).withAckFileBytes(16 * 1024);

    @TempDir
    Path dir;

    /** A callback that says the record is no longer wanted, and counts how it was answered. */
    private static final class Unwanted implements WriteCallback {
        final CompletableFuture<Void> dropped = new CompletableFuture<>();
        final AtomicInteger completed = new AtomicInteger();

        @Override
        public void completed(Throwable failure) {
            completed.incrementAndGet();
        }

        @Override
        public boolean wanted() {
            return false;
        }

        @Override
        public void dropped() {
            dropped.complete(null);
        }
    }

    @Test
    void anUnwantedRecordIsNotForcedNorRecoveredAndTheRecordsAroundItStayWhereTheyWere() throws IOException {
        Location before;
        Location after;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            before = appendDurably(store, Q1, "before");
            long commits = store.groupCommits();
            Unwanted callback = new Unwanted();
            Location unwanted = store.append(List.of(Q1, Q2), new byte[] {9}, ByteBuffer.wrap(new byte[700]), callback);
            callback.dropped.join();
            assertEquals(0, callback.completed.get(), "answered as dropped, not as written");
            assertEquals(commits, store.groupCommits(), "a batch of only unwanted records forces nothing");
            assertEquals(1, store.droppedRecords());
            store.ack(Q1, unwanted);
            store.ack(Q2, unwanted);
            after = appendDurably(store, Q1, "after");
            assertEquals(before.segment(), after.segment());
            assertEquals(unwanted.offset() + unwanted.length(), after.offset(), "the unwanted record kept its place");
            assertEquals("after", body(store, after));
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            List<RecoveredMessage> q1 = store.recover().get(Q1);
            assertEquals(List.of(before, after), q1.stream().map(RecoveredMessage::location).toList());
            assertEquals("before", body(store, before));
            assertEquals("after", body(store, after));
        }
    }

    @Test
    void segmentsOfOnlyUnwantedRecordsAreReclaimedWhileRunning() throws IOException {
        byte[] body = new byte[1000];
        long written = 0;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            while (written < 10L * SMALL.segmentBytes()) {
                List<Unwanted> callbacks = new ArrayList<>();
                List<Location> locations = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    Unwanted callback = new Unwanted();
                    Location location = store.append(List.of(Q1), new byte[0], ByteBuffer.wrap(body), callback);
                    callbacks.add(callback);
                    locations.add(location);
                    written += location.length();
                }
                callbacks.forEach(c -> c.dropped.join());
                locations.forEach(l -> store.ack(Q1, l));
                store.sync().join();
            }
            assertTrue(directorySize() <= 2L * SMALL.segmentBytes(), "left " + directorySize() + " bytes after "
                    + written + " bytes of unwanted records");
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertTrue(store.recover().isEmpty());
        }
    }

    @Test
    void aPurgeEndsTheWaitForAcksOfUnwantedRecordsAndLaterRecordsLiveOn() throws IOException {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            Unwanted callback = new Unwanted();
            Location unwanted = store.append(List.of(Q1, Q2), new byte[0], ByteBuffer.wrap(new byte[10]), callback);
            callback.dropped.join();
            store.ack(Q1, unwanted);
            store.dropQueue(Q2); // deleted before its ack was sent
            Location kept = appendDurably(store, Q2, "kept");
            store.sync().join();
            assertEquals("kept", body(store, kept));
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(1, store.recover().get(Q2).size());
        }
    }

    private long directorySize() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : files.toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }
}
