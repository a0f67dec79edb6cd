package io.leveret.server.cluster.queues;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis members of one queue group on 127.0.0.1, ports chosen at run time. */
class QueueGroupTest {
    private static final List<String> NODES = List.of("leveret@a", "leveret@b", "leveret@c");
    private static final QueueName Q = new QueueName("/", "orders");
    /** No snapshots unless a test asks for them. */
    private static final QueueGroup.Tuning TUNING = new QueueGroup.Tuning(Duration.ofSeconds(15), 1_000_000, 8L << 20,
            Duration.ofMillis(300));

    @TempDir
    Path dir;
    private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    private final Map<String, QueueGroup> running = new LinkedHashMap<>();
    /** Every delivery each member's listener heard, for consumers on that member's node. */
    private final Map<String, List<Effect.Deliver>> deliveredHere = new LinkedHashMap<>();

    @BeforeEach
    void ports() throws IOException {
        for (String node : NODES) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                members.put(node, new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
            }
        }
    }

    @AfterEach
    void stopAll() {
        running.values().parallelStream().forEach(QueueGroup::close);
    }

    private QueueGroup start(String node, QueueGroup.Tuning tuning) throws IOException {
        List<Effect.Deliver> heard = deliveredHere.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>());
        QueueGroup group = QueueGroup.start("test", node, members, "127.0.0.1",
                dir.resolve(node.substring(node.indexOf('@') + 1)), tuning, (commands, effects, fromHere) -> {
                    for (List<Effect> list : effects) {
                        for (Effect effect : list) {
                            if (effect instanceof Effect.Deliver d && d.consumer().node().equals(node)) {
                                heard.add(d);
                            }
                        }
                    }
                });
        running.put(node, group);
        return group;
    }

    private void startAll(QueueGroup.Tuning tuning) throws IOException {
        for (String node : NODES) {
            start(node, tuning);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Every running member has applied the same entries and holds byte-for-byte the same state. */
    private void awaitSameState() throws InterruptedException {
        List<QueueGroup> groups = new ArrayList<>(running.values());
        await(() -> {
            long index = groups.get(0).appliedIndex();
            byte[] state = groups.get(0).encodedState();
            return groups.stream().allMatch(g -> g.appliedIndex() == index && Arrays.equals(state, g.encodedState()));
        }, "every member at the same index with the same state");
    }

    private static Command.Enqueue enqueue(int seq) {
        return new Command.Enqueue(Q, "leveret@a/1", seq, Body.of(("m" + seq).getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> texts(List<Effect.Deliver> deliveries) {
        return deliveries.stream().map(d -> new String(d.body().bytes(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void enqueueCheckoutAndSettleThroughDifferentMembersLeaveEveryMemberTheSame() throws Exception {
        startAll(TUNING);
        QueueGroup a = running.get("leveret@a");
        QueueGroup b = running.get("leveret@b");
        QueueGroup c = running.get("leveret@c");
        assertEquals(List.of(new Effect.Declared(Q, true)),
                a.submit(new Command.Declare(Q, QueueConfig.DEFAULTS)).get());
        ConsumerId consumer = new ConsumerId("leveret@b", 1, "ctag");
        assertEquals(List.of(), b.submit(new Command.Checkout(Q, consumer, 2, 0)).get());

        List<Effect> first = c.submit(enqueue(1)).get();
        assertEquals(new Effect.Confirm(Q, "leveret@a/1", 1), first.get(0), "the submitter gets the confirm");
        assertEquals(List.of("m1"), texts(first.stream().filter(Effect.Deliver.class::isInstance)
                .map(Effect.Deliver.class::cast).toList()));
        List<List<Effect>> more = c.submitAll(List.of(enqueue(2), enqueue(3))).get();
        assertEquals(2, more.size(), "one list of effects per command of the entry");
        await(() -> deliveredHere.get("leveret@b").size() == 2, "b's listener heard b's consumer's deliveries");
        assertEquals(List.of("m1", "m2"), texts(deliveredHere.get("leveret@b")));
        assertTrue(deliveredHere.get("leveret@a").isEmpty(), "a has no consumers: it hears of none");
        assertEquals(1, b.stats(Q).ready(), "prefetch 2: m3 waits");

        long[] ids = deliveredHere.get("leveret@b").stream().mapToLong(Effect.Deliver::id).toArray();
        List<Effect> settled = b.submit(new Command.Settle(Q, consumer, ids)).get();
        assertEquals(List.of("m3"), texts(settled.stream().filter(Effect.Deliver.class::isInstance)
                .map(Effect.Deliver.class::cast).toList()));
        awaitSameState();
        for (QueueGroup group : running.values()) {
            assertEquals(new QueueMachine.Stats(0, 0, 1, List.of(consumer), false), group.stats(Q));
        }
    }

    @Test
    void aKilledLeaderLosesNoCommittedEnqueueAReSubmissionIsAppliedOnceAndTheRestartedMemberCatchesUp()
            throws Exception {
        startAll(TUNING);
        QueueGroup any = running.get("leveret@a");
        any.submit(new Command.Declare(Q, QueueConfig.DEFAULTS)).get();
        for (int seq = 1; seq <= 20; seq++) {
            running.get(NODES.get(seq % 3)).submit(enqueue(seq)).get();
        }
        String leader = any.leader();
        assertNotNull(leader);
        running.remove(leader).close();
        List<String> survivors = new ArrayList<>(running.keySet());

        // The publisher's node (a survivor) re-submits what it sent around the failure, and goes on with new
        // messages, in order, without waiting: some go while the survivors are still electing a leader.
        QueueGroup publisherNode = running.get(survivors.get(0));
        List<CompletableFuture<List<Effect>>> pending = new ArrayList<>();
        for (int seq = 15; seq <= 30; seq++) {
            pending.add(publisherNode.submit(enqueue(seq)));
        }
        for (int i = 0; i < pending.size(); i++) {
            assertEquals(new Effect.Confirm(Q, "leveret@a/1", 15 + i), pending.get(i).get().get(0));
        }
        for (int seq = 1; seq <= 30; seq++) {
            assertEquals(List.of(new Effect.Confirm(Q, "leveret@a/1", seq)),
                    publisherNode.submit(enqueue(seq)).get(), "seq " + seq + " again");
        }
        String newLeader = running.get(survivors.get(0)).leader();
        assertTrue(survivors.contains(newLeader), "a survivor leads: " + newLeader);
        awaitSameState();
        assertEquals(30, running.get(survivors.get(1)).stats(Q).ready(), "every message once, none lost");

        // In order, once each: a consumer sees m1..m30.
        ConsumerId consumer = new ConsumerId(survivors.get(0), 1, "c");
        List<Effect> deliveries = running.get(survivors.get(0)).submit(new Command.Checkout(Q, consumer, 0, 0)).get();
        List<String> expected = new ArrayList<>();
        for (int seq = 1; seq <= 30; seq++) {
            expected.add("m" + seq);
        }
        assertEquals(expected, texts(deliveries.stream().map(Effect.Deliver.class::cast).toList()));

        QueueGroup back = start(leader, TUNING);
        awaitSameState();
        assertEquals(new QueueMachine.Stats(0, 0, 30, List.of(consumer), false), back.stats(Q));
        assertArrayEquals(running.get(survivors.get(0)).encodedState(), back.encodedState());
    }

    @Test
    void aMemberTooFarBehindInstallsASnapshotAndAWholeRestartRecoversFromSnapshotAndLog() throws Exception {
        QueueGroup.Tuning snapshots = new QueueGroup.Tuning(Duration.ofSeconds(15), 5, 1024, Duration.ofMillis(300));
        startAll(snapshots);
        running.get("leveret@a").submit(new Command.Declare(Q, new QueueConfig(-1, 25, -1,
                QueueConfig.Overflow.DROP_HEAD, false))).get();
        awaitSameState();
        running.remove("leveret@c").close();
        ConsumerId consumer = new ConsumerId("leveret@b", 7, "c");
        running.get("leveret@b").submit(new Command.Checkout(Q, consumer, 3, 1)).get();
        for (int seq = 1; seq <= 60; seq++) {
            running.get(seq % 2 == 0 ? "leveret@a" : "leveret@b").submit(enqueue(seq)).get();
        }
        QueueGroup c = start("leveret@c", snapshots);
        awaitSameState();
        assertTrue(c.installedSnapshots() > 0, "the leader had purged its log, so c needed its snapshot");
        QueueMachine.Stats stats = c.stats(Q);
        // 60 published: the consumer holds its prefetch of 3, drop-head keeps the newest 25 ready (m36..m60).
        assertEquals(new QueueMachine.Stats(25, 25 * 3, 3, List.of(consumer), false), stats);
        byte[] before = c.encodedState();

        for (String node : NODES) {
            running.remove(node).close();
        }
        startAll(snapshots);
        awaitSameState();
        assertArrayEquals(before, running.get("leveret@a").encodedState(), "recovered to the same state");
        List<Effect> after = running.get("leveret@c").submit(enqueue(61)).get();
        assertEquals(new Effect.Confirm(Q, "leveret@a/1", 61), after.get(0));
        assertEquals(List.of(new Effect.Confirm(Q, "leveret@a/1", 60)),
                running.get("leveret@c").submit(enqueue(60)).get(), "the publishers' sequence survived the snapshot");
    }

    @Test
    void aMinorityCannotCommitAndSaysSoWithinTheSubmitTimeout() throws Exception {
        startAll(TUNING);
        running.get("leveret@a").submit(new Command.Declare(Q, QueueConfig.DEFAULTS)).get();
        running.get("leveret@a").submit(enqueue(1)).get();
        awaitSameState();
        for (String node : NODES) {
            running.remove(node).close();
        }
        QueueGroup alone = start("leveret@a", new QueueGroup.Tuning(Duration.ofMillis(1500), 1_000_000, 8L << 20,
                Duration.ofMillis(300)));
        long started = System.nanoTime();
        ExecutionException e = assertThrows(ExecutionException.class, () -> alone.submit(enqueue(2)).get());
        assertInstanceOf(QueueGroupUnavailableException.class, e.getCause(), e.getCause().toString());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "failed at the submit timeout");
        await(() -> alone.stats(Q) != null && alone.stats(Q).ready() == 1, "a recovered the committed message");
        assertEquals(1, alone.stats(Q).ready(), "the uncommitted one is not there");
    }
}
