package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownNotifier;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared plumbing for the Java-client suites: one connection and channel per test, unique names, cleanup of
 * every named queue and exchange a test declares (so reruns against a shared broker start clean), and helpers
 * that turn a broker-side close into a {@link Reply} to compare against what RabbitMQ sends.
 */
abstract class BrokerTestSupport {
    /** Upper bound for anything we wait for; the happy path never gets near it. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    protected ConnectionFactory factory;
    protected Connection connection;
    protected Channel channel;

    private final List<Connection> opened = new ArrayList<>();
    private final List<String> queuesToDelete = new ArrayList<>();
    private final List<String> exchangesToDelete = new ArrayList<>();

    @FunctionalInterface
    interface AmqpAction {
        void run() throws Exception;
    }

    @BeforeEach
    void openConnectionAndChannel() throws Exception {
        factory = BrokerUnderTest.shared().factory();
        connection = open(factory);
        channel = connection.createChannel();
    }

    @AfterEach
    void closeAndCleanUp() throws Exception {
        for (Connection c : opened) {
            if (c.isOpen()) {
                try {
                    c.close(5_000);
                } catch (IOException | AlreadyClosedException e) {
                    // closed by the broker in the meantime: nothing left to release
                }
            }
        }
        if (queuesToDelete.isEmpty() && exchangesToDelete.isEmpty()) {
            return;
        }
        try (Connection c = BrokerUnderTest.shared().factory().newConnection("interop-cleanup")) {
            for (String q : queuesToDelete) {
                deleteQuietly(c, ch -> ch.queueDelete(q));
            }
            for (String x : exchangesToDelete) {
                deleteQuietly(c, ch -> ch.exchangeDelete(x));
            }
        }
    }

    @FunctionalInterface
    private interface ChannelAction {
        void run(Channel ch) throws IOException;
    }

    private static void deleteQuietly(Connection c, ChannelAction action) {
        try {
            Channel ch = c.createChannel();
            action.run(ch);
            ch.close();
        } catch (Exception e) {
            // best effort: a queue a test expected to be gone is gone
        }
    }

    /** Opens a connection that is closed after the test. */
    protected Connection open(ConnectionFactory f) throws Exception {
        Connection c = f.newConnection("interop-" + getClass().getSimpleName());
        opened.add(c);
        return c;
    }

    protected Connection open() throws Exception {
        return open(factory);
    }

    /** A name no other test (or earlier run) uses. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** Declares a named, non-durable, non-exclusive, non-auto-delete queue that is deleted after the test. */
    protected String declareQueue(String prefix) throws IOException {
        String q = unique(prefix);
        channel.queueDeclare(q, false, false, false, null);
        queuesToDelete.add(q);
        return q;
    }

    /**
     * A server-named exclusive queue: it goes with the test's connection. Not auto-delete (unlike the client's
     * no-argument {@code queueDeclare()}), so cancelling a consumer does not take it away mid-test.
     */
    protected String serverNamedQueue() throws IOException {
        return channel.queueDeclare("", false, true, false, null).getQueue();
    }

    protected String declareExchange(String prefix, BuiltinExchangeType type) throws IOException {
        String x = unique(prefix);
        channel.exchangeDeclare(x, type, false, false, null);
        exchangesToDelete.add(x);
        return x;
    }

    protected void deleteQueueAfterTest(String q) {
        queuesToDelete.add(q);
    }

    protected void deleteExchangeAfterTest(String x) {
        exchangesToDelete.add(x);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT + " waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Runs {@code action}, which must make the broker close {@code ch} (synchronously or, for publish/ack, a
     * moment later), and returns the broker's close as a {@link Reply}.
     */
    static Reply closeCausedBy(ShutdownNotifier ch, AmqpAction action) {
        try {
            action.run();
        } catch (IOException | ShutdownSignalException e) {
            // the close itself; inspected below through the notifier
        } catch (Exception e) {
            throw new AssertionError("unexpected failure", e);
        }
        await("the broker to close " + ch, () -> !ch.isOpen());
        ShutdownSignalException signal = ch.getCloseReason();
        assertFalse(signal.isInitiatedByApplication(), "closed by the client, not the broker: " + signal);
        return Reply.of(signal);
    }

    /** Waits for a message on {@code queue}: publishes become visible asynchronously on some brokers. */
    static GetResponse awaitGet(Channel ch, String queue, boolean autoAck) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            GetResponse r = ch.basicGet(queue, autoAck);
            if (r != null) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                fail("no message on " + queue + " within " + TIMEOUT);
            }
            sleepBriefly();
        }
    }

    /**
     * A reply text as RabbitMQ puts it on the wire: "NAME - explanation", cut to 252 bytes plus "..." when it
     * would not fit the 255-byte shortstr (rabbit_binary_generator:amqp_exception_explanation).
     */
    static String replyText(String full) {
        byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
        return bytes.length > 255 ? new String(bytes, 0, 252, StandardCharsets.UTF_8) + "..." : full;
    }

    /** Takes every ready message from {@code queue} (auto-ack) and returns the bodies as text, in order. */
    static List<String> drain(Channel ch, String queue) throws IOException {
        List<String> bodies = new ArrayList<>();
        for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) {
            bodies.add(text(r.getBody()));
        }
        return bodies;
    }

    /**
     * A channel in confirm mode: once {@code waitForConfirmsOrDie} returns, every message it published is in
     * every queue it was routed to, so routing can be checked by draining queues, without sleeping.
     */
    protected Channel confirmChannel() throws IOException {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        return ch;
    }

    /** Waits until the ready-message count of {@code queue} (per queue.declare-ok) is {@code expected}. */
    static void awaitReady(Channel ch, String queue, int expected) {
        await(queue + " to hold " + expected + " ready messages", () -> {
            try {
                return ch.queueDeclarePassive(queue).getMessageCount() == expected;
            } catch (IOException e) {
                throw new AssertionError("passive declare of " + queue + " failed", e);
            }
        });
    }

    /** True if {@code queue} exists (a 405 says it exists but is another connection's), asked on a throw-away channel. */
    static boolean queueExists(Connection c, String queue) {
        try {
            Channel ch = c.createChannel();
            ch.queueDeclarePassive(queue);
            ch.close();
            return true;
        } catch (IOException e) {
            Reply r = Reply.of((ShutdownSignalException) e.getCause());
            if (r.code() == 404) {
                return false;
            }
            if (r.code() == 405) {
                return true;
            }
            throw new AssertionError("unexpected close asking for " + queue + ": " + r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Proves a negative without sleeping: publishes a marker to {@code queue} on the consumer's own channel, so
     * the queue sees it after whatever that channel did before (an ack, a recover), and waits until the
     * consumer has it. Anything the broker would have delivered to it before the marker has arrived by then
     * (one channel's deliveries keep their order), so the consumer must hold exactly {@code expectedCount}
     * deliveries ahead of it. The consumer needs room for the marker under its prefetch.
     */
    static void assertNoMoreDeliveriesBeforeMarker(Collector collector, String queue, int expectedCount)
            throws IOException {
        String marker = unique("marker");
        collector.getChannel().basicPublish("", queue, null, utf8(marker));
        await("the marker at the consumer", () -> collector.received().stream()
                .anyMatch(d -> marker.equals(text(d.getBody()))));
        List<String> before = collector.received().stream().map(d -> text(d.getBody()))
                .takeWhile(b -> !marker.equals(b)).toList();
        assertEquals(expectedCount, before.size(), "deliveries ahead of the marker: " + before);
    }

    /**
     * Waits until {@code queue} is gone, asking in a way that does not count as use for x-expires (a passive
     * declare would restart its clock): mandatory publishes to it, each confirmed, until one comes back
     * unroutable. Returns the milliseconds from {@code sinceNanos} to the confirm of the first publish that
     * found no queue: an upper bound on how long the queue lived after {@code sinceNanos}.
     */
    static long awaitQueueGone(Connection c, String queue, long sinceNanos) throws Exception {
        Channel ch = c.createChannel();
        ch.confirmSelect();
        java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
        ch.addReturnListener(r -> returned.set(true));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            ch.basicPublish("", queue, true, null, utf8("probe"));
            // basic.return comes before the publish's basic.ack (rabbit_channel), so the flag is set by now.
            ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
            if (returned.get()) {
                long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
                ch.close();
                return ms;
            }
            if (System.nanoTime() > deadline) {
                fail(queue + " still there after " + TIMEOUT);
            }
            sleepBriefly();
        }
    }

    /** The pace of a polling loop. */
    static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A consumer that records every delivery and cancel notification, for tests to await. */
    static final class Collector extends DefaultConsumer {
        final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
        final BlockingQueue<String> cancelledByBroker = new LinkedBlockingQueue<>();
        final BlockingQueue<String> cancelOks = new LinkedBlockingQueue<>();
        private final List<Delivery> all = java.util.Collections.synchronizedList(new ArrayList<>());

        Collector(Channel ch) {
            super(ch);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            Delivery d = new Delivery(envelope, properties, body);
            all.add(d);
            deliveries.add(d);
        }

        @Override
        public void handleCancel(String consumerTag) {
            cancelledByBroker.add(consumerTag);
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            cancelOks.add(consumerTag);
        }

        int size() {
            return all.size();
        }

        List<Delivery> received() {
            synchronized (all) {
                return List.copyOf(all);
            }
        }

        /** Takes the next delivery, failing after {@link #TIMEOUT}. */
        Delivery next() throws InterruptedException {
            Delivery d = deliveries.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (d == null) {
                fail("no delivery within " + TIMEOUT);
            }
            return d;
        }

        void awaitCount(int n) {
            await(n + " deliveries (have " + size() + ")", () -> size() >= n);
        }
    }
}
