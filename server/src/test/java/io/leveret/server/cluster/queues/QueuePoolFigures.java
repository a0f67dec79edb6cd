package io.leveret.server.cluster.queues;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a unit test: a harness that prints threads and heap per node for three in-JVM nodes, first with one
 * {@link QueueGroup} each, then with a {@link QueuePool} of six groups each, then the heap that 1,000 declared
 * queues add to the pool. Run with {@code -Dtest=QueuePoolFigures -Dleveret.figures=true}. Heap figures are used
 * heap after {@code System.gc()}, divided by three: rough, and shared JVM-wide structures (gRPC, Netty arenas)
 * are counted once for three nodes.
 */
class QueuePoolFigures {
    private static final List<String> NODES = List.of("leveret@a", "leveret@b", "leveret@c");
    private static final QueueGroup.Tuning TUNING = new QueueGroup.Tuning(Duration.ofSeconds(30), 1_000_000, 8L << 20,
            Duration.ofMillis(300));
    private static final int QUEUES = 1_000;

    @Test
    @EnabledIfSystemProperty(named = "leveret.figures", matches = "true")
    void measure() throws Exception {
        Path dir = Files.createTempDirectory("leveret-pool-figures");
        long threads0 = threads();
        long heap0 = heap();

        Map<String, QueueGroup> single = new LinkedHashMap<>();
        Map<String, InetSocketAddress> members = ports();
        for (String node : NODES) {
            single.put(node, QueueGroup.start("figures", node, members, "127.0.0.1", dir.resolve("single-" + node),
                    TUNING, (commands, effects, fromHere) -> { }));
        }
        await(() -> single.values().stream().allMatch(g -> g.leader() != null), "a leader of the single group");
        single.values().iterator().next().submit(new Command.Declare(new QueueName("/", "x"), QueueConfig.DEFAULTS))
                .get();
        print("one QueueGroup", threads0, heap0);
        single.values().parallelStream().forEach(QueueGroup::close);
        // Lingering shared threads (gRPC's executor) are in the pool's baseline, not counted against it.
        Thread.sleep(2_000);

        long threads1 = threads();
        long heap1 = heap();
        Map<String, QueuePool> pools = new LinkedHashMap<>();
        Map<String, InetSocketAddress> nodes = ports();
        int groups = QueuePool.defaultGroups(NODES.size());
        for (String node : NODES) {
            pools.put(node, QueuePool.start("figures", node, nodes, groups, "127.0.0.1", dir.resolve("pool-" + node),
                    TUNING, (commands, effects, fromHere) -> { }));
        }
        await(() -> pools.values().stream().mapToInt(QueuePool::leading).sum() == groups
                && pools.values().stream().allMatch(p -> p.leading() == groups / NODES.size()), "leaders spread");
        print("QueuePool, " + groups + " groups", threads1, heap1);

        long heap2 = heap();
        QueuePool a = pools.get(NODES.get(0));
        List<CompletableFuture<List<Effect>>> declared = new ArrayList<>();
        for (int i = 0; i < QUEUES; i++) {
            declared.add(a.submit(new Command.Declare(new QueueName("/", "queue-" + i), QueueConfig.DEFAULTS)));
        }
        CompletableFuture.allOf(declared.toArray(CompletableFuture[]::new)).get();
        await(() -> pools.values().stream().allMatch(p -> {
            for (int i = 0; i < QUEUES; i++) {
                QueueName q = new QueueName("/", "queue-" + i);
                if (p.groupOf(q).stats(q) == null) {
                    return false;
                }
            }
            return true;
        }), "every node to have the " + QUEUES + " queues");
        long added = (heap() - heap2) / NODES.size();
        System.out.printf("%d declared queues in the pool: heap +%d KiB per node (%d bytes a queue)%n", QUEUES,
                added >> 10, added / QUEUES);
        System.out.printf("after the declares: %d threads per node (the batchers' shared timer now runs)%n",
                (threads() - threads1) / NODES.size());

        // Failover: the node preferred by groups 0 and 3 goes; time until every group commits again.
        List<QueueName> oneEach = new ArrayList<>();
        for (int i = 0; oneEach.size() < groups; i++) {
            QueueName q = new QueueName("/", "queue-" + i);
            if (oneEach.stream().noneMatch(o -> QueuePool.groupNumber(o, groups) == QueuePool.groupNumber(q, groups))) {
                oneEach.add(q);
            }
        }
        // An orderly close, not a crash: followers may stop hearing the leader as it begins, and it takes a while.
        long closing = System.nanoTime();
        pools.remove(NODES.get(0)).close();
        long closed = System.nanoTime();
        QueuePool b = pools.get(NODES.get(1));
        List<CompletableFuture<List<Effect>>> after = new ArrayList<>();
        for (QueueName q : oneEach) {
            after.add(b.submit(new Command.Enqueue(q, "figures", 1, Body.of(new byte[16]))));
        }
        CompletableFuture.allOf(after.toArray(CompletableFuture[]::new)).get();
        System.out.printf("a node closed in %d ms: every group committed again %d ms after that (election timeout"
                + " %d-%d ms)%n", (closed - closing) / 1_000_000, (System.nanoTime() - closed) / 1_000_000,
                TUNING.electionTimeout().toMillis(), 2 * TUNING.electionTimeout().toMillis());
        pools.values().parallelStream().forEach(QueuePool::close);
    }

    private static Map<String, InetSocketAddress> ports() throws Exception {
        Map<String, InetSocketAddress> ports = new LinkedHashMap<>();
        for (String node : NODES) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.put(node, new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
            }
        }
        return ports;
    }

    private static void print(String what, long threadsBefore, long heapBefore) throws InterruptedException {
        Thread.sleep(2_000);
        long threads = threads() - threadsBefore;
        long heap = heap() - heapBefore;
        System.out.printf("%s: %d threads and %d KiB heap per node (three nodes in one JVM: %d threads)%n", what,
                threads / NODES.size(), (heap / NODES.size()) >> 10, threads);
        Map<String, Integer> byKind = new TreeMap<>();
        Thread.getAllStackTraces().keySet().forEach(t -> byKind.merge(
                t.getName().replaceAll("[0-9a-fA-F]{12}|\\d+", "#"), 1, Integer::sum));
        System.out.println("  live threads by name: " + byKind);
    }

    private static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long heap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
