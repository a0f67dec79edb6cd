package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Message deduplication as the rabbitmq-message-deduplication plugin does it, keyed by the
 * {@code x-deduplication-header} header or else the message_id: on an exchange (a bounded cache, a duplicate
 * is not routed) and on a queue (a duplicate of a waiting message is dropped). Leveret-only: the reference
 * RabbitMQ has no such plugin installed.
 */
class DeduplicationTest extends BrokerTestSupport {

    @BeforeEach
    void leveretOnly() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "message deduplication is built into Leveret only");
    }

    private String dedupExchange(Map<String, Object> cache) throws Exception {
        String x = unique("dedup-x");
        Map<String, Object> args = new java.util.HashMap<>(cache);
        args.put("x-message-deduplication", true);
        channel.exchangeDeclare(x, BuiltinExchangeType.FANOUT, false, false, args);
        deleteExchangeAfterTest(x);
        return x;
    }

    private static AMQP.BasicProperties keyed(String key) {
        return new AMQP.BasicProperties.Builder().headers(Map.of("x-deduplication-header", key)).build();
    }

    @Test
    void anExchangeRoutesAKeyOnlyOnceByHeaderOrMessageId() throws Exception {
        String x = dedupExchange(Map.of("x-cache-size", 100));
        String q = declareQueue("dedup-xq");
        channel.queueBind(q, x, "");
        channel.basicPublish(x, "", keyed("a"), utf8("a1"));
        channel.basicPublish(x, "", keyed("a"), utf8("a2"));
        channel.basicPublish(x, "", keyed("b"), utf8("b1"));
        AMQP.BasicProperties id = new AMQP.BasicProperties.Builder().messageId("m-1").build();
        channel.basicPublish(x, "", id, utf8("m1"));
        channel.basicPublish(x, "", id, utf8("m2"));
        channel.basicPublish(x, "", null, utf8("n1"));
        channel.basicPublish(x, "", null, utf8("n2"));
        awaitReady(channel, q, 5);
        assertEquals(List.of("a1", "b1", "m1", "n1", "n2"), drain(channel, q));
    }

    /**
     * Publishes {@code key} again and again (a duplicate is dropped without renewing the key) until one copy is
     * routed to {@code q}; returns the milliseconds from {@code sinceNanos} to that copy's confirm.
     */
    private long msUntilRoutedAgain(Channel confirming, String x, String key, String q, long sinceNanos)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int i = 0; ; i++) {
            confirming.basicPublish(x, "", keyed(key), utf8(key + "-again-" + i));
            confirming.waitForConfirmsOrDie(TIMEOUT.toMillis());
            long ms = (System.nanoTime() - sinceNanos) / 1_000_000;
            if (channel.queueDeclarePassive(q).getMessageCount() > 0) {
                return ms;
            }
            assertTrue(System.nanoTime() < deadline, key + " still a duplicate after " + TIMEOUT);
            sleepBriefly();
        }
    }

    @Test
    void aKeyRoutesAgainAfterTheCacheTtlOrTheMessagesOwnTtl() throws Exception {
        String x = dedupExchange(Map.of("x-cache-size", 100, "x-cache-ttl", 1500));
        String q = declareQueue("dedup-ttl");
        channel.queueBind(q, x, "");
        Channel ch = confirmChannel();
        long sent = System.nanoTime();
        ch.basicPublish(x, "", keyed("k"), utf8("1"));
        ch.basicPublish(x, "", keyed("k"), utf8("dup"));
        AMQP.BasicProperties shortTtl = new AMQP.BasicProperties.Builder()
                .headers(Map.of("x-deduplication-header", "s", "x-cache-ttl", 50)).build();
        ch.basicPublish(x, "", shortTtl, utf8("s1"));
        ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("1", "s1"), drain(channel, q));

        // Lower bounds hold however slow the machine: the broker saw each key after `sent`. The upper bound
        // for "s" (its own 50 ms, not the cache's 1500) has well over a second of slack.
        long sAgain = msUntilRoutedAgain(ch, x, "s", q, sent);
        assertTrue(sAgain >= 50 && sAgain < 1500, "s routed again after " + sAgain + " ms");
        assertEquals(List.of("s-again-"), drain(channel, q).stream().map(b -> b.replaceAll("\\d+$", "")).toList());
        long kAgain = msUntilRoutedAgain(ch, x, "k", q, sent);
        assertTrue(kAgain >= 1500, "k routed again after " + kAgain + " ms, before the cache's 1500");
        assertEquals(List.of("k-again-"), drain(channel, q).stream().map(b -> b.replaceAll("\\d+$", "")).toList());
    }

    @Test
    void theCacheSizeBoundsWhatIsRemembered() throws Exception {
        String x = dedupExchange(Map.of("x-cache-size", 2));
        String q = declareQueue("dedup-size");
        channel.queueBind(q, x, "");
        for (String k : List.of("a", "b", "c", "a")) {
            channel.basicPublish(x, "", keyed(k), utf8(k));
        }
        // a was the oldest of three in a cache of two: forgotten, so routed again.
        awaitReady(channel, q, 4);
        assertEquals(List.of("a", "b", "c", "a"), drain(channel, q));
    }

    @Test
    void aMissingCacheSizeIsPreconditionFailed() throws Exception {
        Channel ch = connection.createChannel();
        Reply r = closeCausedBy(ch, () -> ch.exchangeDeclare(unique("dedup"), "direct", false, false,
                Map.of("x-message-deduplication", true)));
        assertEquals(406, r.code());
        assertEquals("PRECONDITION_FAILED - Missing or invalid argument, 'x-cache-size' must be an integer greater than 0",
                r.text());
        Channel ch2 = connection.createChannel();
        Reply r2 = closeCausedBy(ch2, () -> ch2.exchangeDeclare(unique("dedup"), "direct", false, false,
                Map.of("x-message-deduplication", true, "x-cache-size", 5, "x-cache-persistence", "cloud")));
        assertEquals("PRECONDITION_FAILED - Invalid argument, 'x-cache-persistence' must be either 'disk' or 'memory'",
                r2.text());
        Channel ch3 = connection.createChannel();
        Reply r3 = closeCausedBy(ch3, () -> ch3.exchangeDeclare(unique("dedup"), "direct", false, false,
                Map.of("x-message-deduplication", true, "x-cache-size", 5, "x-cache-persistence", "disk")));
        assertEquals("PRECONDITION_FAILED - Invalid argument, 'x-cache-persistence' 'disk' is not supported by Leveret"
                + " (only 'memory')", r3.text());
        String memory = unique("dedup");
        channel.exchangeDeclare(memory, "direct", false, false,
                Map.of("x-message-deduplication", true, "x-cache-size", 5, "x-cache-persistence", "memory"));
        deleteExchangeAfterTest(memory);
    }

    @Test
    void aQueueDropsADuplicateOfAWaitingMessageAndStillConfirmsIt() throws Exception {
        String q = unique("dedup-q");
        channel.queueDeclare(q, false, false, false, Map.of("x-message-deduplication", true));
        deleteQueueAfterTest(q);
        channel.confirmSelect();
        channel.basicPublish("", q, keyed("k"), utf8("first"));
        channel.basicPublish("", q, keyed("k"), utf8("second"));
        channel.basicPublish("", q, keyed("j"), utf8("other"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        awaitReady(channel, q, 2);
        assertEquals("first", text(channel.basicGet(q, true).getBody()));
        // "first" left the queue: its key is free again.
        channel.basicPublish("", q, keyed("k"), utf8("third"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        awaitReady(channel, q, 2);
        assertEquals(List.of("other", "third"), drain(channel, q));
    }
}
