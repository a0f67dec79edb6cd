package io.leveret.server.cluster.queues;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a unit test: a harness that measures confirmed enqueues per second and commit latency (p50/p99, from the
 * moment a message was due, so a stall counts against every message it delays) for three in-JVM members at fixed
 * rates. Run with {@code -Dtest=QueueGroupBenchmark -Dleveret.bench=true "-Dleak.argLine=-Xmx2g"} (a heap for three
 * members' queues and log caches; leak detection is for tests); optional {@code -Dleveret.bench.rates=5000,20000}
 * , {@code -Dleveret.bench.seconds=10} and {@code -Dleveret.bench.inflight=4} (the batcher's entries in flight).
 */
class QueueGroupBenchmark {
    private static final QueueName Q = new QueueName("/", "bench");
    private static final int BODY = 256;
    private static final int PUBLISHERS = 16;

    @Test
    @EnabledIfSystemProperty(named = "leveret.bench", matches = "true")
    void measure() throws Exception {
        main(new String[0]);
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("leveret.bench.seconds", 10);
        int[] rates = Arrays.stream(System.getProperty("leveret.bench.rates", "2000,10000,30000,60000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createTempDirectory("leveret-bench");
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        for (String node : List.of("a", "b", "c")) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                members.put(node, new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
            }
        }
        QueueGroup.Tuning tuning = new QueueGroup.Tuning(Duration.ofSeconds(30), 100_000, 64L << 20,
                Duration.ofMillis(1000));
        Map<String, QueueGroup> groups = new LinkedHashMap<>();
        try {
            for (String node : members.keySet()) {
                groups.put(node, QueueGroup.start("bench", node, members, "127.0.0.1", dir.resolve(node), tuning,
                        (commands, effects, fromHere) -> {
                        }));
            }
            QueueGroup any = groups.get("a");
            any.submit(new Command.Declare(Q, QueueConfig.DEFAULTS)).get();
            String leader = any.leader();
            QueueGroup follower = groups.entrySet().stream().filter(e -> !e.getKey().equals(leader)).findFirst()
                    .orElseThrow().getValue();
            System.out.printf("%d members in one JVM on loopback, %d-byte bodies, %d publishers, %d s per rate; "
                    + "submitting through a follower (%s), leader %s%n", members.size(), BODY, PUBLISHERS, seconds,
                    follower.self(), leader);
            long[] seqs = new long[PUBLISHERS];
            sequential("one at a time, via the leader", groups.get(leader), seqs);
            sequential("one at a time, via a follower", follower, seqs);
            int inFlight = Integer.getInteger("leveret.bench.inflight", CommandBatcher.DEFAULT_MAX_IN_FLIGHT);
            System.out.printf("batcher: %d ms linger, %d KiB, %d entries in flight%n",
                    CommandBatcher.DEFAULT_LINGER.toMillis(), CommandBatcher.DEFAULT_MAX_BYTES / 1024, inFlight);
            try (CommandBatcher batcher = new CommandBatcher(follower::submitAll, CommandBatcher.DEFAULT_LINGER,
                    CommandBatcher.DEFAULT_MAX_BYTES, inFlight)) {
                run("warm-up", 5000, 3, batcher::submit, follower, seqs);
                for (int rate : rates) {
                    run("batched", rate, seconds, batcher::submit, follower, seqs);
                }
            }
            run("one entry per message", 2000, seconds, follower::submit, follower, seqs);
        } finally {
            groups.values().forEach(QueueGroup::close);
        }
    }

    /** Commit latency with nothing else in flight: one enqueue, wait, the next. */
    private static void sequential(String label, QueueGroup via, long[] seqs) throws Exception {
        int n = 300;
        long[] latency = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            via.submit(new Command.Enqueue(Q, "p0", ++seqs[0], Body.of(new byte[BODY]))).get();
            latency[i] = System.nanoTime() - start;
        }
        via.submit(new Command.Purge(Q)).get();
        Arrays.sort(latency);
        System.out.printf("%-32s: commit latency p50 %6.2f ms, p99 %7.2f ms%n", label, latency[n / 2] / 1e6,
                latency[(int) (n * 0.99)] / 1e6);
    }

    private static void run(String label, int rate, int seconds, Function<Command, CompletableFuture<List<Effect>>> submit,
                            QueueGroup via, long[] seqs) throws Exception {
        int total = rate * seconds;
        long[] latency = new long[total];
        CountDownLatch done = new CountDownLatch(total);
        AtomicLong failed = new AtomicLong();
        long startIndex = via.appliedIndex();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long start = System.nanoTime();
        long periodNanos = TimeUnit.MILLISECONDS.toNanos(1);
        int[] sent = {0};
        byte[] body = new byte[BODY];
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            // Everything due by now, each stamped with the time it was due.
            int due = (int) Math.min(total, (now - start) * rate / 1_000_000_000L);
            while (sent[0] < due) {
                int i = sent[0]++;
                long dueAt = start + (long) i * 1_000_000_000L / rate;
                int publisher = i % PUBLISHERS;
                submit.apply(new Command.Enqueue(Q, "p" + publisher, ++seqs[publisher], Body.of(body)))
                        .whenComplete((effects, e) -> {
                            if (e != null || !(effects.get(0) instanceof Effect.Confirm)) {
                                failed.incrementAndGet();
                            }
                            latency[i] = System.nanoTime() - dueAt;
                            done.countDown();
                        });
            }
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        boolean finished = done.await(seconds + 60L, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        ticker.shutdownNow();
        long entries = via.appliedIndex() - startIndex;
        // Empty the queue so that the next rate starts from the same state (and the heap holds one phase at most).
        via.submit(new Command.Purge(Q)).get();
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        System.out.printf("%-22s target %6d msg/s: confirmed %8.0f msg/s, commit latency p50 %6.2f ms, p99 %7.2f ms, "
                        + "max %7.2f ms, %6d entries (%.1f msgs each), failed %d%s%n",
                label, rate, (total - failed.get()) * 1e9 / elapsed, sorted[total / 2] / 1e6,
                sorted[(int) (total * 0.99)] / 1e6, sorted[total - 1] / 1e6, entries,
                entries == 0 ? 0.0 : (double) total / entries, failed.get(), finished ? "" : " (UNFINISHED)");
    }
}
