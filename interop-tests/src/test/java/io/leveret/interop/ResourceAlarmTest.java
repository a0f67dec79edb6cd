package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Memory and disk alarms: a publisher far faster than any consumer, against a broker with a small heap,
 * gets connection.blocked("low on memory") instead of killing the broker with OutOfMemoryError; once a
 * consumer drains the queue, connection.unblocked. A disk alarm blocks publishers and only them.
 */
class ResourceAlarmTest {
    private static final byte[] BODY = new byte[64 * 1024];
    /**
     * A queue keeps at most 32 MiB of bodies in memory and pages the rest out to disk, so one queue's backlog
     * no longer fills memory: the flood goes round-robin to six queues, whose 192 MiB of in-memory bodies are
     * far past the watermark (0.4 of the 96 MB heap and 256 MB of direct memory). Direct memory has room
     * above the watermark for what arrives before the alarm stops reading (the monitor samples) and for
     * delivery buffers: with 128 MB, six queues' budgets outgrew it and the broker hit its direct-memory limit.
     */
    private static final List<String> FLOOD = List.of("flood-0", "flood-1", "flood-2", "flood-3", "flood-4", "flood-5");
    private static final List<String> SMALL_BROKER = List.of("-Xmx96m", "-XX:MaxDirectMemorySize=256m");

    private static void declareFlood(Channel ch) throws java.io.IOException {
        for (String q : FLOOD) {
            ch.queueDeclare(q, false, false, false, null);
        }
    }

    /**
     * Publishes BODY round-robin to the flood queues while {@code goOn} says so, 32768 times (2 GB) at most,
     * counting in {@code published}; a closed connection ends it.
     */
    private static Thread flood(Channel pub, AtomicLong published, java.util.function.BooleanSupplier goOn) {
        Thread flood = new Thread(() -> {
            try {
                while (published.get() < 32_768 && goOn.getAsBoolean()) {
                    pub.basicPublish("", floodQueue(published.get()), null, BODY);
                    published.incrementAndGet();
                }
            } catch (Exception e) {
                // the connection is aborted when the test ends or fails
            }
        }, "flood");
        flood.setDaemon(true);
        flood.start();
        return flood;
    }

    private static String floodQueue(long n) {
        return FLOOD.get((int) (n % FLOOD.size()));
    }

    /** Records connection.blocked / unblocked as they arrive. */
    private static BlockingQueue<String> events(Connection c) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        c.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                events.add("blocked: " + reason);
            }

            @Override
            public void handleUnblocked() {
                events.add("unblocked");
            }
        });
        return events;
    }

    @Test
    void aFastPublisherIsBlockedOnMemoryAndUnblockedWhenConsumersDrain() throws Exception {
        PrivateLeveret.assumeLocal();
        try (PrivateLeveret broker = PrivateLeveret.start(SMALL_BROKER, "")) {
            ConnectionFactory f = broker.factory("guest", "guest", "/");
            Connection publisher = f.newConnection();
            BlockingQueue<String> events = events(publisher);
            Channel pub = publisher.createChannel();
            declareFlood(pub);
            AtomicLong published = new AtomicLong();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Thread flood = flood(pub, published, () -> System.nanoTime() < until);
            String first = events.poll(45, TimeUnit.SECONDS);
            assertEquals("blocked: low on memory", first, broker.log());
            long atBlock = published.get();
            Thread.sleep(500);
            assertTrue(broker.isAlive());

            // A consumer on another connection keeps draining while the publisher is blocked.
            try (Connection consumer = f.newConnection()) {
                Channel ch = consumer.createChannel();
                long drained = 0;
                long gets = 0;
                String next = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (next == null && System.nanoTime() < deadline) {
                    GetResponse r = ch.basicGet(floodQueue(gets++), true);
                    if (r != null) {
                        drained++;
                    }
                    next = events.poll(r == null ? 10 : 0, TimeUnit.MILLISECONDS);
                }
                assertEquals("unblocked", next, "after draining " + drained + " of " + atBlock + "\n" + broker.log());
                assertTrue(drained > 0);
            }
            publisher.abort(1000);
            flood.join(10_000);
            assertTrue(broker.isAlive());
            assertFalse(broker.log().contains("OutOfMemoryError"), broker.log());
            assertTrue(published.get() > atBlock, "publishing went on after unblocked");
        }
    }

    @Test
    void aDrainedBacklogClearsTheMemoryAlarmAndPublishingResumes() throws Exception {
        PrivateLeveret.assumeLocal();
        try (PrivateLeveret broker = PrivateLeveret.start(SMALL_BROKER, "")) {
            ConnectionFactory f = broker.factory("guest", "guest", "/");
            Connection publisher = f.newConnection();
            BlockingQueue<String> events = events(publisher);
            Channel pub = publisher.createChannel();
            declareFlood(pub);
            AtomicLong published = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            // Until told to stop: the last publish may wait in the socket until the broker reads again.
            Thread flood = flood(pub, published, () -> !stop.get());
            try {
                assertEquals("blocked: low on memory", events.poll(45, TimeUnit.SECONDS), broker.log());
                stop.set(true);

                // A consumer drains the whole backlog, including what the publisher still had in flight.
                try (Connection consumer = f.newConnection()) {
                    Channel ch = consumer.createChannel();
                    ch.basicQos(200);
                    AtomicLong consumed = new AtomicLong();
                    for (String q : FLOOD) {
                        ch.basicConsume(q, true, (tag, delivery) -> consumed.incrementAndGet(), tag -> { });
                    }
                    assertEquals("unblocked", events.poll(60, TimeUnit.SECONDS),
                            "after consuming " + consumed.get() + " of " + published.get() + "\n" + broker.log());
                    flood.join(30_000);
                    assertFalse(flood.isAlive(), "the blocked publish went through once unblocked");
                    BrokerTestSupport.await("the backlog to drain", () -> consumed.get() == published.get());
                }
            } catch (AssertionError | Exception e) {
                publisher.abort(1000);
                throw e;
            }

            // Publishing goes on, confirmed, with the alarm clear: the memory the backlog held was given back.
            Channel again = publisher.createChannel();
            again.queueDeclare("after", false, false, false, null);
            again.confirmSelect();
            for (int i = 0; i < 200; i++) {
                again.basicPublish("", "after", null, BODY);
            }
            again.waitForConfirmsOrDie(30_000);
            assertEquals(200, again.queueDeclarePassive("after").getMessageCount());
            assertEquals(null, events.poll(200, TimeUnit.MILLISECONDS), "12.8 MB more does not raise it again");
            publisher.close();
            assertTrue(broker.isAlive());
            assertFalse(broker.log().contains("OutOfMemoryError"), broker.log());
        }
    }

    @Test
    void aDiskAlarmBlocksPublishersButNotOtherConnections() throws Exception {
        PrivateLeveret.assumeLocal();
        try (PrivateLeveret broker = PrivateLeveret.start(List.of(), "disk_free_limit.absolute = 1000000000GB")) {
            ConnectionFactory f = broker.factory("guest", "guest", "/");
            Connection publisher = f.newConnection();
            try (Connection other = f.newConnection()) {
                BlockingQueue<String> events = events(publisher);
                Channel pub = publisher.createChannel();
                pub.queueDeclare("d", false, false, false, null);
                assertEquals(null, events.poll(300, TimeUnit.MILLISECONDS), "not blocked before it publishes");
                pub.basicPublish("", "d", null, new byte[10]);
                assertEquals("blocked: low on disk", events.poll(10, TimeUnit.SECONDS));
                Channel ch = other.createChannel();
                ch.queueDeclare("d2", false, false, true, null);
                // The other connection is served; the blocked publish may or may not have been read in full.
                assertTrue(ch.queueDeclarePassive("d").getMessageCount() <= 1);
            } finally {
                // A blocked connection cannot close cleanly: the broker is not reading it.
                publisher.abort(1000);
            }
        }
    }
}
