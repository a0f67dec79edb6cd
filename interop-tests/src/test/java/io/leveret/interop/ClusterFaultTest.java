package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.exchangeExists;
import static io.leveret.interop.Restarts.takeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A three-node cluster of broker processes, each on a host of its own ({@link PrivateNetwork}), through rounds of
 * faults bounded in time: {@code kill -9} of a node (then a start on its data), SIGSTOP/SIGCONT of a node, and a
 * partition that cuts a node off from the other two (iptables drops, both ways). They rotate over the nodes, so
 * each kind hits two different nodes and so, sooner or later, the metadata group's leader.
 *
 * <p>All along, a publisher on every node publishes persistent messages with confirms to a durable queue that lives
 * on that node, republishing a batch whose confirms did not come (after reconnecting). In each fault, every node
 * still running is asked to declare an exchange: the two nodes that still make a majority must get their
 * declare-ok; a node cut off from them must not (RabbitMQ's 541, after {@code cluster.metadata_timeout}). After the
 * last round: every exchange whose declare-ok a client got exists on every node, and every confirmed message is
 * consumed — 0 lost; messages consumed twice (a batch republished after its confirms were lost) are counted and
 * reported, as are messages consumed whose confirm never came. One {@code FAULTS ...} line per round and a
 * summary tell what happened.
 *
 * <p>Needs root, iproute2 and iptables; without them it is skipped, unless {@code -Dinterop.requireClusterFaults=true}
 * (CI), where it fails. Skipped against an external broker: it starts its own cluster.
 */
class ClusterFaultTest {
    private static final int NODES = 3;
    private static final int ROUNDS = 6;
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration FAULT = Duration.ofSeconds(8);
    /** How long a declare on a node without a majority waits before it fails; well inside {@link #FAULT}. */
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(4);
    /**
     * How long after a fault starts the majority side may take to elect a leader and commit a declare: a few
     * tries of {@link #METADATA_TIMEOUT}. Measured here: under 0.5 s when the leader is not the node at fault,
     * 2-7 s when it is (see the README's Clustering section).
     */
    private static final Duration MAJORITY_DECLARE = Duration.ofSeconds(15);
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    private static final int BATCH = 20;
    private static final long BATCH_PAUSE_MILLIS = 20;
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);

    private enum Fault { KILL, PAUSE, PARTITION }

    /**
     * A declare of {@code exchange} on {@code node}: {@code outcome} is "ok", or how it failed; {@code millis} from
     * the first try to the answer (on the majority side, how long the group took to commit again after the fault).
     */
    private record Declare(String exchange, int node, boolean majority, String outcome, long millis) {
        boolean ok() {
            return outcome.equals("ok");
        }

        @Override
        public String toString() {
            return exchange + " on node " + (node + 1) + ": " + outcome + " after " + millis + " ms";
        }
    }

    private final List<BrokerUnderTest> nodes = new ArrayList<>();
    private final List<Set<String>> confirmed = new ArrayList<>();
    private final AtomicLong publishFailures = new AtomicLong();
    private volatile boolean publishing = true;
    /** The node under SIGSTOP, or -1. */
    private int paused = -1;

    @Test
    void everyConfirmedMessageAndEveryAcknowledgedDeclareSurvivesRoundsOfFaults() throws Exception {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "starts a cluster of its own");
        String missing = PrivateNetwork.unavailable().orElse(null);
        if (missing != null) {
            if (Boolean.getBoolean("interop.requireClusterFaults")) {
                fail(missing + ", and interop.requireClusterFaults=true");
            }
            Assumptions.abort(missing);
        }
        boolean passed = false;
        ExecutorService pool = Executors.newCachedThreadPool();
        try (PrivateNetwork net = PrivateNetwork.create(NODES)) {
            // A test JVM that dies mid-run must not leave brokers or namespaces behind.
            Thread cleanup = new Thread(() -> {
                nodes.forEach(BrokerUnderTest::kill);
                net.delete();
            }, "kill-cluster-fault-nodes");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                startCluster(net);
                run(net, pool);
                passed = true;
            } finally {
                publishing = false;
                pool.shutdownNow();
                if (paused >= 0) {
                    nodes.get(paused).resume(); // a failure mid-pause: a stopped process cannot act on SIGTERM
                }
                for (BrokerUnderTest node : nodes) {
                    if (passed) {
                        node.stopAndDelete();
                    } else {
                        node.stop();
                        System.out.println("FAULTS kept " + node.workDir() + " (log in broker.log)");
                    }
                }
                Runtime.getRuntime().removeShutdownHook(cleanup);
            }
        }
    }

    private void startCluster(PrivateNetwork net) throws Exception {
        StringBuilder common = new StringBuilder("loopback_users = none\ncluster_name = faults\n"
                + "cluster_formation.peer_discovery_backend = classic_config\n"
                + "cluster.metadata_timeout = " + METADATA_TIMEOUT.toMillis() + "\n");
        for (int i = 0; i < NODES; i++) {
            common.append("cluster_formation.classic_config.nodes.").append(i + 1).append(" = leveret@")
                    .append(net.address(i)).append('\n');
        }
        for (int i = 0; i < NODES; i++) {
            String own = "nodename = leveret@" + net.address(i) + "\ndistribution.listener.interface = "
                    + net.address(i) + "\n";
            nodes.add(BrokerUnderTest.startLeveret(net.address(i), net.launchPrefix(i), common + own,
                    List.of("-Xmx256m", "-Dio.netty.leakDetection.level=simple")));
            confirmed.add(ConcurrentHashMap.newKeySet());
        }
        // The first boot's default user is committed once a majority runs: until then nobody logs in.
        for (int i = 0; i < NODES; i++) {
            try (Connection c = awaitConnection(i)) {
                Channel ch = c.createChannel();
                ch.queueDeclare(queue(i), true, false, false, null);
            }
        }
    }

    private void run(PrivateNetwork net, ExecutorService pool) throws Exception {
        List<Future<?>> publishers = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            int node = i;
            publishers.add(pool.submit(() -> publish(node)));
        }
        List<Declare> declared = new ArrayList<>();
        List<Declare> majorityRefusals = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Fault fault = Fault.values()[round % Fault.values().length];
            int victim = (round + round / Fault.values().length) % NODES;
            Thread.sleep(SETTLE.toMillis());
            long before = totalConfirmed();
            long failuresBefore = publishFailures.get();
            long start = System.nanoTime();
            switch (fault) {
                case KILL -> nodes.get(victim).kill();
                case PAUSE -> {
                    nodes.get(victim).pause();
                    paused = victim;
                }
                case PARTITION -> net.isolate(victim);
            }
            List<Future<Declare>> declaring = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                if (i == victim && fault != Fault.PARTITION) {
                    continue;
                }
                int node = i;
                String exchange = "faults.r" + (round + 1) + ".n" + (node + 1);
                declaring.add(pool.submit(() -> declare(node, exchange, node != victim)));
            }
            List<Declare> outcomes = new ArrayList<>();
            for (Future<Declare> d : declaring) {
                outcomes.add(d.get(FAULT.toMillis() + RECOVERY.toMillis(), TimeUnit.MILLISECONDS));
            }
            long rest = FAULT.toMillis() - (System.nanoTime() - start) / 1_000_000;
            if (rest > 0) {
                Thread.sleep(rest);
            }
            switch (fault) {
                case KILL -> nodes.get(victim).start();
                case PAUSE -> {
                    nodes.get(victim).resume();
                    paused = -1;
                }
                case PARTITION -> net.heal(victim);
            }
            for (int i = 0; i < NODES; i++) {
                awaitConnection(i).close();
            }
            System.out.printf("FAULTS round %d: %s node %d for %d ms; confirmed %d during it, %d publish failures; "
                            + "declares: %s%n", round + 1, fault, victim + 1, (System.nanoTime() - start) / 1_000_000,
                    totalConfirmed() - before, publishFailures.get() - failuresBefore, outcomes);
            for (Declare d : outcomes) {
                if (d.ok()) {
                    declared.add(d);
                }
                if (d.majority() && !d.ok()) {
                    majorityRefusals.add(d);
                }
                if (!d.majority()) {
                    assertEquals("refused 541", d.outcome(), "a node cut off from the other two: " + d);
                }
            }
        }
        publishing = false;
        for (Future<?> p : publishers) {
            p.get(RECOVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertEquals(List.of(), majorityRefusals, "declares refused on nodes that still made a majority");
        checkDeclares(declared);
        checkMessages();
    }

    /**
     * Declares {@code exchange} on {@code node}. On the majority side a refusal is retried until
     * {@link #MAJORITY_DECLARE} has passed (an election may be under way).
     */
    private Declare declare(int node, String exchange, boolean majority) {
        long start = System.nanoTime();
        long deadline = start + MAJORITY_DECLARE.toNanos();
        String outcome;
        do {
            Connection c = null;
            try {
                c = connect(nodes.get(node), "faults-declare");
                int code = Restarts.replyCode(c, ch -> ch.exchangeDeclare(exchange, "fanout", true));
                outcome = code == 0 ? "ok" : "refused " + code;
            } catch (Exception e) {
                outcome = "failed: " + e;
            } finally {
                close(c);
            }
        } while (majority && !outcome.equals("ok") && System.nanoTime() < deadline);
        return new Declare(exchange, node, majority, outcome, (System.nanoTime() - start) / 1_000_000);
    }

    /** Every declare-ok'd exchange exists on every node, once the nodes that missed it have caught up. */
    private void checkDeclares(List<Declare> declared) throws Exception {
        for (int i = 0; i < NODES; i++) {
            long deadline = System.nanoTime() + RECOVERY.toNanos();
            try (Connection c = awaitConnection(i)) {
                for (Declare d : declared) {
                    while (!exchangeExists(c, d.exchange())) {
                        if (System.nanoTime() > deadline) {
                            fail("node " + (i + 1) + " lacks " + d + " after " + RECOVERY);
                        }
                        Thread.sleep(100);
                    }
                }
            }
        }
        System.out.println("FAULTS declares: " + declared.size() + " acknowledged, all on every node");
    }

    private void checkMessages() throws Exception {
        long confirmedTotal = 0;
        long consumedTotal = 0;
        long lost = 0;
        long duplicated = 0;
        long unconfirmed = 0;
        List<String> lostSample = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            List<Delivery> got;
            try (Connection c = awaitConnection(i)) {
                got = takeAll(c, queue(i));
            }
            Set<String> seen = new HashSet<>();
            for (Delivery d : got) {
                String id = new String(d.getBody(), StandardCharsets.UTF_8);
                if (!seen.add(id)) {
                    duplicated++;
                } else if (!confirmed.get(i).contains(id)) {
                    unconfirmed++;
                }
            }
            for (String id : confirmed.get(i)) {
                if (!seen.contains(id)) {
                    lost++;
                    if (lostSample.size() < 10) {
                        lostSample.add(id);
                    }
                }
            }
            confirmedTotal += confirmed.get(i).size();
            consumedTotal += got.size();
        }
        System.out.printf("FAULTS %d rounds: confirmed %d, consumed %d, lost %d, duplicated %d, consumed without a "
                + "confirm %d, publish failures %d%n", ROUNDS, confirmedTotal, consumedTotal, lost, duplicated,
                unconfirmed, publishFailures.get());
        assertTrue(confirmedTotal > 0, "nothing was confirmed");
        assertEquals(0, lost, "confirmed messages lost, e.g. " + lostSample);
    }

    /**
     * Publishes batches of persistent messages to the node's own queue until told to stop, each batch with
     * confirms; a batch whose confirms do not all come is published again, same ids, on a new connection.
     */
    private void publish(int node) {
        AtomicInteger next = new AtomicInteger();
        List<String> batch = new ArrayList<>();
        Connection c = null;
        Channel ch = null;
        while (publishing) {
            if (batch.isEmpty()) {
                for (int k = 0; k < BATCH; k++) {
                    batch.add("n" + node + "-" + next.getAndIncrement());
                }
            }
            try {
                if (ch == null || !ch.isOpen()) {
                    close(c);
                    c = connect(nodes.get(node), "faults-publisher");
                    ch = c.createChannel();
                    ch.confirmSelect();
                }
                for (String id : batch) {
                    AMQP.BasicProperties props = PERSISTENT.builder().messageId(id).build();
                    ch.basicPublish("", queue(node), props, id.getBytes(StandardCharsets.UTF_8));
                }
                ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                confirmed.get(node).addAll(batch);
                batch.clear();
                Thread.sleep(BATCH_PAUSE_MILLIS);
            } catch (InterruptedException e) {
                break;
            } catch (Exception e) {
                publishFailures.incrementAndGet();
                close(c);
                c = null;
                ch = null;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException stop) {
                    break;
                }
            }
        }
        close(c);
    }

    private static void close(Connection c) {
        if (c != null) {
            c.abort(1000);
        }
    }

    /** A connection to {@code node}, retried until {@link #RECOVERY} has passed (a node starting, electing, catching up). */
    private Connection awaitConnection(int node) throws Exception {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (true) {
            try {
                return connect(nodes.get(node), "faults");
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("node " + (node + 1) + " takes no connection after " + RECOVERY, e);
                }
                Thread.sleep(200);
            }
        }
    }

    private long totalConfirmed() {
        return confirmed.stream().mapToLong(Set::size).sum();
    }

    private static String queue(int node) {
        return "faults-n" + (node + 1);
    }
}
