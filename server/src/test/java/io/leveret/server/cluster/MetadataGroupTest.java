package io.leveret.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.leveret.store.Blob;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.definitions.VhostDefinition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real Ratis members on 127.0.0.1, ports chosen at run time: the metadata group's guarantees. */
class MetadataGroupTest {
    private static final List<String> NODES = List.of("leveret@a", "leveret@b", "leveret@c");
    /** Small timeouts, and a snapshot every 5 entries in 1 KiB segments so that logs are purged early. */
    private static final MetadataGroup.Tuning TUNING = new MetadataGroup.Tuning(Duration.ofSeconds(10), 5, 1024,
            Duration.ofMillis(300), Duration.ofMillis(500));

    @TempDir
    Path dir;
    private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    private final Map<String, MetadataGroup> running = new LinkedHashMap<>();
    private final Map<String, List<Change>> heard = new LinkedHashMap<>();
    /** The newest model each node's listener was told of from a snapshot (its own at boot, or one it installed). */
    private final Map<String, Replaced> replacedBy = new java.util.concurrent.ConcurrentHashMap<>();

    /** A model a listener was handed from a snapshot, and the snapshot's index. */
    private record Replaced(Definitions model, long index) {
    }

    @BeforeEach
    void ports() throws IOException {
        for (String node : NODES) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                members.put(node, new InetSocketAddress("127.0.0.1", socket.getLocalPort()));
            }
        }
    }

    @AfterEach
    void stopAll() {
        // In parallel: each close waits for its own threads.
        running.values().parallelStream().forEach(MetadataGroup::close);
    }

    private MetadataGroup start(String node, MetadataGroup.Tuning tuning) throws IOException {
        List<Change> log = heard.computeIfAbsent(node, n -> new CopyOnWriteArrayList<>());
        MetadataGroup group = MetadataGroup.start("test", node, members, "127.0.0.1",
                dir.resolve(node.substring(node.indexOf('@') + 1)), tuning, new ClusterMembership.Listener() {
                    @Override
                    public void committed(Change change, boolean fromHere, long index) {
                        log.add(change);
                    }

                    @Override
                    public void replaced(Definitions model, long index) {
                        // The newest: a member is told of its own snapshot at boot, and of any it installs later.
                        replacedBy.merge(node, new Replaced(model, index),
                                (old, now) -> now.index() >= old.index() ? now : old);
                    }
                });
        running.put(node, group);
        return group;
    }

    private void startAll() throws IOException {
        for (String node : NODES) {
            start(node, TUNING);
        }
    }

    private void stop(String node) {
        running.remove(node).close();
    }

    private static Change vhost(String name) {
        return new Change.PutVhost(new VhostDefinition(name));
    }

    private static boolean hasVhost(MetadataGroup group, String name) {
        return group.definitions().vhosts().stream().anyMatch(v -> v.name().equals(name));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aChangeCommittedOnAnyNodeIsAppliedThereWhenSubmitReturnsAndOnEveryNodeAndARefusedOneNowhere() throws Exception {
        startAll();
        for (String node : NODES) {
            MetadataGroup group = running.get(node);
            group.submit(vhost("from-" + node)).join();
            assertTrue(hasVhost(group, "from-" + node), "applied on " + node + " before submit returned");
        }
        for (String node : NODES) {
            await(() -> running.get(node).definitions().vhosts().size() == 3, "three vhosts on " + node);
        }
        Definitions first = running.get("leveret@a").definitions();
        for (String node : NODES) {
            assertEquals(first, running.get(node).definitions());
            await(() -> heard.get(node).size() == 3, "the listener of " + node);
            assertEquals(heard.get("leveret@a"), heard.get(node), "every node hears the same changes in order");
        }
        MetadataGroup seen = running.get("leveret@b");
        assertEquals(NODES, seen.nodes().stream().map(ClusterMembership.NodeState::name).toList());
        await(() -> seen.nodes().stream().allMatch(ClusterMembership.NodeState::running), "b sees every node");
        assertEquals(1, seen.nodes().stream().filter(ClusterMembership.NodeState::leader).count(),
                seen.nodes().toString());

        // A change that does not fit is refused with the model's reason, and changes no node.
        MetadataGroup b = running.get("leveret@b");
        Definitions before = b.definitions();
        CompletionException e = assertThrows(CompletionException.class,
                () -> b.submit(new Change.PutQueue(new QueueDefinition("nowhere", "q", true, false, false,
                        Blob.EMPTY))).join());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("nowhere"), e.getCause().getMessage());
        b.submit(vhost("after")).join();
        for (String node : NODES) {
            await(() -> hasVhost(running.get(node), "after"), "the next change on " + node);
            assertEquals(4, running.get(node).definitions().vhosts().size());
            assertTrue(running.get(node).definitions().queues().isEmpty());
        }
        assertEquals(before.vhosts().size() + 1, b.definitions().vhosts().size());
    }

    @Test
    void aRestartedNodeCatchesUpFromTheLogAndAMinorityCannotCommit() throws Exception {
        MetadataGroup.Tuning noSnapshots = new MetadataGroup.Tuning(Duration.ofSeconds(10), 100_000, 8L << 20,
                Duration.ofMillis(300), Duration.ofMillis(500));
        for (String node : NODES) {
            start(node, noSnapshots);
        }
        running.get("leveret@a").submit(vhost("one")).join();
        await(() -> hasVhost(running.get("leveret@c"), "one"), "c has the first change");
        stop("leveret@c");
        running.get("leveret@a").submit(vhost("two")).join();
        running.get("leveret@b").submit(vhost("three")).join();
        MetadataGroup c = start("leveret@c", noSnapshots);
        await(() -> hasVhost(c, "three"), "c caught up");
        assertEquals(running.get("leveret@a").definitions(), c.definitions());
        assertEquals(0, c.installedSnapshots(), "the log was enough");

        // Then a minority: with b and c gone, a cannot commit, and says so within its submit timeout.
        stop("leveret@b");
        stop("leveret@c");
        stop("leveret@a");
        MetadataGroup a = start("leveret@a", new MetadataGroup.Tuning(Duration.ofMillis(1500), 100_000, 8L << 20,
                Duration.ofMillis(300), Duration.ofMillis(300)));
        CompletionException e = assertThrows(CompletionException.class, () -> a.submit(vhost("alone")).join());
        assertInstanceOf(ClusterUnavailableException.class, e.getCause());
        assertFalse(hasVhost(a, "alone"));
        await(() -> hasVhost(a, "three"), "a recovered what was committed before, from its own log");
        assertEquals(List.of(true, false, false), a.nodes().stream().map(ClusterMembership.NodeState::running)
                .toList());
        assertTrue(a.nodes().stream().noneMatch(ClusterMembership.NodeState::leader), a.nodes().toString());
    }

    @Test
    void aNodeTooFarBehindGetsASnapshotAndAWholeRestartRecoversFromSnapshotAndLog() throws Exception {
        startAll();
        running.get("leveret@a").submit(vhost("v0")).join();
        await(() -> hasVhost(running.get("leveret@c"), "v0"), "c has the first change");
        stop("leveret@c");
        for (int i = 1; i <= 40; i++) {
            running.get(i % 2 == 0 ? "leveret@a" : "leveret@b").submit(vhost("v" + i)).join();
        }
        MetadataGroup c = start("leveret@c", TUNING);
        await(() -> hasVhost(c, "v40"), "c caught up");
        assertEquals(running.get("leveret@a").definitions(), c.definitions());
        assertTrue(c.installedSnapshots() > 0, "the leader had purged its log, so c needed a snapshot");
        Definitions installed = replacedBy.containsKey("leveret@c") ? replacedBy.get("leveret@c").model() : null;
        assertTrue(installed != null && installed.vhosts().size() > 1,
                "c's listener was told of the snapshot's model: " + installed);

        Definitions before = c.definitions();
        for (String node : NODES) {
            stop(node);
        }
        startAll();
        for (String node : NODES) {
            await(() -> before.equals(running.get(node).definitions()), node + " recovered after a restart of all");
        }
        running.get("leveret@c").submit(vhost("after-restart")).join();
        for (String node : NODES) {
            await(() -> hasVhost(running.get(node), "after-restart"), "a new change on " + node);
        }
    }
}
