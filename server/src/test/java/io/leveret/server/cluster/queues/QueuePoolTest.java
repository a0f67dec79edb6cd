package io.leveret.server.cluster.queues;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes' queue pools (one Ratis server each, six groups) on 127.0.0.1, ports chosen at run time. */
class QueuePoolTest {
    private static final List<String> NODES = List.of("leveret@a", "leveret@b", "leveret@c");
    private static final int GROUPS = QueuePool.defaultGroups(NODES.size());
    private static final QueueGroup.Tuning TUNING = new QueueGroup.Tuning(Duration.ofSeconds(15), 1_000_000, 8L << 20,
            Duration.ofMillis(300));

    @TempDir
    Path dir;
    private final Map<String, InetSocketAddress> nodes = new LinkedHashMap<>();
    private final Map<String, QueuePool> running = new LinkedHashMap<>();
    /** One queue per group: queues.get(g) lives in group g. */
    private final List<QueueName> queues = new ArrayList<>();

    @BeforeEach
    void portsAndQueues() throws IOException {
        for (String node : NODES) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                nodes.put(node, new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
            }
        }
        QueueName[] found = new QueueName[GROUPS];
        for (int i = 0; Arrays.stream(found).anyMatch(Objects::isNull); i++) {
            QueueName q = new QueueName("/", "q" + i);
            int g = QueuePool.groupNumber(q, GROUPS);
            if (found[g] == null) {
                found[g] = q;
            }
        }
        queues.addAll(Arrays.asList(found));
    }

    @AfterEach
    void stopAll() {
        running.values().parallelStream().forEach(QueuePool::close);
    }

    private QueuePool start(String node) throws IOException {
        QueuePool pool = QueuePool.start("test", node, nodes, GROUPS, "127.0.0.1",
                dir.resolve(node.substring(node.indexOf('@') + 1)), TUNING, (commands, effects, fromHere) -> { });
        running.put(node, pool);
        return pool;
    }

    private void startAll() throws IOException {
        for (String node : NODES) {
            start(node);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** In every group, every running node has applied the same entries and holds the same state. */
    private void awaitSameState() throws InterruptedException {
        for (int g = 0; g < GROUPS; g++) {
            int group = g;
            List<QueueGroup> members = running.values().stream().map(p -> p.group(group)).toList();
            await(() -> {
                long index = members.get(0).appliedIndex();
                byte[] state = members.get(0).encodedState();
                return members.stream().allMatch(m -> m.appliedIndex() == index
                        && Arrays.equals(state, m.encodedState()));
            }, "every node at the same index with the same state in group " + g);
        }
    }

    /** Group g's leader is node g mod 3, as every running node sees it. */
    private void awaitLeadersSpread() throws InterruptedException {
        await(() -> running.values().stream().allMatch(pool -> {
            for (int g = 0; g < GROUPS; g++) {
                if (!NODES.get(g % NODES.size()).equals(pool.group(g).leader())) {
                    return false;
                }
            }
            return true;
        }), "group g led by node g mod 3 on every node");
    }

    private static Command.Enqueue enqueue(QueueName q, String publisher, int seq) {
        return new Command.Enqueue(q, publisher, seq, Body.of((q.name() + "/" + seq).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void queuesAreSpreadOverTheGroupsByAStableHash() {
        assertEquals(GROUPS, queues.stream().map(q -> QueuePool.groupNumber(q, GROUPS)).distinct().count());
        // CRC-32 of "/", NUL, "orders": fixed by the standard, so fixed for every node and version.
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("/\0orders".getBytes(StandardCharsets.UTF_8));
        assertEquals((int) (crc.getValue() % GROUPS), QueuePool.groupNumber(new QueueName("/", "orders"), GROUPS));
        assertTrue(QueuePool.groupNumber(new QueueName("a", "bc"), GROUPS) >= 0);
        assertEquals(QueuePool.groupId("test", 3), QueuePool.groupId("test", 3));
        assertTrue(!QueuePool.groupId("test", 3).equals(QueuePool.groupId("other", 3)));
    }

    @Test
    void queuesInDifferentGroupsWorkThroughThePoolFromAnyNode() throws Exception {
        startAll();
        List<QueuePool> pools = new ArrayList<>(running.values());
        ConsumerId consumer = new ConsumerId("leveret@b", 1, "ctag");
        for (int g = 0; g < GROUPS; g++) {
            QueueName q = queues.get(g);
            assertEquals(List.of(new Effect.Declared(q, true)),
                    pools.get(g % 3).submit(new Command.Declare(q, QueueConfig.DEFAULTS)).get());
            for (int seq = 1; seq <= 3; seq++) {
                List<Effect> effects = pools.get((g + seq) % 3).submit(enqueue(q, "p" + g, seq)).get();
                assertEquals(new Effect.Confirm(q, "p" + g, seq), effects.get(0));
            }
            pools.get((g + 1) % 3).submit(new Command.Checkout(q, consumer, 1, 0)).get();
        }
        awaitSameState();
        for (QueuePool pool : pools) {
            for (int g = 0; g < GROUPS; g++) {
                QueueName q = queues.get(g);
                QueueMachine.Stats stats = pool.groupOf(q).stats(q);
                assertEquals(List.of(2L, 1L, List.of(consumer)), List.of(stats.ready(), stats.unacked(),
                        stats.consumers()), "prefetch 1: one of three out to the consumer, in " + q);
                for (int other = 0; other < GROUPS; other++) {
                    if (other != g) {
                        assertNull(pool.group(other).stats(q), q + " is in group " + g + " only, not " + other);
                    }
                }
            }
        }
        List<Effect> down = pools.get(0).submit(new Command.NodeDown("leveret@b")).get();
        assertTrue(down.stream().noneMatch(Effect.Deliver.class::isInstance), "no consumer is left to deliver to");
        awaitSameState();
        for (int g = 0; g < GROUPS; g++) {
            QueueName q = queues.get(g);
            QueueMachine.Stats stats = pools.get(2).groupOf(q).stats(q);
            assertEquals(List.of(3L, 0L, List.of()), List.of(stats.ready(), stats.unacked(), stats.consumers()),
                    "NodeDown reached group " + g + " and returned its unacknowledged message");
        }
    }

    @Test
    void leadersSpreadOneNodeInThreeLeadsTwoGroupsInSix() throws Exception {
        startAll();
        awaitLeadersSpread();
        for (QueuePool pool : running.values()) {
            assertEquals(2, pool.leading());
        }
    }

    @Test
    void aKilledNodeLosesNoCommittedEnqueueAndOnRestartCatchesUpAndLeadsAgain() throws Exception {
        startAll();
        awaitLeadersSpread();
        for (QueueName q : queues) {
            running.get("leveret@b").submit(new Command.Declare(q, QueueConfig.DEFAULTS)).get();
        }
        int seq = 0;
        for (; seq < 10; seq++) {
            for (QueueName q : queues) {
                running.get(NODES.get(seq % 3)).submit(enqueue(q, "p", seq + 1)).get();
            }
        }
        running.remove("leveret@a").close();
        // Groups 0 and 3 lost their leader; every group must still commit, from either survivor.
        for (; seq < 20; seq++) {
            for (QueueName q : queues) {
                List<Effect> effects = running.get(NODES.get(1 + seq % 2)).submit(enqueue(q, "p", seq + 1)).get();
                assertEquals(new Effect.Confirm(q, "p", seq + 1), effects.get(0));
            }
        }
        awaitSameState();
        for (QueuePool pool : running.values()) {
            for (QueueName q : queues) {
                assertEquals(20, pool.groupOf(q).stats(q).ready(), "every committed enqueue to " + q + " is there");
            }
        }
        assertEquals(GROUPS, running.values().stream().mapToInt(QueuePool::leading).sum(), "every group has a leader");

        QueuePool a = start("leveret@a");
        awaitSameState();
        for (QueueName q : queues) {
            QueueMachine.Stats stats = a.groupOf(q).stats(q);
            assertNotNull(stats, "the restarted node recovered " + q);
            assertEquals(20, stats.ready(), "the restarted node caught up on " + q);
        }
        awaitLeadersSpread();
        assertEquals(2, a.leading(), "the restarted node took its two groups back");
        for (QueueName q : queues) {
            a.submit(enqueue(q, "p", 21)).get();
        }
        awaitSameState();
        for (QueuePool pool : running.values()) {
            for (QueueName q : queues) {
                assertEquals(21, pool.groupOf(q).stats(q).ready());
            }
        }
    }
}
