package io.leveret.server.cluster.queues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batcher against a stand-in for the group that applies each batch to a queue machine, as one entry would. */
class CommandBatcherTest {
    private static final QueueName Q = new QueueName("/", "q");

    private final QueueMachine machine = new QueueMachine();
    /** Every batch handed over, in order. */
    private final List<List<Command>> batches = new CopyOnWriteArrayList<>();
    /** When set, batches are held here instead of applied. */
    private volatile List<CompletableFuture<List<List<Effect>>>> held;
    private CommandBatcher batcher;

    private synchronized CompletableFuture<List<List<Effect>>> apply(List<Command> commands) {
        batches.add(List.copyOf(commands));
        if (held != null) {
            CompletableFuture<List<List<Effect>>> later = new CompletableFuture<>();
            held.add(later);
            return later;
        }
        List<List<Effect>> effects = new ArrayList<>();
        for (Command command : commands) {
            effects.add(machine.apply(command));
        }
        return CompletableFuture.completedFuture(effects);
    }

    private static Command.Enqueue enqueue(String publisher, long seq, int size) {
        return new Command.Enqueue(Q, publisher, seq, Body.of(new byte[size]));
    }

    @AfterEach
    void close() {
        if (batcher != null) {
            batcher.close();
        }
    }

    @Test
    void commandsWithinTheLingerShareOneEntryAndEachCallerGetsItsOwnEffects() throws Exception {
        machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS));
        // A long linger, so that all 100 surely fall in the first batch whatever the machine's load.
        batcher = new CommandBatcher(this::apply, Duration.ofSeconds(2), 64 * 1024, 4);
        List<CompletableFuture<List<Effect>>> futures = new ArrayList<>();
        for (int seq = 1; seq <= 100; seq++) {
            futures.add(batcher.submit(enqueue("p", seq, 10)));
        }
        for (int seq = 1; seq <= 100; seq++) {
            assertEquals(List.of(new Effect.Confirm(Q, "p", seq)), futures.get(seq - 1).get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, batches.size(), "one entry for all of them");
        assertEquals(100, batches.get(0).size());
        assertEquals(100, machine.stats(Q).ready());
    }

    @Test
    void aBatchGoesOutAsSoonAsItHolds64KiBWithoutWaitingForTheLinger() throws Exception {
        machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS));
        // A linger far longer than the test may wait: only the size can send these.
        batcher = new CommandBatcher(this::apply, Duration.ofSeconds(60), CommandBatcher.DEFAULT_MAX_BYTES, 4);
        List<CompletableFuture<List<Effect>>> futures = new ArrayList<>();
        for (int seq = 1; seq <= 40; seq++) {
            futures.add(batcher.submit(enqueue("p", seq, 4000)));
        }
        for (int seq = 1; seq <= 32; seq++) {
            futures.get(seq - 1).get(5, TimeUnit.SECONDS);
        }
        assertEquals(2, batches.size(), batches.stream().map(List::size).toList().toString());
        for (List<Command> batch : batches) {
            int bytes = batch.stream().mapToInt(QueueCodec::encodedSize).sum();
            int withoutLast = bytes - QueueCodec.encodedSize(batch.get(batch.size() - 1));
            assertTrue(bytes >= 64 * 1024 && withoutLast < 64 * 1024, "sent at the command that reached 64 KiB");
        }
        assertTrue(!futures.get(39).isDone(), "the rest wait for more or for the linger");
        batcher.close();
        assertEquals(List.of(new Effect.Confirm(Q, "p", 40)), futures.get(39).get(5, TimeUnit.SECONDS),
                "close sends what waits");
    }

    @Test
    void aLoneCommandGoesOutAfterTheLingerAndBatchesKeepTheirOrder() throws Exception {
        machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS));
        batcher = new CommandBatcher(this::apply, Duration.ofMillis(1), 64 * 1024, 4);
        assertEquals(List.of(new Effect.Confirm(Q, "p", 1)), batcher.submit(enqueue("p", 1, 5)).get(5, TimeUnit.SECONDS));
        // Several threads, each a publisher submitting in order: the machine must see each one's numbers in order,
        // or it would answer OutOfSequence.
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<List<Effect>>> futures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            String publisher = "t" + t;
            threads.add(new Thread(() -> {
                for (int seq = 1; seq <= 2000; seq++) {
                    futures.add(batcher.submit(enqueue(publisher, seq, 50)));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        for (CompletableFuture<List<Effect>> future : futures) {
            assertSame(Effect.Confirm.class, future.get(5, TimeUnit.SECONDS).get(0).getClass());
        }
        assertEquals(8001, machine.stats(Q).ready());
        assertTrue(batches.size() > 2 && batches.size() < 8001, "batched: " + batches.size() + " entries");
    }

    @Test
    void aFailedEntryFailsEveryCallerInItAndLaterBatchesStillGo() throws Exception {
        machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS));
        held = new CopyOnWriteArrayList<>();
        batcher = new CommandBatcher(this::apply, Duration.ofMillis(1), 64 * 1024, 4);
        CompletableFuture<List<Effect>> one = batcher.submit(enqueue("p", 1, 5));
        CompletableFuture<List<Effect>> two = batcher.submit(enqueue("p", 2, 5));
        // Both in one entry, or each in its own if the linger ran out between them: every held entry fails.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (batches.stream().mapToInt(List::size).sum() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        QueueGroupUnavailableException failure = new QueueGroupUnavailableException("no majority", null);
        held.forEach(f -> f.completeExceptionally(failure));
        for (CompletableFuture<List<Effect>> f : List.of(one, two)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
            assertSame(failure, e.getCause());
        }
        held = null;
        assertEquals(List.of(new Effect.Confirm(Q, "p", 1)), batcher.submit(enqueue("p", 1, 5)).get(5, TimeUnit.SECONDS));
    }

    @Test
    void whileTheMostEntriesAreOutstandingDueCommandsGatherIntoOneEntryThatGoesWhenOneCompletes() throws Exception {
        machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS));
        held = new CopyOnWriteArrayList<>();
        batcher = new CommandBatcher(this::apply, Duration.ofMillis(1), 64 * 1024, 1);
        CompletableFuture<List<Effect>> first = batcher.submit(enqueue("p", 1, 5));
        awaitBatches(1);
        List<CompletableFuture<List<Effect>>> later = new ArrayList<>();
        for (int seq = 2; seq <= 50; seq++) {
            later.add(batcher.submit(enqueue("p", seq, 5)));
            Thread.sleep(seq % 10 == 0 ? 2 : 0);
        }
        Thread.sleep(20);
        assertEquals(1, batches.size(), "nothing more goes while one entry is outstanding");
        // The first entry completes (applied as the group would), and the 49 that waited go as one entry.
        List<List<Effect>> effects = new ArrayList<>();
        effects.add(machine.apply(batches.get(0).get(0)));
        held.get(0).complete(effects);
        assertEquals(List.of(new Effect.Confirm(Q, "p", 1)), first.get(5, TimeUnit.SECONDS));
        awaitBatches(2);
        assertEquals(49, batches.get(1).size(), "the 49 that waited go as one entry");
        List<List<Effect>> second = new ArrayList<>();
        for (Command command : batches.get(1)) {
            second.add(machine.apply(command));
        }
        held.get(1).complete(second);
        for (int i = 0; i < later.size(); i++) {
            assertEquals(List.of(new Effect.Confirm(Q, "p", i + 2)), later.get(i).get(5, TimeUnit.SECONDS));
        }
    }

    private void awaitBatches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (batches.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(n, batches.size());
    }
}
