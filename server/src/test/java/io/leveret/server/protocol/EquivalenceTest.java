package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redeclare checks and their texts, as RabbitMQ's rabbit_misc:assert_args_equivalence prints them. */
class EquivalenceTest {
    private static final QueueMethod.Declare DECLARE =
            new QueueMethod.Declare(0, "q", false, false, false, false, false, FieldTable.EMPTY);
    private static final String Q = "queue 'q' in vhost '/'";

    private static ChannelException fieldFails(String field, Object current, Object received) {
        return assertThrows(ChannelException.class, () -> Equivalence.field(DECLARE, Q, field, current, received));
    }

    private static ChannelException argsFail(FieldTable current, FieldTable received) {
        return assertThrows(ChannelException.class,
                () -> Equivalence.arguments(DECLARE, Q, current, received, Equivalence.QUEUE_ARGS));
    }

    @Test
    void aDifferentFlag() {
        ChannelException e = fieldFails("durable", false, true);
        assertEquals(ReplyCode.PRECONDITION_FAILED, e.replyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': "
                + "received 'true' but current is 'false'", e.replyText());
        assertEquals(QueueMethod.CLASS_ID, e.classId());
        assertEquals(QueueMethod.Declare.METHOD_ID, e.methodId());
        assertDoesNotThrow(() -> Equivalence.field(DECLARE, Q, "durable", true, true));
    }

    @Test
    void aDifferentType() {
        ChannelException e = fieldFails("type", "direct", "topic");
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'type' for queue 'q' in vhost '/': "
                + "received 'topic' but current is 'direct'", e.replyText());
    }

    @Test
    void bothArgumentsPresentWithDifferentValues() {
        ChannelException e = argsFail(FieldTable.of(Map.of("x-message-ttl", 10)),
                FieldTable.of(Map.of("x-message-ttl", 20)));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': "
                + "received '20' but current is '10'", e.replyText());
    }

    @Test
    void anArgumentOnOneSideOnly() {
        ChannelException missing = argsFail(FieldTable.of(Map.of("x-message-ttl", 10)), FieldTable.EMPTY);
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/': "
                + "received none but current is the value '10' of type 'signedint'", missing.replyText());
        ChannelException added = argsFail(FieldTable.EMPTY, FieldTable.of(Map.of("x-max-length", 5L)));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue 'q' in vhost '/': "
                + "received the value '5' of type 'long' but current is none", added.replyText());
        ChannelException text = argsFail(FieldTable.EMPTY, FieldTable.of(Map.of("x-queue-type", "quorum")));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue 'q' in vhost '/': "
                + "received the value 'quorum' of type 'longstr' but current is none", text.replyText());
    }

    @Test
    void integersOfDifferentWidthsWithTheSameValueAreEquivalent() {
        assertDoesNotThrow(() -> Equivalence.arguments(DECLARE, Q, FieldTable.of(Map.of("x-message-ttl", 10)),
                FieldTable.builder().put("x-message-ttl", new FieldValue('l', 10L)).build(), Equivalence.QUEUE_ARGS));
        assertDoesNotThrow(() -> Equivalence.arguments(DECLARE, Q, FieldTable.of(Map.of("x-expires", (short) 7)),
                FieldTable.of(Map.of("x-expires", 7)), Equivalence.QUEUE_ARGS));
    }

    @Test
    void argumentsRabbitMqDoesNotCompareAreIgnored() {
        assertDoesNotThrow(() -> Equivalence.arguments(DECLARE, Q, FieldTable.of(Map.of("x-custom", 1)),
                FieldTable.of(Map.of("x-custom", 2, "other", "x")), Equivalence.QUEUE_ARGS));
    }

    @Test
    void aStringIsNotEquivalentToANumber() {
        ChannelException e = argsFail(FieldTable.of(Map.of("x-max-length", 10)),
                FieldTable.of(Map.of("x-max-length", "10")));
        assertEquals(ReplyCode.PRECONDITION_FAILED, e.replyCode());
    }
}
