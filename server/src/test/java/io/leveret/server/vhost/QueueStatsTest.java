package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.leveret.codec.FieldTable;
import io.leveret.server.stats.Counters;
import io.leveret.server.stats.GlobalCounts;
import io.leveret.server.stats.Metric;
import io.leveret.server.stats.Statistics;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A queue's message_stats counters move with what really happens to its messages. */
class QueueStatsTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();
    private final RecordingChannel channel = new RecordingChannel();
    private final Queue queue = vhost.declareQueue("q", false, false, FieldTable.EMPTY, null);

    @AfterEach
    void everyMessageFreed() {
        channel.releaseAll();
        vhost.queues().forEach(vhost::deleteQueue);
        messages.assertAllReleased();
    }

    private void enqueue(int n) {
        for (int i = 0; i < n; i++) {
            queue.enqueue(messages.message(queue.name(), "m" + i));
        }
    }

    private long count(Metric m) {
        return queue.stats().get(m);
    }

    @Test
    void publishDeliverRedeliverAndAck() {
        enqueue(3);
        assertEquals(3, count(Metric.PUBLISH));
        QueueConsumer c = new QueueConsumer(channel, "c1", false, false, 0, FieldTable.EMPTY);
        queue.addConsumer(c);
        queue.consumerReady();
        assertEquals(3, count(Metric.DELIVER));
        assertEquals(3, queue.unackedCount());
        List<Delivery> first = List.copyOf(channel.deliveries);
        queue.settle(new long[] {first.get(0).seq()}, 1, new long[] {first.get(1).seq()}, 1);
        assertEquals(1, count(Metric.ACK));
        assertEquals(4, count(Metric.DELIVER), "the requeued message went out again");
        assertEquals(1, count(Metric.REDELIVER));
        assertEquals(0, count(Metric.DELIVER_NO_ACK));
        assertEquals(2, queue.unackedCount());
        for (Delivery d : channel.deliveries) {
            if (d != first.get(0) && d != first.get(1)) {
                queue.settle(new long[] {d.seq()}, 1, null, 0);
            }
        }
        assertEquals(3, count(Metric.ACK));
        assertEquals(0, queue.unackedCount());
    }

    @Test
    void getsAndEmptyGets() {
        enqueue(2);
        Delivery a = Gets.now(queue, true);
        Delivery b = Gets.now(queue, false);
        assertNull(Gets.now(queue, true));
        assertEquals(1, count(Metric.GET_NO_ACK));
        assertEquals(1, count(Metric.GET));
        assertEquals(1, count(Metric.GET_EMPTY));
        assertEquals(0, count(Metric.DELIVER), "a get is not a delivery to a consumer");
        queue.settle(new long[] {b.seq()}, 1, null, 0);
        assertEquals(1, count(Metric.ACK));
        a.message().release();
        b.message().release();
    }

    @Test
    void deadLetteringIsCountedByReasonTypeAndStrategyAndOutlivesTheQueue() {
        vhost.declareQueue("dead", false, false, FieldTable.EMPTY, null);
        Queue full = vhost.declareQueue("full", false, false, FieldTable.of(Map.of("x-max-length", 1)), null);
        Queue rejecting = vhost.declareQueue("rejecting", true, false, FieldTable.of(Map.of("x-queue-type", "quorum",
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", "dead")), null);
        for (int i = 0; i < 3; i++) {
            full.enqueue(messages.message("full", "f" + i));
            rejecting.enqueue(messages.message("rejecting", "r" + i));
        }
        Delivery a = Gets.now(rejecting, false);
        Delivery b = Gets.now(rejecting, false);
        rejecting.reject(new long[] {a.seq(), b.seq()}, 2);
        a.message().release();
        b.message().release();
        vhost.deleteQueue(full);
        vhost.deleteQueue(rejecting);

        try (Statistics stats = Statistics.start(60_000, false, () -> List.of(vhost))) {
            long[] t = stats.liveTotals();
            assertEquals(2, t[GlobalCounts.deadLettered(GlobalCounts.Reason.MAXLEN, false, false)],
                    "drop-head without a dead-letter exchange: dropped, counted as strategy disabled");
            assertEquals(2, t[GlobalCounts.deadLettered(GlobalCounts.Reason.REJECTED, true, true)]);
            assertEquals(0, t[GlobalCounts.deadLettered(GlobalCounts.Reason.REJECTED, false, true)]);
            assertEquals(0, t[GlobalCounts.deadLettered(GlobalCounts.Reason.MAXLEN, false, true)]);
        }
        assertEquals(2, vhost.queue("dead").messageCount());
    }

    @Test
    void countersAreReadableFromAnotherThread() throws Exception {
        Counters c = new Counters();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                c.add(Metric.PUBLISH);
            }
        });
        writer.start();
        long last = 0;
        while (writer.isAlive()) {
            long now = c.get(Metric.PUBLISH);
            org.junit.jupiter.api.Assertions.assertTrue(now >= last, "a reader never sees a counter go back");
            last = now;
        }
        writer.join();
        assertEquals(1_000_000, c.get(Metric.PUBLISH));
    }
}
