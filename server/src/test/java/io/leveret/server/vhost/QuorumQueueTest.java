package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A quorum queue's arguments and intake on their own: what it refuses and takes at declare, how it reads its
 * arguments and policies, and reject-publish with its low watermark. The test thread plays the queue's thread.
 */
class QuorumQueueTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();

    @AfterEach
    void everyMessageFreed() {
        vhost.queues().forEach(q -> {
            q.purge();
            vhost.deleteQueue(q);
        });
        messages.assertAllReleased();
    }

    private static FieldTable quorum(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x-queue-type", "quorum");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return FieldTable.of(m);
    }

    private static String invalid(FieldTable args) {
        return QueueArguments.validate(args, "q", "/");
    }

    @Test
    void aQuorumQueueRefusesOtherTypesArgumentsAndChecksItsOwn() {
        String of = " of queue type rabbit_quorum_queue";
        assertEquals("invalid arg 'x-max-priority' for queue 'q' in vhost '/'" + of, invalid(quorum("x-max-priority", 1)));
        assertEquals("invalid arg 'x-queue-mode' for queue 'q' in vhost '/'" + of, invalid(quorum("x-queue-mode", "lazy")));
        assertEquals("invalid arg 'x-quorum-initial-group-size' for queue 'q' in vhost '/': {value_zero,0}",
                invalid(quorum("x-quorum-initial-group-size", 0)));
        assertNull(invalid(quorum("x-quorum-initial-group-size", 3, "x-delivery-limit", "anything",
                "x-overflow", "reject-publish-dlx", "x-message-ttl", 5, "x-expires", 5)));
        assertNull(invalid(FieldTable.of(Map.of("x-queue-type", "classic"))));
    }

    @Test
    void aClassicQueueKeepsItsChecks() {
        assertNull(invalid(FieldTable.of(Map.of("x-max-age", "1D", "x-quorum-initial-group-size", 0))));
        assertEquals("invalid arg 'x-delivery-limit' for queue 'q' in vhost '/': \"expected integer, got longstr\"",
                invalid(FieldTable.of(Map.of("x-delivery-limit", "x"))));
        assertEquals("invalid arg 'x-queue-type' for queue 'q' in vhost '/': \"queue type 'stream' is not supported"
                + " by Leveret (only 'classic' and 'quorum')\"", invalid(FieldTable.of(Map.of("x-queue-type", "stream"))));
    }

    @Test
    void aQuorumQueueReadsItsArgumentsAsRabbitMqDoes() {
        QueueArguments a = QueueArguments.parse(quorum("x-overflow", "reject-publish-dlx", "x-delivery-limit", -3));
        assertEquals(QueueType.QUORUM, a.type());
        assertEquals(QueueArguments.Overflow.DROP_HEAD, a.overflow());
        assertEquals(0, a.deliveryLimit());
        assertTrue(a.countsDeliveries());
        assertFalse(QueueArguments.parse(FieldTable.EMPTY).countsDeliveries());
        assertEquals(QueueArguments.Overflow.REJECT_PUBLISH_DLX,
                QueueArguments.parse(FieldTable.of(Map.of("x-overflow", "reject-publish-dlx"))).overflow());
    }

    @Test
    void aPolicysOverflowWinsOnlyOnAQuorumQueue() {
        FieldTable policy = FieldTable.of(Map.of("overflow", "drop-head"));
        assertEquals(QueueArguments.Overflow.DROP_HEAD,
                QueueArguments.effective(quorum("x-overflow", "reject-publish"), policy).overflow());
        assertEquals(QueueArguments.Overflow.REJECT_PUBLISH, QueueArguments.effective(
                FieldTable.of(Map.of("x-overflow", "reject-publish")), policy).overflow());
    }

    @Test
    void rejectPublishTakesOnePastTheLimitAndTakesAgainAtFourFifths() {
        Queue q = vhost.declareQueue("qq", true, false, quorum("x-max-length", 10, "x-overflow", "reject-publish"),
                null);
        assertEquals(QueueType.QUORUM, q.type());
        assertTrue(q.mayRefuse());
        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(q.enqueue(messages.message("qq", "m" + i), null, units -> { }));
        }
        assertEquals(List.of(true, true, true, true, true, true, true, true, true, true, true, false), answers);
        assertEquals(11, q.messageCount());
        take(q, 2);
        assertFalse(q.enqueue(messages.message("qq", "a"), null, units -> { }), "9 of 10: still refusing");
        take(q, 1);
        assertTrue(q.enqueue(messages.message("qq", "b"), null, units -> { }), "8 of 10: taking again");
        assertTrue(q.enqueue(messages.message("qq", "c"), null, units -> { }), "up to the limit");
        assertTrue(q.enqueue(messages.message("qq", "d"), null, units -> { }), "and one past it");
        assertFalse(q.enqueue(messages.message("qq", "e"), null, units -> { }));
        assertEquals(11, q.messageCount());
    }

    private static void take(Queue q, int n) {
        for (int i = 0; i < n; i++) {
            q.get(true, d -> d.message().release());
        }
    }
}
