package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A queue's priorities on their own: x-max-priority ordering, consumer priorities, single active consumer
 * and x-delivery-limit with its header. The test thread plays the queue's thread.
 */
class PriorityFeaturesTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();
    private final List<RecordingChannel> channels = new ArrayList<>();

    @AfterEach
    void everyMessageFreed() {
        channels.forEach(RecordingChannel::releaseAll);
        vhost.queues().forEach(vhost::deleteQueue);
        messages.assertAllReleased();
    }

    private Queue queue(Map<String, Object> args) {
        return vhost.declareQueue("q" + channels.size() + args.hashCode(), false, false, FieldTable.of(args), null);
    }

    private RecordingChannel channel() {
        RecordingChannel ch = new RecordingChannel();
        channels.add(ch);
        return ch;
    }

    private static QueueConsumer consume(Queue q, RecordingChannel ch, String tag, int prefetch, Map<String, Object> args) {
        QueueConsumer c = new QueueConsumer(ch, tag, false, false, prefetch, FieldTable.of(args));
        assertEquals(Queue.AddResult.OK, q.addConsumer(c));
        q.consumerReady();
        return c;
    }

    private void publish(Queue q, String body, Integer priority) {
        BasicProperties p = new BasicProperties(null, null, null, null, priority, null, null, null, null, null,
                null, null, null, null);
        q.enqueue(messages.message("x", q.name(), p, body));
    }

    private static void settle(Queue q, List<Delivery> ds, boolean requeue) {
        long[] s = ds.stream().mapToLong(Delivery::seq).toArray();
        if (requeue) {
            q.settle(new long[0], 0, s, s.length);
        } else {
            q.settle(s, s.length, new long[0], 0);
        }
    }

    @Test
    void aPriorityQueueHandsOutHighestFirstAndRequeuesInPlace() {
        Queue q = queue(Map.of("x-max-priority", 3));
        publish(q, "a", null);
        publish(q, "b", 9);
        publish(q, "c", 3);
        publish(q, "d", 1);
        Delivery first = Gets.now(q, false);
        assertEquals("b", TestMessages.body(first.message()));
        publish(q, "e", 3);
        settle(q, List.of(first), true);
        first.message().release();
        RecordingChannel ch = channel();
        consume(q, ch, "c1", 0, Map.of());
        assertEquals(List.of("b", "c", "e", "d", "a"), ch.bodies);
        assertEquals(9, ch.deliveries.get(0).message().properties().priority(), "the property is left as published");
    }

    @Test
    void dropHeadDropsTheNextToGoOutWhichIsTheHighestPriority() {
        Queue q = queue(Map.of("x-max-priority", 5, "x-max-length", 3));
        publish(q, "a", 1);
        publish(q, "b", 5);
        publish(q, "c", 0);
        publish(q, "d", 3);
        RecordingChannel ch = channel();
        consume(q, ch, "c1", 0, Map.of());
        assertEquals(List.of("d", "a", "c"), ch.bodies);
    }

    @Test
    void aRequeueOverTheLimitDropsTheNextToGoOutWithDropHeadOnly() {
        for (String overflow : List.of("drop-head", "reject-publish")) {
            Queue q = queue(Map.of("x-max-priority", 5, "x-max-length", 2, "x-overflow", overflow));
            publish(q, "high", 5);
            publish(q, "low", 0);
            RecordingChannel ch = channel();
            QueueConsumer c = consume(q, ch, "c-" + overflow, 2, Map.of());
            publish(q, "mid", 3);
            publish(q, "none", null);
            assertEquals(List.of("high", "low"), ch.bodies);
            q.removeConsumer(c);
            settle(q, ch.deliveries, true);
            if (overflow.equals("drop-head")) {
                // Back in place, four are over the limit of two: the next two to go out (high, mid) go.
                assertEquals(2, q.messageCount());
                assertEquals(List.of("low", "none"), bodiesOf(q));
            } else {
                assertEquals(4, q.messageCount(), "reject-publish never refuses or drops a requeue");
                assertEquals(List.of("high", "mid", "low", "none"), bodiesOf(q));
            }
        }
    }

    /** Takes every ready message with basic.get, no-ack, and returns the bodies in order. */
    private static List<String> bodiesOf(Queue q) {
        List<String> out = new ArrayList<>();
        for (Delivery d = Gets.now(q, true); d != null; d = Gets.now(q, true)) {
            out.add(TestMessages.body(d.message()));
            d.message().release();
        }
        return out;
    }

    @Test
    void higherPriorityConsumersFirstLowerOnlyWhenTheyAreFull() {
        Queue q = queue(Map.of());
        RecordingChannel low = channel();
        RecordingChannel high1 = channel();
        RecordingChannel high2 = channel();
        consume(q, low, "low", 2, Map.of("x-priority", -1));
        consume(q, high1, "h1", 2, Map.of("x-priority", 5));
        consume(q, high2, "h2", 2, Map.of("x-priority", 5L));
        for (int i = 0; i < 7; i++) {
            publish(q, "m" + i, null);
        }
        assertEquals(List.of("m0", "m2"), high1.bodies, "round-robin among equals");
        assertEquals(List.of("m1", "m3"), high2.bodies);
        assertEquals(List.of("m4", "m5"), low.bodies);
        assertEquals(1, q.messageCount());
        settle(q, List.of(high2.deliveries.get(0)), false);
        assertEquals(List.of("m1", "m3", "m6"), high2.bodies);
    }

    @Test
    void singleActiveConsumerIsTheFirstRegisteredAndTheNextTakesOver() {
        Queue q = queue(Map.of("x-single-active-consumer", true));
        RecordingChannel first = channel();
        RecordingChannel second = channel();
        RecordingChannel third = channel();
        QueueConsumer c1 = consume(q, first, "c1", 0, Map.of());
        consume(q, second, "c2", 0, Map.of("x-priority", 10));
        consume(q, third, "c3", 0, Map.of());
        publish(q, "a", null);
        publish(q, "b", null);
        assertEquals(List.of("a", "b"), first.bodies, "priorities are not looked at (RabbitMQ 3.10 classic)");
        assertTrue(second.bodies.isEmpty());
        // the active consumer's channel closes: its unacked come back, the next registered one gets them
        q.removeConsumer(c1);
        settle(q, first.deliveries, true);
        assertEquals(List.of("a", "b"), second.bodies);
        assertTrue(third.bodies.isEmpty());
        QueueConsumer exclusive = new QueueConsumer(channel(), "x", false, true, 0, FieldTable.EMPTY);
        assertEquals(Queue.AddResult.EXCLUSIVE_IN_USE, q.addConsumer(exclusive));
    }

    @Test
    void deliveryLimitCountsReturnsStampsEachDeliveryAndDropsPastTheLimit() {
        Queue q = queue(Map.of("x-delivery-limit", 2));
        publish(q, "a", null);
        List<Long> counts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Delivery d = Gets.now(q, false);
            FieldValue count = d.message().properties().headers().field("x-delivery-count");
            assertEquals('l', count.type());
            counts.add(count.longValue());
            assertEquals(i > 0, d.redelivered());
            settle(q, List.of(d), true);
            d.message().release();
        }
        assertEquals(List.of(0L, 1L, 2L), counts);
        assertEquals(0, q.messageCount(), "the third return is one too many for a limit of 2");
    }

    @Test
    void aQueueWithoutDeliveryLimitAddsNoHeader() {
        Queue q = queue(Map.of());
        publish(q, "a", null);
        Delivery d = Gets.now(q, true);
        assertEquals(null, d.message().properties().headers());
        d.message().release();
    }
}
