package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
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

    static List<Arguments> valid() {
        return List.of(
                Arguments.of("x-message-ttl", 0), Arguments.of("x-message-ttl", (byte) 5),
                Arguments.of("x-message-ttl", (short) 5), Arguments.of("x-message-ttl", 315360000000L),
                Arguments.of("x-expires", 315360000000L), Arguments.of("x-max-length", 0),
                Arguments.of("x-max-length-bytes", Long.MAX_VALUE), Arguments.of("x-max-priority", 0),
                Arguments.of("x-max-priority", 255), Arguments.of("x-overflow", "drop-head"),
                Arguments.of("x-overflow", "reject-publish"), Arguments.of("x-overflow", "reject-publish-dlx"),
                Arguments.of("x-single-active-consumer", true), Arguments.of("x-queue-type", "classic"),
                Arguments.of("x-queue-mode", "lazy"), Arguments.of("x-dead-letter-exchange", "no-such-exchange"),
                Arguments.of("x-unknown-argument", 1));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("valid")
    void validArgumentIsAccepted(String key, Object value) throws Exception {
        String q = unique("args");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, false, Map.of(key, value));
        channel.queueDeclarePassive(q);
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
     * RabbitMQ creates quorum queues and streams (durable ones); Leveret has neither and says so, instead of
     * quietly declaring a classic queue. Against RabbitMQ, the non-durable declare it refuses is checked.
     */
    @Test
    void quorumAndStreamQueuesAreRefusedClearly() throws Exception {
        boolean leveret = "Leveret".equals(String.valueOf(connection.getServerProperties().get("product")));
        for (String type : List.of("quorum", "stream")) {
            String q = unique("args");
            Channel ch = connection.createChannel();
            Reply r = closeCausedBy(ch, () -> ch.queueDeclare(q, false, false, false, Map.of("x-queue-type", type)));
            String expected = leveret
                    ? "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue '" + q + "' in vhost '/': \"queue type '"
                    + type + "' is not supported by Leveret (only 'classic')\""
                    : "PRECONDITION_FAILED - invalid property 'non-durable' for queue '" + q + "' in vhost '/'";
            assertEquals(Reply.channel(406, expected, 50, 10), r);
        }
    }
}
