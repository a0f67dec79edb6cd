package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * queue.declare argument validation (rabbit_amqqueue:check_declare_arguments): a wrong type or range is a
 * 406 with RabbitMQ's reason, printed as Erlang prints it. The texts were taken from RabbitMQ 3.10.8.
 */
class QueueArgumentsTest extends BrokerTestSupport {

    static List<Arguments> invalid() {
        return List.of(
                Arguments.of("x-message-ttl", -1, "{value_negative,-1}"),
                Arguments.of("x-message-ttl", "abc", "\"expected integer, got longstr\""),
                Arguments.of("x-message-ttl", 1.5, "\"expected integer, got double\""),
                Arguments.of("x-message-ttl", 1.5f, "\"expected integer, got float\""),
                Arguments.of("x-message-ttl", true, "\"expected integer, got bool\""),
                Arguments.of("x-message-ttl", new Date(0), "\"expected integer, got timestamp\""),
                Arguments.of("x-message-ttl", 315360000001L, "{value_too_large,315360000001}"),
                Arguments.of("x-expires", 0, "{value_zero,0}"),
                Arguments.of("x-expires", -5, "{value_negative,-5}"),
                Arguments.of("x-expires", "x", "\"expected integer, got longstr\""),
                Arguments.of("x-expires", Long.MAX_VALUE, "{value_too_large,9223372036854775807}"),
                Arguments.of("x-max-length", -1, "{value_negative,-1}"),
                Arguments.of("x-max-length", 1.0, "\"expected integer, got double\""),
                Arguments.of("x-max-length-bytes", -3L, "{value_negative,-3}"),
                Arguments.of("x-max-length-bytes", "a", "\"expected integer, got longstr\""),
                Arguments.of("x-overflow", "foo", "invalid_overflow"),
                Arguments.of("x-overflow", 1, "{unacceptable_type,signedint}"),
                Arguments.of("x-dead-letter-routing-key", 1, "{unacceptable_type,signedint}"),
                Arguments.of("x-dead-letter-routing-key", "rk", "routing_key_but_no_dlx_defined"),
                Arguments.of("x-max-priority", 256, "{max_value_exceeded,256}"),
                Arguments.of("x-max-priority", 300L, "{max_value_exceeded,300}"),
                Arguments.of("x-max-priority", -1, "{value_negative,-1}"),
                Arguments.of("x-max-priority", "x", "\"expected integer, got longstr\""),
                Arguments.of("x-single-active-consumer", "x", "{unacceptable_type,longstr}"),
                Arguments.of("x-single-active-consumer", 1, "{unacceptable_type,signedint}"),
                Arguments.of("x-queue-type", "foo", "\"unsupported queue type 'foo'\""),
                Arguments.of("x-queue-type", 1, "{unacceptable_type,signedint}"),
                Arguments.of("x-queue-mode", "foo", "\"unsupported queue mode 'foo'\""),
                Arguments.of("x-queue-mode", 1, "{unacceptable_type,signedint}"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("invalid")
    void invalidArgumentIsPreconditionFailed(String key, Object value, String reason) throws Exception {
        String q = unique("args");
        Reply r = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, false, Map.of(key, value)));
        assertEquals(Reply.channel(406, replyText("PRECONDITION_FAILED - invalid arg '" + key + "' for queue '" + q
                + "' in vhost '/': " + reason), 50, 10), r);
    }

    static List<Arguments> invalidDeadLetterExchange() {
        return List.of(Arguments.of(1, "signedint"), Arguments.of("dlx".getBytes(), "binary"),
                Arguments.of(Map.of(), "table"));
    }

    @ParameterizedTest(name = "x-dead-letter-exchange of type {1}")
    @MethodSource("invalidDeadLetterExchange")
    void deadLetterExchangeMustBeAString(Object value, String type) throws Exception {
        String q = unique("args");
        Reply r = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, false,
                Map.of("x-dead-letter-exchange", value)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid type '" + type
                + "' for arg 'x-dead-letter-exchange' in queue '" + q + "' in vhost '/'", 50, 10), r);
    }

    /** How a valid argument shows: declares its queue (with what else it needs) and proves the effect. */
    @FunctionalInterface
    interface Effect {
        void prove(QueueArgumentsTest test, String key, Object value) throws Exception;
    }

    static List<Arguments> valid() {
        return List.of(
                Arguments.of("x-message-ttl", 0, (Effect) QueueArgumentsTest::messagesExpire),
                Arguments.of("x-message-ttl", (byte) 5, (Effect) QueueArgumentsTest::messagesExpire),
                Arguments.of("x-message-ttl", (short) 5, (Effect) QueueArgumentsTest::messagesExpire),
                Arguments.of("x-message-ttl", 315360000000L, (Effect) QueueArgumentsTest::messagesOutliveAShortExpiration),
                Arguments.of("x-expires", 315360000000L, (Effect) QueueArgumentsTest::queueOutlivesATwinWithAShortExpiry),
                Arguments.of("x-max-length", 0, (Effect) QueueArgumentsTest::nothingIsKept),
                Arguments.of("x-max-length-bytes", 4, (Effect) QueueArgumentsTest::theOldestGoBeyondFourBytes),
                Arguments.of("x-max-length-bytes", Long.MAX_VALUE, (Effect) QueueArgumentsTest::aHugeLimitIsStoredAndKeepsAll),
                Arguments.of("x-max-priority", 0, (Effect) QueueArgumentsTest::everyPriorityCountsAsZero),
                Arguments.of("x-max-priority", 255, (Effect) QueueArgumentsTest::higherPrioritiesGoFirst),
                Arguments.of("x-overflow", "drop-head", (Effect) QueueArgumentsTest::theHeadIsDropped),
                Arguments.of("x-overflow", "reject-publish", (Effect) QueueArgumentsTest::theNewcomerIsNacked),
                Arguments.of("x-overflow", "reject-publish-dlx", (Effect) QueueArgumentsTest::theNewcomerIsNackedAndDeadLettered),
                Arguments.of("x-single-active-consumer", true, (Effect) QueueArgumentsTest::oneConsumerGetsEverything),
                Arguments.of("x-dead-letter-exchange", unique("no-such-exchange"),
                        (Effect) QueueArgumentsTest::deadLettersReachTheExchangeOnceItExists),
                // No effect a client can see: accepted, and the queue is a queue.
                Arguments.of("x-queue-type", "classic", (Effect) QueueArgumentsTest::aPlainQueue),
                Arguments.of("x-queue-mode", "lazy", (Effect) QueueArgumentsTest::aPlainQueue),
                Arguments.of("x-unknown-argument", 1, (Effect) QueueArgumentsTest::aPlainQueue));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("valid")
    void validArgumentIsAcceptedAndTakesEffect(String key, Object value, Effect effect) throws Exception {
        effect.prove(this, key, value);
    }

    /** Declares a queue with {@code key = value} and the {@code others}, deleted after the test. */
    private String declareWith(String key, Object value, Object... others) throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put(key, value);
        for (int i = 0; i < others.length; i += 2) {
            args.put((String) others[i], others[i + 1]);
        }
        String q = unique("args");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, false, args);
        return q;
    }

    /** Publishes on a confirm channel; true if the broker acked every message. */
    private boolean publishConfirmed(String q, AMQP.BasicProperties props, String... bodies) throws Exception {
        Channel ch = confirmChannel();
        for (String body : bodies) {
            ch.basicPublish("", q, props, utf8(body));
        }
        boolean acked = ch.waitForConfirms(TIMEOUT.toMillis());
        ch.close();
        return acked;
    }

    private static AMQP.BasicProperties priority(int p) {
        return new AMQP.BasicProperties.Builder().priority(p).build();
    }

    private void messagesExpire(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, null, "m"));
        awaitReady(channel, q, 0);
    }

    /** The 10-year TTL is a deadline, not an overflow into "already expired": the message outlasts a 1 ms one. */
    private void messagesOutliveAShortExpiration(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, new AMQP.BasicProperties.Builder().expiration("1").build(), "short"));
        assertTrue(publishConfirmed(q, null, "kept"));
        awaitReady(channel, q, 1);
        assertEquals(List.of("kept"), drain(channel, q));
    }

    /** A twin declared after it with x-expires 100 is gone: q's timer, had it run short, would have fired too. */
    private void queueOutlivesATwinWithAShortExpiry(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        String twin = declareWith(key, 100);
        awaitQueueGone(connection, twin, System.nanoTime());
        assertTrue(queueExists(connection, q));
    }

    private void nothingIsKept(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, null, "m"));
        awaitReady(channel, q, 0);
    }

    private void theOldestGoBeyondFourBytes(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, null, "abc", "de", "f"));
        assertEquals(List.of("de", "f"), drain(channel, q));
    }

    /** Nothing fills Long.MAX_VALUE bytes: the limit does not wrap into a small one, and the queue holds it. */
    private void aHugeLimitIsStoredAndKeepsAll(String key, Object value) throws Exception {
        String q = declareWith(key, value, "x-overflow", "reject-publish");
        assertTrue(publishConfirmed(q, null, "a", "b", "c"));
        assertEquals(List.of("a", "b", "c"), drain(channel, q));
        Channel ch = connection.createChannel();
        Reply r = closeCausedBy(ch, () -> ch.queueDeclare(q, false, false, false, Map.of(key, 1L)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg '" + key + "' for queue '" + q
                + "' in vhost '/': received '1' but current is '" + Long.MAX_VALUE + "'", 50, 10), r);
    }

    /** A maximum of 0: one priority, so every message counts as 0 and the queue stays FIFO. */
    private void everyPriorityCountsAsZero(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, priority(0), "first"));
        assertTrue(publishConfirmed(q, priority(9), "second"));
        assertEquals(List.of("first", "second"), drain(channel, q));
    }

    private void higherPrioritiesGoFirst(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, null, "none"));
        assertTrue(publishConfirmed(q, priority(1), "low"));
        assertTrue(publishConfirmed(q, priority(255), "top"));
        assertEquals(List.of("top", "low", "none"), drain(channel, q));
    }

    private void theHeadIsDropped(String key, Object value) throws Exception {
        String q = declareWith(key, value, "x-max-length", 1);
        assertTrue(publishConfirmed(q, null, "old", "new"));
        assertEquals(List.of("new"), drain(channel, q));
    }

    private void theNewcomerIsNacked(String key, Object value) throws Exception {
        String q = declareWith(key, value, "x-max-length", 1);
        assertTrue(publishConfirmed(q, null, "old"));
        assertFalse(publishConfirmed(q, null, "new"), "nacked: the queue is full");
        assertEquals(List.of("old"), drain(channel, q));
    }

    private void theNewcomerIsNackedAndDeadLettered(String key, Object value) throws Exception {
        String dlq = declareQueue("args-dlq");
        String q = declareWith(key, value, "x-max-length", 1, "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dlq);
        assertTrue(publishConfirmed(q, null, "old"));
        assertFalse(publishConfirmed(q, null, "new"), "nacked: the queue is full");
        assertEquals(List.of("old"), drain(channel, q));
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("new", text(r.getBody()));
        Map<?, ?> death = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("maxlen", death.get("reason").toString());
        assertEquals(q, death.get("queue").toString());
    }

    private void oneConsumerGetsEverything(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        Collector first = new Collector(connection.createChannel());
        Collector second = new Collector(connection.createChannel());
        first.getChannel().basicConsume(q, false, first);
        second.getChannel().basicConsume(q, false, second);
        assertTrue(publishConfirmed(q, null, "a", "b", "c", "d"));
        first.awaitCount(4);
        // All four are accounted for at the first: round-robin would have given the second two.
        assertEquals(0, second.size());
    }

    /** A dead letter to a missing exchange is dropped; once the exchange exists, dead letters reach it. */
    private void deadLettersReachTheExchangeOnceItExists(String key, Object value) throws Exception {
        String dlx = (String) value;
        String q = declareWith(key, dlx);
        assertTrue(publishConfirmed(q, null, "dropped"));
        channel.basicReject(awaitGet(channel, q, false).getEnvelope().getDeliveryTag(), false);
        awaitReady(channel, q, 0);
        deleteExchangeAfterTest(dlx);
        channel.exchangeDeclare(dlx, BuiltinExchangeType.FANOUT);
        String dlq = declareQueue("args-dlq");
        channel.queueBind(dlq, dlx, "");
        assertTrue(publishConfirmed(q, null, "dead-lettered"));
        channel.basicReject(awaitGet(channel, q, false).getEnvelope().getDeliveryTag(), false);
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("dead-lettered", text(r.getBody()));
        assertEquals("rejected", r.getProps().getHeaders().get("x-first-death-reason").toString());
        assertEquals(List.of(), drain(channel, dlq));
    }

    private void aPlainQueue(String key, Object value) throws Exception {
        String q = declareWith(key, value);
        assertTrue(publishConfirmed(q, priority(5), "a", "b"));
        assertEquals(List.of("a", "b"), drain(channel, q));
    }

    @Test
    void firstBadArgumentInRabbitMqsOrderIsReported() throws Exception {
        String q = unique("args");
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-max-length", -1);
        args.put("x-message-ttl", -1);
        Reply r = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, false, args));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '" + q
                + "' in vhost '/': {value_negative,-1}", 50, 10), r);
    }

    @Test
    void redeclaringWithABadArgumentIsAnInequivalence() throws Exception {
        String q = declareQueue("args");
        Channel ch = connection.createChannel();
        Reply r = closeCausedBy(ch, () -> ch.queueDeclare(q, false, false, false, Map.of("x-message-ttl", -1)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue '" + q
                + "' in vhost '/': received the value '-1' of type 'signedint' but current is none", 50, 10), r);
    }

    /**
     * RabbitMQ creates streams (durable ones); Leveret has none and says so, instead of quietly declaring a
     * classic queue. A non-durable quorum queue is refused by both as RabbitMQ refuses it (QuorumQueueTest has the
     * rest); against RabbitMQ, the non-durable stream declare it refuses is checked.
     */
    @Test
    void nonDurableQuorumQueuesAndStreamsAreRefusedClearly() throws Exception {
        boolean leveret = "Leveret".equals(String.valueOf(connection.getServerProperties().get("product")));
        for (String type : List.of("quorum", "stream")) {
            String q = unique("args");
            Channel ch = connection.createChannel();
            Reply r = closeCausedBy(ch, () -> ch.queueDeclare(q, false, false, false, Map.of("x-queue-type", type)));
            String expected = leveret && type.equals("stream")
                    ? "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': \"queue type '"
                    + type + "' is not supported by Leveret (only 'classic' and 'quorum')\""
                    : "PRECONDITION_FAILED - invalid property 'non-durable' for queue '" + q + "' in vhost '/'";
            assertEquals(Reply.channel(406, expected, 50, 10), r);
        }
    }
}
