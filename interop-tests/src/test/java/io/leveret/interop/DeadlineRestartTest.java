package io.leveret.interop;

import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.awaitConfirms;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.readyCount;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Per-message and per-queue TTLs count from the publish, not from the last boot (issue 5): a persistent
 * message in a durable queue whose deadline passed while the broker was down is dead-lettered as expired
 * right after the restart, and one with time left keeps only that time. Also what dead-lettering of a
 * durable queue does across a restart: rejected and expired messages reach the durable dead-letter queue.
 */
@ExtendWith(PrivateBroker.class)
class DeadlineRestartTest {
    private static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();

    /** A durable queue dead-lettering to a durable queue through the default exchange. */
    private static void declareWithDeadLetters(Channel ch, String q, String dlq, Map<String, Object> extra)
            throws Exception {
        ch.queueDeclare(dlq, true, false, false, null);
        Map<String, Object> args = new java.util.HashMap<>(extra);
        args.put("x-dead-letter-exchange", "");
        args.put("x-dead-letter-routing-key", dlq);
        ch.queueDeclare(q, true, false, false, args);
    }

    /** Lets the clock pass {@code deadlineNanos} with the broker down: how long it was down is what is tested. */
    private static void downUntil(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    @Test
    void aMessageWhoseExpirationPassedWhileDownIsDeadLetteredAtBoot(BrokerUnderTest broker) throws Exception {
        String q = unique("ttl-own");
        String dlq = unique("ttl-own-dlq");
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            declareWithDeadLetters(ch, q, dlq, Map.of());
            ch.basicPublish("", q, PERSISTENT.builder().expiration("1500").build(), "short".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish("", q, PERSISTENT.builder().expiration("600000").build(), "long".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
        }
        long confirmed = System.nanoTime();
        broker.stop();
        downUntil(confirmed + TimeUnit.MILLISECONDS.toNanos(1600)); // "short" was due by then
        broker.start();
        try (Connection c = connect(broker, "after")) {
            BrokerTestSupport.await("the expired message is dead-lettered", () -> count(c, dlq) == 1);
            Channel ch = c.createChannel();
            GetResponse dead = ch.basicGet(dlq, true);
            assertEquals("short", new String(dead.getBody(), StandardCharsets.UTF_8));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> death = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
            assertEquals("expired", death.get(0).get("reason").toString());
            assertEquals(q, death.get(0).get("queue").toString());
            GetResponse alive = ch.basicGet(q, true);
            assertNotNull(alive, "the message with time left is still there");
            assertEquals("long", new String(alive.getBody(), StandardCharsets.UTF_8));
            assertEquals("600000", alive.getProps().getExpiration());
        }
    }

    @Test
    void aDeduplicatingQueueKnowsTheKeysOfItsRecoveredMessages(BrokerUnderTest broker) throws Exception {
        String q = unique("dedup-restart");
        AMQP.BasicProperties first = PERSISTENT.builder().messageId("k1").build();
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            ch.queueDeclare(q, true, false, false, Map.of("x-message-deduplication", true));
            ch.basicPublish("", q, first, "first".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
        }
        broker.stop();
        broker.start();
        try (Connection c = connect(broker, "after")) {
            Channel ch = confirming(c);
            ch.basicPublish("", q, first, "again".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish("", q, PERSISTENT.builder().messageId("k2").build(), "other".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
            BrokerTestSupport.await("the new key is in", () -> count(c, q) >= 2);
            assertEquals("first", new String(ch.basicGet(q, true).getBody(), StandardCharsets.UTF_8));
            assertEquals("other", new String(ch.basicGet(q, true).getBody(), StandardCharsets.UTF_8));
            assertEquals(null, ch.basicGet(q, true), "the duplicate of a recovered message was dropped");
        }
    }

    @Test
    void aQueueTtlCountsFromThePublishNotFromTheBoot(BrokerUnderTest broker) throws Exception {
        String q = unique("ttl-queue");
        String dlq = unique("ttl-queue-dlq");
        long published;
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            declareWithDeadLetters(ch, q, dlq, Map.of("x-message-ttl", 6000));
            published = System.currentTimeMillis();
            ch.basicPublish("", q, PERSISTENT, "m".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
        }
        broker.stop();
        downUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3000));
        long boot = System.currentTimeMillis();
        broker.start();
        try (Connection c = connect(broker, "after")) {
            BrokerTestSupport.await("the message expires", () -> count(c, dlq) == 1);
            long expired = System.currentTimeMillis();
            // From the publish: due at published + 6000, at most boot + 3000 (or when the boot ends, if later).
            // From the boot it would be boot + 6000 or later: 3 s apart, room for a slow boot on a busy box.
            assertTrue(expired < boot + 6000, "expired " + (expired - published) + " ms after the publish, "
                    + (expired - boot) + " ms after the boot began");
            assertEquals(0, readyCount(c, q));
        }
    }

    @Test
    void rejectedAndExpiredMessagesOfADurableQueueAreDeadLetteredAfterARestart(BrokerUnderTest broker) throws Exception {
        String q = unique("dlx-restart");
        String dlq = unique("dlx-restart-dlq");
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            declareWithDeadLetters(ch, q, dlq, Map.of());
            ch.basicPublish("", q, PERSISTENT, "reject-me".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish("", q, PERSISTENT.builder().expiration("2000").build(), "expire-me".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
        }
        broker.restart();
        try (Connection c = connect(broker, "after")) {
            Channel ch = c.createChannel();
            GetResponse first = ch.basicGet(q, false);
            assertEquals("reject-me", new String(first.getBody(), StandardCharsets.UTF_8));
            ch.basicReject(first.getEnvelope().getDeliveryTag(), false);
            BrokerTestSupport.await("both are dead-lettered", () -> count(c, dlq) == 2);
        }
        broker.restart();
        try (Connection c = connect(broker, "again")) {
            // The dead-lettered copies are persistent messages in a durable queue: they survive too.
            Channel ch = c.createChannel();
            List<String> reasons = new java.util.ArrayList<>();
            for (GetResponse r = ch.basicGet(dlq, true); r != null; r = ch.basicGet(dlq, true)) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> death = (List<Map<String, Object>>) r.getProps().getHeaders().get("x-death");
                reasons.add(new String(r.getBody(), StandardCharsets.UTF_8) + ":" + death.get(0).get("reason"));
            }
            reasons.sort(null);
            assertEquals(List.of("expire-me:expired", "reject-me:rejected"), reasons);
        }
    }

    @Test
    void persistentDelayedMessagesOfADurableExchangeWaitAcrossARestartAndTransientOnesGo(BrokerUnderTest broker)
            throws Exception {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "the delayed message exchange is built into Leveret only");
        String x = unique("delayed-restart");
        String q = unique("delayed-restart-q");
        long published;
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            ch.exchangeDeclare(x, "x-delayed-message", true, false, Map.of("x-delayed-type", "direct"));
            ch.queueDeclare(q, true, false, false, null);
            ch.queueBind(q, x, "k");
            published = System.currentTimeMillis();
            // Later publishes are due earlier, 100 ms apart: more than the publishes themselves take.
            for (int i = 0; i < 40; i++) {
                ch.basicPublish(x, "k", PERSISTENT.builder().headers(Map.of("x-delay", 2000 + 100 * (39 - i))).build(),
                        ("p" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.basicPublish(x, "k", new AMQP.BasicProperties.Builder().deliveryMode(1)
                    .headers(Map.of("x-delay", 3000)).build(), "transient".getBytes(StandardCharsets.UTF_8));
            awaitConfirms(ch);
            assertEquals(0, readyCount(c, q), "nothing is routed before it is due");
        }
        broker.restart();
        try (Connection c = connect(broker, "after")) {
            BrokerTestSupport.await("the delayed messages arrive", () -> count(c, q) == 40);
            assertTrue(System.currentTimeMillis() - published >= 5900, "not before they were due");
            Channel ch = c.createChannel();
            List<String> bodies = new java.util.ArrayList<>();
            for (GetResponse r = ch.basicGet(q, true); r != null; r = ch.basicGet(q, true)) {
                bodies.add(new String(r.getBody(), StandardCharsets.UTF_8));
            }
            List<String> expected = new java.util.ArrayList<>();
            for (int i = 39; i >= 0; i--) {
                expected.add("p" + i);
            }
            assertEquals(expected, bodies, "in due order, and the transient one did not survive");
        }
    }

    private static int count(Connection c, String queue) {
        try {
            return readyCount(c, queue);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
