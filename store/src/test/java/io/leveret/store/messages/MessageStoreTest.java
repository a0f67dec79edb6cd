package io.leveret.store.messages;

import static io.leveret.store.messages.Appends.append;
import static io.leveret.store.messages.Appends.appendDurably;
import static io.leveret.store.messages.Appends.body;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageStoreTest {
    private static final QueueName Q1 = new QueueName("/", "q1");
    private static final QueueName Q2 = new QueueName("/", "q2");
    private static final StoreOptions SMALL = StoreOptions.defaults().withSegmentBytes(64 * 1024).withAckFileBytes(16 * 1024);

    @TempDir
    Path dir;

    @Test
    void appendedMessageReadsBackWithItsPropertiesAndQueues() throws IOException {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertTrue(store.recover().isEmpty());
            Location location = append(store, List.of(Q1, Q2), "hello").join();
            StoredMessage message = store.read(location);
            assertEquals(List.of(Q1, Q2), message.queues());
            byte[] properties = new byte[message.properties().remaining()];
            message.properties().get(properties);
            assertArrayEquals(new byte[] {1, 2, 3}, properties);
            assertEquals("hello", body(store, location));
        }
    }

    /**
     * A body in several buffers, direct and heap, small and larger than the writer's buffer, is written as
     * one record without being merged first: it reads back whole, and recovery (which checks each record's
     * checksum) finds it after a reopen.
     */
    @Test
    void aBodyInSeveralBuffersIsStoredWhole() throws Exception {
        byte[] expected = new byte[3 << 20];
        new java.util.Random(7).nextBytes(expected);
        ByteBuffer direct = ByteBuffer.allocateDirect(2 << 20).put(expected, 0, 2 << 20).flip();
        ByteBuffer heap = ByteBuffer.wrap(expected, 2 << 20, 1 << 20);
        ByteBuffer small = ByteBuffer.wrap("tail".getBytes());
        byte[] whole = new byte[expected.length + 4];
        System.arraycopy(expected, 0, whole, 0, expected.length);
        System.arraycopy("tail".getBytes(), 0, whole, expected.length, 4);
        Location big;
        Location little;
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            store.recover();
            CompletableFuture<Throwable> done = new CompletableFuture<>();
            big = store.append(List.of(Q1), MessageTimes.now(), new byte[] {9}, new ByteBuffer[] {direct, heap, small},
                    done::complete);
            CompletableFuture<Throwable> done2 = new CompletableFuture<>();
            little = store.append(List.of(Q1), MessageTimes.now(), new byte[] {8},
                    new ByteBuffer[] {ByteBuffer.wrap("ab".getBytes()), ByteBuffer.allocateDirect(1).put((byte) 'c').flip()},
                    done2::complete);
            assertEquals(null, done.get());
            assertEquals(null, done2.get());
            assertEquals(2 << 20, direct.remaining(), "the caller's buffers are left as they were");
            assertArrayEquals(whole, bytes(store.read(big).body()));
        }
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            List<RecoveredMessage> recovered = store.recover().get(Q1);
            assertEquals(List.of(big, little), recovered.stream().map(RecoveredMessage::location).toList());
            assertArrayEquals(whole, bytes(store.read(big).body()));
            assertArrayEquals("abc".getBytes(), bytes(store.read(little).body()));
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /**
     * Acknowledgements and delivered marks alone are written to the file but not forced (losing them in a power
     * failure only redelivers); they are forced with the next batch that must be durable.
     */
    @Test
    void acksAloneAreWrittenButNotForced() throws Exception {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            List<Location> locations = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                locations.add(appendDurably(store, Q1, "m" + i));
            }
            long commits = store.groupCommits();
            long ackBytes = ackFileBytes();
            for (Location l : locations) {
                store.markDelivered(Q1, l, 1);
                store.ack(Q1, l);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ackFileBytes() == ackBytes && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(ackFileBytes() > ackBytes, "the acks reached the file");
            store.sync().join();
            assertEquals(commits + 1, store.groupCommits(), "only the sync forced");
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertTrue(store.recover().getOrDefault(Q1, List.of()).isEmpty(), "the acks were kept");
        }
    }

    private long ackFileBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : files.filter(f -> f.toString().endsWith(".ack")).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    @Test
    void aBatchedReadGivesWhatSingleReadsGiveAcrossRunsSegmentsAndBadLocations() throws IOException {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            List<Location> wanted = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // several segments, with other queues' records in between
                Location l = appendDurably(store, Q1, "m" + i + "x".repeat(i % 7 * 300));
                if (i % 3 != 1) {
                    wanted.add(l);
                }
                if (i % 10 == 0) {
                    appendDurably(store, Q2, "y".repeat(20_000)); // a gap too wide to read through
                }
            }
            Location last = wanted.get(wanted.size() - 1);
            wanted.add(5, new Location(last.segment(), last.offset() + last.length() + 64, 100)); // past the end
            Location[] locations = wanted.toArray(new Location[0]);
            StoredMessage[] results = new StoredMessage[locations.length];
            IOException[] failures = new IOException[locations.length];
            store.read(locations, locations.length, results, failures);
            for (int i = 0; i < locations.length; i++) {
                if (i == 5) {
                    assertTrue(results[i] == null && failures[i] != null, "no message there");
                    continue;
                }
                assertEquals(null, failures[i], "message " + i + " could not be read");
                StoredMessage single = store.read(locations[i]);
                assertEquals(single.body(), results[i].body(), "message " + i);
                assertEquals(single.properties(), results[i].properties());
                assertEquals(single.queues(), results[i].queues());
            }
        }
    }

    @Test
    void reopenAfterCloseRecoversUnackedMessagesInPublishOrder() throws IOException {
        List<Location> locations = new ArrayList<>();
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            for (int i = 0; i < 300; i++) { // several segments' worth
                locations.add(appendDurably(store, Q1, "m" + i + "x".repeat(500)));
            }
            for (int i = 0; i < 300; i += 2) {
                store.ack(Q1, locations.get(i));
            }
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            List<RecoveredMessage> recovered = store.recover().get(Q1);
            assertEquals(150, recovered.size());
            for (int i = 0; i < 150; i++) {
                assertEquals(locations.get(2 * i + 1), recovered.get(i).location());
                assertFalse(recovered.get(i).redelivered());
                assertEquals("m" + (2 * i + 1) + "x".repeat(500), body(store, recovered.get(i).location()));
            }
            assertThrows(IllegalStateException.class, store::recover);
        }
    }

    @Test
    void aMessageForTwoQueuesIsWrittenOnceAndLivesUntilBothAck() throws IOException {
        Location shared;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            shared = append(store, List.of(Q1, Q2), "x".repeat(10_000)).join();
            assertTrue(segmentBytes() < 11_000, "body stored once: " + segmentBytes());
            store.ack(Q1, shared);
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            Map<QueueName, List<RecoveredMessage>> recovered = store.recover();
            assertFalse(recovered.containsKey(Q1));
            assertEquals(List.of(new RecoveredMessage(shared, false)), untimed(recovered.get(Q2)));
            store.ack(Q2, shared);
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertTrue(store.recover().isEmpty());
        }
    }

    @Test
    void deliveredButUnackedMessagesComeBackRedelivered() throws IOException {
        Location delivered;
        Location fresh;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            delivered = appendDurably(store, Q1, "a");
            fresh = appendDurably(store, Q1, "b");
            store.markDelivered(Q1, delivered);
            store.sync().join();
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(List.of(new RecoveredMessage(delivered, true), new RecoveredMessage(fresh, false)),
                    untimed(store.recover().get(Q1)));
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            // the rewritten ack file still says so on the next open
            assertTrue(store.recover().get(Q1).get(0).redelivered());
        }
    }

    @Test
    void deliveryCountsComeBackAsTheHighestRecordedAndSurviveTheRewrite() throws IOException {
        Location counted;
        Location plain;
        Location fresh;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            counted = appendDurably(store, Q1, "a");
            plain = appendDurably(store, Q1, "b");
            fresh = appendDurably(store, Q1, "c");
            store.markDelivered(Q1, counted, 0);
            store.markDelivered(Q1, counted, 3);
            store.markDelivered(Q1, counted, 2);
            store.markDelivered(Q1, plain);
            store.sync().join();
        }
        List<RecoveredMessage> expected = List.of(new RecoveredMessage(counted, true, 3, MessageTimes.UNKNOWN),
                new RecoveredMessage(plain, true, 0, MessageTimes.UNKNOWN), new RecoveredMessage(fresh, false));
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(expected, counted(store.recover().get(Q1)));
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(expected, counted(store.recover().get(Q1)));
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertThrows(IllegalArgumentException.class, () -> store.markDelivered(Q1, fresh, -1));
        }
    }

    @Test
    void droppedQueueLosesOnlyItsEarlierMessages() throws IOException {
        Location kept;
        Location later;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            appendDurably(store, Q1, "gone");
            kept = append(store, List.of(Q1, Q2), "kept").join();
            store.dropQueue(Q1);
            later = appendDurably(store, Q1, "redeclared");
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            Map<QueueName, List<RecoveredMessage>> recovered = store.recover();
            assertEquals(List.of(new RecoveredMessage(later, false)), untimed(recovered.get(Q1)));
            assertEquals(List.of(new RecoveredMessage(kept, false)), untimed(recovered.get(Q2)));
        }
    }

    @Test
    void uncleanStopLosesNothingConfirmed(@TempDir Path copy) throws IOException {
        List<Location> confirmed = new ArrayList<>();
        MessageStore store = MessageStore.open(dir, SMALL);
        store.recover();
        for (int i = 0; i < 50; i++) {
            confirmed.add(appendDurably(store, Q1, "m" + i));
        }
        // No close: copy the files as a crash would leave them, while the store still runs.
        copyTree(dir, copy);
        store.close();
        try (MessageStore reopened = MessageStore.open(copy, SMALL)) {
            assertEquals(confirmed, reopened.recover().get(Q1).stream().map(RecoveredMessage::location).toList());
        }
    }

    @Test
    void tornTailIsCutOffAndEarlierMessagesSurvive() throws IOException {
        List<Location> locations = writeMessages(5);
        Path segment = lastSegment();
        Location last = locations.get(4);
        try (var channel = java.nio.channels.FileChannel.open(segment, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(last.offset() + last.length() / 2);
        }
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(locations.subList(0, 4), locations(store.recover().get(Q1)));
        }
        assertEquals(last.offset(), Files.size(segment), "the torn record is cut off");
    }

    @Test
    void flippedByteInTheLastRecordDropsOnlyThatRecord() throws IOException {
        List<Location> locations = writeMessages(5);
        Path segment = lastSegment();
        Location last = locations.get(4);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[last.offset() + last.length() - 1] ^= 0x40;
        Files.write(segment, bytes);
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(locations.subList(0, 4), locations(store.recover().get(Q1)));
            Location next = appendDurably(store, Q1, "after");
            assertEquals("after", body(store, next));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsCutOff() throws IOException {
        List<Location> locations = writeMessages(3);
        Path segment = lastSegment();
        long size = Files.size(segment);
        Files.write(segment, new byte[] {0, 0, 0, 9, 1, 2}, java.nio.file.StandardOpenOption.APPEND);
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            assertEquals(locations, locations(store.recover().get(Q1)));
        }
        assertEquals(size, Files.size(segment));
    }

    @Test
    void steadyPublishAndAckKeepsTheDirectoryToAFewSegments() throws IOException {
        byte[] body = new byte[1000];
        long written = 0;
        long largest = 0;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            List<CompletableFuture<Location>> inFlight = new ArrayList<>();
            while (written < 10L * SMALL.segmentBytes()) {
                for (int i = 0; i < 20; i++) {
                    CompletableFuture<Void> durable = new CompletableFuture<>();
                    Location location = store.append(List.of(Q1), new byte[0], ByteBuffer.wrap(body),
                            failure -> durable.complete(null));
                    inFlight.add(durable.thenApply(v -> location));
                    written += location.length();
                }
                for (CompletableFuture<Location> f : inFlight) {
                    store.ack(Q1, f.join());
                }
                inFlight.clear();
                store.sync().join();
                largest = Math.max(largest, directorySize());
            }
        }
        assertTrue(largest <= 4L * SMALL.segmentBytes(), "directory grew to " + largest + " bytes after writing "
                + written);
        assertTrue(directorySize() <= 2L * SMALL.segmentBytes(), "left " + directorySize() + " bytes");
    }

    @Test
    void callbacksRunOnlyAfterAForceAndManyWritersShareForces() throws Exception {
        int threads = 16;
        int perThread = 200;
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            List<Thread> writers = new ArrayList<>();
            List<Throwable> problems = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch confirmed = new java.util.concurrent.CountDownLatch(threads * perThread);
            for (int t = 0; t < threads; t++) {
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long forcesBefore = store.groupCommits();
                        store.append(List.of(Q1), new byte[0], ByteBuffer.wrap(new byte[100]), failure -> {
                            if (failure != null) {
                                problems.add(failure);
                            }
                            // the writer counts a commit when its forces returned, before any callback
                            if (store.groupCommits() <= forcesBefore) {
                                problems.add(new AssertionError("confirmed before a force returned"));
                            }
                            confirmed.countDown();
                        });
                    }
                });
                writers.add(writer);
                writer.start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
            confirmed.await();
            assertTrue(problems.isEmpty(), problems.toString());
            long commits = store.groupCommits();
            assertTrue(commits >= 1 && commits < threads * perThread,
                    commits + " group commits for " + threads * perThread + " appends");
        }
    }

    @Test
    void anIoErrorFailsTheCallbacksOfThatBatchAndEveryLaterOne() throws IOException {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            appendDurably(store, Q1, "x".repeat(40_000));
            // The next segment cannot be created once its directory is gone.
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
            CompletableFuture<Location> rolled = append(store, List.of(Q1), "y".repeat(40_000));
            java.util.concurrent.CompletionException error =
                    assertThrows(java.util.concurrent.CompletionException.class, rolled::join);
            assertTrue(error.getCause() instanceof IOException, error.getCause().toString());
            assertThrows(java.util.concurrent.CompletionException.class, () -> append(store, List.of(Q1), "z").join());
            assertThrows(java.util.concurrent.CompletionException.class, () -> store.sync().join());
        }
        Files.createDirectories(dir); // for @TempDir's cleanup
    }

    @Test
    void readOfAnAcknowledgedSegmentFailsClearly() throws IOException {
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            Location first = appendDurably(store, Q1, "x".repeat(40_000));
            appendDurably(store, Q1, "y".repeat(40_000)); // rolls to a second segment
            store.ack(Q1, first);
            store.sync().join();
            store.sync().join(); // segments are reclaimed after a batch's callbacks: wait for the next batch
            IOException error = assertThrows(IOException.class, () -> store.read(first));
            assertTrue(error.getMessage().contains("acknowledged"), error.getMessage());
        }
    }

    @Test
    void oversizeOrQueuelessMessagesAreRefused() throws IOException {
        try (MessageStore store = MessageStore.open(dir, new StoreOptions(64 * 1024, 16 * 1024, 1000, 1 << 20))) {
            store.recover();
            assertThrows(IllegalArgumentException.class,
                    () -> store.append(List.of(Q1), new byte[0], ByteBuffer.allocate(1001), failure -> { }));
            assertThrows(IllegalArgumentException.class,
                    () -> store.append(List.of(), new byte[0], ByteBuffer.allocate(1), failure -> { }));
        }
    }

    private List<Location> writeMessages(int count) throws IOException {
        List<Location> locations = new ArrayList<>();
        try (MessageStore store = MessageStore.open(dir, SMALL)) {
            store.recover();
            for (int i = 0; i < count; i++) {
                locations.add(appendDurably(store, Q1, "message " + i));
            }
        }
        return locations;
    }

    private static List<Location> locations(List<RecoveredMessage> messages) {
        return messages.stream().map(RecoveredMessage::location).toList();
    }

    private Path lastSegment() throws IOException {
        return LogFiles.list(dir, LogFiles.SEGMENT).lastEntry().getValue();
    }

    private long segmentBytes() throws IOException {
        return LogFiles.list(dir, LogFiles.SEGMENT).values().stream().mapToLong(MessageStoreTest::size).sum();
    }

    private long directorySize() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(MessageStoreTest::size).sum();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // deleted meanwhile
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Recovered messages without their times, to compare with expected ones. */
    static List<RecoveredMessage> untimed(List<RecoveredMessage> recovered) {
        return recovered.stream().map(r -> new RecoveredMessage(r.location(), r.redelivered())).toList();
    }

    /** Recovered messages without their times, keeping delivery counts. */
    private static List<RecoveredMessage> counted(List<RecoveredMessage> recovered) {
        return recovered.stream()
                .map(r -> new RecoveredMessage(r.location(), r.redelivered(), r.deliveryCount(), MessageTimes.UNKNOWN))
                .toList();
    }
}
