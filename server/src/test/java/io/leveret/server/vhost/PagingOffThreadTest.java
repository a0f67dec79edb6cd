package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.server.stats.GlobalCounts;
import io.leveret.server.stats.Statistics;
import io.leveret.store.Store;
import io.netty.util.concurrent.DefaultEventExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paging off the queue's thread, as the broker does it: queues on a single-threaded executor of their own,
 * their disk work on a {@link DiskIo} thread, so bodies come back later, as tasks. Order of deliveries and of
 * dead letters, a basic.get on a paged-out head, and purge and delete while reads wait, with nothing leaked
 * (the spill file's records all given back, every original message released, the budget back at zero).
 */
class PagingOffThreadTest {
    private static final int MESSAGES = 600;

    @TempDir
    Path dir;
    private final TestMessages messages = new TestMessages();
    private final PagingBudget budget = new PagingBudget(64 << 10);
    private DefaultEventExecutor executor;
    private DiskIo io;
    private Store store;
    private VirtualHost vhost;

    @BeforeEach
    void open() throws Exception {
        executor = new DefaultEventExecutor();
        io = DiskIo.start(1);
        store = Store.open(dir);
        vhost = new VirtualHost("/", executor, new Persistence(store.definitions(), store.messages(), store.spill(),
                budget, io));
    }

    @AfterEach
    void close() throws Exception {
        executor.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        io.close();
        store.close();
        messages.assertAllReleased();
    }

    private static String body(int i) {
        return "m-" + i + "-" + "x".repeat(1024);
    }

    private void fill(Queue q) throws Exception {
        on(q, () -> {
            for (int i = 0; i < MESSAGES; i++) {
                q.enqueue(messages.message(q.name(), body(i)));
            }
            return null;
        });
        await(() -> spillFiles() > 0, "bodies over the budget are spilled");
    }

    @Test
    void aPagedOutBacklogComesBackInOrderToAGetAndThenAConsumer() throws Exception {
        Queue q = vhost.declareQueue("q", false, false, FieldTable.EMPTY, null);
        fill(q);

        Delivery first = get(q);
        assertEquals(body(0), TestMessages.body(first.message()), "the paged-out head, not get-empty");
        first.message().release();

        RecordingChannel ch = new RecordingChannel();
        on(q, () -> {
            q.addConsumer(new QueueConsumer(ch, "c", true, false, 0, FieldTable.EMPTY));
            q.consumerReady();
            return null;
        });
        await(() -> on(q, () -> ch.bodies.size()) == MESSAGES - 1, "the rest is delivered");
        List<String> expected = new ArrayList<>();
        for (int i = 1; i < MESSAGES; i++) {
            expected.add(body(i));
        }
        assertEquals(expected, on(q, () -> List.copyOf(ch.bodies)));
        on(q, () -> {
            ch.releaseAll();
            return null;
        });
        deleteAndAwaitSpillGone(q);
        assertEquals(0, budget.used());
    }

    @Test
    void aConsumerWithAChannelWidePrefetchKeepsItsCreditWhileHeadsAreReadBack() throws Exception {
        Queue q = vhost.declareQueue("q", false, false, FieldTable.EMPTY, null);
        fill(q);
        RecordingChannel ch = new RecordingChannel();
        ch.channelLimit = 20; // basic.qos global: a unit taken for a head still on disk would never come back
        on(q, () -> {
            q.addConsumer(new QueueConsumer(ch, "c", false, false, 0, FieldTable.EMPTY));
            q.consumerReady();
            return null;
        });
        int acked = 0;
        while (acked < MESSAGES) {
            int from = acked;
            await(() -> on(q, () -> ch.deliveries.size()) > from, "deliveries after " + from + " acks");
            acked = on(q, () -> {
                int n = ch.deliveries.size() - from;
                long[] seqs = new long[n];
                for (int i = 0; i < n; i++) {
                    seqs[i] = ch.deliveries.get(from + i).seq();
                }
                ch.channelUsed -= n;
                q.settle(seqs, n, new long[0], 0);
                return from + n;
            });
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add(body(i));
        }
        assertEquals(expected, on(q, () -> List.copyOf(ch.bodies)));
        assertEquals(0, (int) on(q, () -> ch.channelUsed));
        on(q, () -> {
            ch.releaseAll();
            return null;
        });
        deleteAndAwaitSpillGone(q);
    }

    @Test
    void pagedOutMessagesThatExpireAreDeadLetteredInOrder() throws Exception {
        Queue dead = vhost.declareQueue("dead", false, false, FieldTable.EMPTY, null);
        Queue q = vhost.declareQueue("q", false, false, FieldTable.of(Map.of(
                "x-message-ttl", 200, "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead")), null);
        fill(q);
        await(() -> on(dead, dead::messageCount) == MESSAGES, "every message is dead-lettered");
        assertEquals(0, (int) on(q, q::messageCount));

        List<String> got = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            Delivery d = get(dead);
            got.add(TestMessages.body(d.message()));
            d.message().release();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            expected.add(body(i));
        }
        assertEquals(expected, got, "dead letters in the order the messages expired");
        try (Statistics stats = Statistics.start(60_000, false, () -> List.of(vhost))) {
            assertEquals(MESSAGES, stats.liveTotals()[GlobalCounts.deadLettered(GlobalCounts.Reason.EXPIRED, false,
                    true)], "each counted once, though its body was read back before it was dead-lettered");
        }
        deleteAndAwaitSpillGone(q, dead);
        assertEquals(0, budget.used());
    }

    @Test
    void purgeAndDeleteWhileBodiesAreBeingReadLoseAndLeakNothing() throws Exception {
        Queue q = vhost.declareQueue("q", false, false, FieldTable.EMPTY, null);
        fill(q);
        for (int i = 0; i < 3; i++) {
            // A write's result may start the next write: the queue's thread, then the disk thread, a few times.
            CountDownLatch lane = new CountDownLatch(1);
            io.lane().execute(lane::countDown);
            assertTrue(lane.await(10, TimeUnit.SECONDS));
            on(q, () -> null);
        }

        // Hold the disk thread: the reads asked for below wait behind this.
        CountDownLatch gate = new CountDownLatch(1);
        io.lane().execute(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RecordingChannel ch = new RecordingChannel();
        CompletableFuture<Delivery> waiting = new CompletableFuture<>();
        on(q, () -> {
            q.get(false, waiting::complete);
            q.addConsumer(new QueueConsumer(ch, "c", true, false, 0, FieldTable.EMPTY));
            q.consumerReady();
            return null;
        });
        assertTrue(!waiting.isDone(), "the get waits for the head's body");
        assertEquals(MESSAGES, (int) on(q, q::purge));
        assertNull(waiting.get(10, TimeUnit.SECONDS), "nothing is ready after the purge: get-empty");
        gate.countDown();

        // The reads come back to entries the queue let go of: thrown away, not delivered.
        on(q, () -> {
            q.enqueue(messages.message(q.name(), "after"));
            return null;
        });
        await(() -> on(q, () -> ch.bodies.contains("after")), "a message after the purge is delivered");
        assertEquals(List.of("after"), on(q, () -> List.copyOf(ch.bodies)));
        on(q, () -> {
            ch.releaseAll();
            return null;
        });
        deleteAndAwaitSpillGone(q);
        assertEquals(0, budget.used());
    }

    private Delivery get(Queue q) throws Exception {
        CompletableFuture<Delivery> answer = new CompletableFuture<>();
        q.execute(() -> q.get(false, answer::complete));
        Delivery d = answer.get(10, TimeUnit.SECONDS);
        assertTrue(d != null, "get-empty from " + q);
        return d;
    }

    private long spillFiles() throws Exception {
        try (Stream<Path> files = Files.list(store.spill().directory())) {
            return files.count();
        }
    }

    private static <T> T on(Queue q, Callable<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        q.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Deletes the queues, then waits until their spill files are gone: every spilled record was given back. */
    private void deleteAndAwaitSpillGone(Queue... queues) throws Exception {
        for (Queue q : queues) {
            vhost.deleteQueue(q).get(10, TimeUnit.SECONDS);
        }
        await(() -> spillFiles() == 0, "every spilled record was given back");
    }
}
