package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.TRANSIENT;
import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.readyCount;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Paging a backlog out to disk and back must not hold anyone else up. Leveret runs its queues on the network
 * event loops that also serve the connections, so a disk read or write made there would stall every
 * connection on that loop. With every read and write of the message log and the spill files slowed down to
 * 50 ms (the store's test hook {@code leveret.test.ioDelayMs}, a slow or overloaded disk), other connections'
 * round trips (publish, then consume, on queues of their own spread over every event loop) while a consumer
 * drains a paged-out backlog stay within twice what they are on the same broker idle, with a floor of a few
 * ms for a busy machine. Needs a private Leveret (JVM options, a restart).
 */
@ExtendWith(PrivateBroker.class)
class SlowDiskTest {
    private static final String SLOW_DISK = "-Dleveret.test.ioDelayMs=50";
    private static final int BODY = 16 << 10;
    /** 32 MiB of persistent bodies, all on disk after a restart. */
    private static final int RECOVERED = 2048;
    /** 64 MiB of transient bodies: half of it beyond the 32 MiB a queue keeps in memory, so spilled. */
    private static final int SPILLED = 4096;
    /**
     * A p99 under this counts as this: scheduling noise on a busy two-core machine (a load of 8 from other
     * builds gave idle p99s of 4 to 18 ms) is not a stall. A loop that reads or writes the disk itself stalls
     * 50 ms at a time, for a p99 of 90 ms and more.
     */
    private static final double FLOOR_MS = 10;
    private static final long IDLE_MILLIS = 4000;
    private static final long WARMUP_MILLIS = 1000;
    /** How long the drain may take before the test gives up on it (a drain on the loops takes minutes). */
    private static final long DRAIN_LIMIT_MILLIS = 45_000;

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void drainingARecoveredBacklogFromASlowDiskStallsNoOtherConnection(BrokerUnderTest broker) throws Exception {
        String q = unique("slow-disk-recovered");
        try (Connection c = connect(broker, "fill")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            fill(c, q, PERSISTENT, RECOVERED);
        }
        broker.restart();
        measure(broker, q, RECOVERED, "recovered");
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void drainingASpilledBacklogFromASlowDiskStallsNoOtherConnection(BrokerUnderTest broker) throws Exception {
        String q = unique("slow-disk-spilled");
        try (Connection c = connect(broker, "fill")) {
            c.createChannel().queueDeclare(q, false, false, false, null);
            fill(c, q, TRANSIENT, SPILLED);
            measure(broker, q, SPILLED, "spilled");
        }
    }

    private static void fill(Connection c, String q, AMQP.BasicProperties props, int count) throws Exception {
        Channel pub = confirming(c);
        byte[] body = new byte[BODY];
        for (int i = 0; i < count; i++) {
            ByteBuffer.wrap(body).putInt(0, i);
            pub.basicPublish("", q, props, body);
            if (i % 256 == 255) {
                Restarts.awaitConfirms(pub);
            }
        }
        Restarts.awaitConfirms(pub);
        assertEquals(count, readyCount(c, q));
    }

    /**
     * Round trips on every event loop, idle first, then while {@code q}'s backlog of {@code count} drains; the
     * p99 of the second may be at most twice that of the first.
     */
    private static void measure(BrokerUnderTest broker, String q, int count, String scenario) throws Exception {
        // Netty's default is two loops per core, and connections go to them in turn: two probes per loop.
        int probes = 4 * Runtime.getRuntime().availableProcessors();
        List<Probe> all = new ArrayList<>();
        try {
            for (int i = 0; i < probes; i++) {
                all.add(new Probe(connect(broker, "probe-" + i)));
            }
            all.forEach(Probe::start);
            Thread.sleep(WARMUP_MILLIS);
            all.forEach(p -> p.phase = Phase.IDLE);
            Thread.sleep(IDLE_MILLIS);

            AtomicInteger received = new AtomicInteger();
            AtomicInteger outOfOrder = new AtomicInteger();
            CountDownLatch drained = new CountDownLatch(1);
            long drainStart;
            long drainNanos;
            try (Connection c = connect(broker, "drain")) {
                Channel ch = c.createChannel();
                all.forEach(p -> p.phase = Phase.DRAINING);
                drainStart = System.nanoTime();
                ch.basicConsume(q, true, new DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                        int n = received.getAndIncrement();
                        if (ByteBuffer.wrap(body).getInt(0) != n) {
                            outOfOrder.incrementAndGet();
                        }
                        if (n + 1 == count) {
                            drained.countDown();
                        }
                    }
                });
                boolean done = drained.await(DRAIN_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
                drainNanos = System.nanoTime() - drainStart;
                for (Probe p : all) {
                    p.stop(); // their samples are read below
                }
                double idle = p99(all, true);
                double draining = p99(all, false);
                int idleSamples = all.stream().mapToInt(p -> p.idle.size).sum();
                int drainSamples = all.stream().mapToInt(p -> p.draining.size).sum();
                long stalls = all.stream().mapToLong(p -> p.timeouts.get()).sum();
                System.out.printf("SLOWDISK scenario=%s probes=%d idle_p99_ms=%.2f drain_p99_ms=%.2f drain_s=%s "
                                + "idle_samples=%d drain_samples=%d round_trips_over_5s=%d received=%d/%d%n", scenario, probes,
                        idle, draining, done ? String.format("%.2f", drainNanos / 1e9) : ">" + DRAIN_LIMIT_MILLIS / 1000,
                        idleSamples, drainSamples, stalls, received.get(), count);
                assertTrue(drainSamples >= 100, "too few round trips during the drain to judge: " + drainSamples);
                assertTrue(draining <= 2 * Math.max(idle, FLOOR_MS), String.format("other connections' p99 while "
                        + "the backlog drained from a slow disk was %.2f ms, against %.2f ms idle", draining, idle));
                assertEquals(0, stalls, "round trips that took over 5 s during the drain");
                assertTrue(done, "the backlog did not drain in " + DRAIN_LIMIT_MILLIS + " ms: " + received.get());
                assertEquals(0, outOfOrder.get(), "messages out of order");
            }
        } finally {
            for (Probe p : all) {
                p.close();
            }
        }
    }

    /** The 99th percentile of the idle or the draining samples of all probes, in ms. */
    private static double p99(List<Probe> all, boolean idle) {
        long[] nanos = all.stream().flatMapToLong(p -> (idle ? p.idle : p.draining).stream()).sorted().toArray();
        if (nanos.length == 0) {
            return Double.NaN;
        }
        return nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.99) - 1)] / 1e6;
    }

    private enum Phase { WARMUP, IDLE, DRAINING }

    /** Round trips in ns, written by one probe's thread, read once it stopped. */
    private static final class Samples {
        long[] nanos = new long[1024];
        int size;

        void add(long n) {
            if (size == nanos.length) {
                nanos = Arrays.copyOf(nanos, size * 2);
            }
            nanos[size++] = n;
        }

        LongStream stream() {
            return Arrays.stream(nanos, 0, size);
        }
    }

    /**
     * One connection with a queue of its own (on the connection's event loop, where Leveret places a queue its
     * declarer will use): a thread publishes a small message, waits for its delivery and records the round trip,
     * then sends the next {@link #INTERVAL_NANOS} later. A probe stalled for a while sends less, which would hide
     * the stall from a percentile of its samples (coordinated omission): a round trip longer than the interval
     * also counts the ones that should have been sent meanwhile, each the interval shorter than the last.
     */
    private static final class Probe implements AutoCloseable {
        static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
        final Connection connection;
        final Channel channel;
        final String queue;
        final BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
        final Samples idle = new Samples();
        final Samples draining = new Samples();
        final AtomicLong timeouts = new AtomicLong();
        volatile Phase phase = Phase.WARMUP;
        volatile boolean stop;
        private final Thread thread;

        Probe(Connection connection) throws Exception {
            this.connection = connection;
            this.channel = connection.createChannel();
            this.queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                    arrivals.offer(System.nanoTime());
                }
            });
            this.thread = new Thread(this::run, "probe-" + queue);
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            byte[] body = new byte[8];
            try {
                while (!stop) {
                    Phase at = phase;
                    long sent = System.nanoTime();
                    channel.basicPublish("", queue, null, body);
                    Long arrived = null;
                    while (arrived == null && !stop) {
                        arrived = arrivals.poll(100, TimeUnit.MILLISECONDS);
                    }
                    // One still on its way when the probe stops counts as far as it got: a stall, not nothing.
                    long rtt = (arrived == null ? System.nanoTime() : arrived) - sent;
                    if (rtt > TimeUnit.SECONDS.toNanos(5) && at == Phase.DRAINING) {
                        timeouts.incrementAndGet();
                    }
                    Samples into = at == Phase.IDLE ? idle : at == Phase.DRAINING ? draining : null;
                    if (into != null && (phase == at || stop && at == Phase.DRAINING)) {
                        into.add(rtt);
                        for (long missed = rtt - INTERVAL_NANOS; missed >= INTERVAL_NANOS; missed -= INTERVAL_NANOS) {
                            into.add(missed);
                        }
                    }
                    TimeUnit.NANOSECONDS.sleep(INTERVAL_NANOS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                if (!stop) {
                    throw new IllegalStateException(e);
                }
            }
        }

        /** Stops the thread and waits for it: its samples are the caller's to read. */
        void stop() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }

        @Override
        public void close() throws Exception {
            stop();
            connection.abort(5000);
        }
    }
}
