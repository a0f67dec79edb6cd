package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A queue on its own: FIFO, round-robin, credit (per consumer and channel-wide), requeue in place, purge,
 * exclusive consumers, auto-delete and delete. The test thread plays the queue's thread (an immediate executor).
 */
class QueueTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();
    private final List<RecordingChannel> channels = new ArrayList<>();
    private final Queue queue = vhost.declareQueue("q", false, false, FieldTable.EMPTY, null);

    @AfterEach
    void everyMessageFreed() {
        channels.forEach(RecordingChannel::releaseAll);
        vhost.queues().forEach(vhost::deleteQueue);
        messages.assertAllReleased();
    }

    private RecordingChannel channel() {
        RecordingChannel ch = new RecordingChannel();
        channels.add(ch);
        return ch;
    }

    private QueueConsumer consumer(RecordingChannel ch, String tag, boolean noAck, int prefetch) {
        QueueConsumer c = new QueueConsumer(ch, tag, noAck, false, prefetch, FieldTable.EMPTY);
        assertEquals(Queue.AddResult.OK, queue.addConsumer(c));
        queue.consumerReady();
        return c;
    }

    private void enqueue(String... bodies) {
        for (String b : bodies) {
            put(queue, messages.message(queue.name(), b));
        }
    }

    /** Hands {@code m} (its one reference) to {@code q}, as a publish of a transient message does. */
    private static void put(Queue q, Message m) {
        q.enqueue(m);
    }

    private static long[] seqs(List<Delivery> ds) {
        return ds.stream().mapToLong(Delivery::seq).toArray();
    }

    private void ack(Delivery... ds) {
        long[] s = seqs(List.of(ds));
        queue.settle(s, s.length, new long[0], 0);
    }

    private void requeue(Delivery... ds) {
        long[] s = seqs(List.of(ds));
        queue.settle(new long[0], 0, s, s.length);
    }

    @Test
    void deliversInPublishOrderInOneBatch() {
        enqueue("a", "b", "c");
        assertEquals(3, queue.messageCount());
        RecordingChannel ch = channel();
        consumer(ch, "c1", false, 0);

        assertEquals(List.of("a", "b", "c"), ch.bodies);
        assertEquals(1, ch.batches.size(), "what is ready goes out in one batch per channel");
        for (Delivery d : ch.deliveries) {
            assertEquals("c1", d.consumerTag());
            assertSame(queue, d.queue());
            assertFalse(d.redelivered());
            assertFalse(d.noAck());
            assertEquals(2, d.message().refCnt(), "one reference for the queue (unacked), one for the delivery");
        }
        assertEquals(0, queue.messageCount());
        ack(ch.deliveries.toArray(new Delivery[0]));
        ch.releaseAll();
        messages.assertAllReleased();
    }

    @Test
    void aMessageArrivingForAWaitingConsumerGoesOutAtOnce() {
        RecordingChannel ch = channel();
        consumer(ch, "c1", true, 0);
        enqueue("a");
        enqueue("b");
        assertEquals(List.of("a", "b"), ch.bodies);
        assertEquals(2, ch.batches.size());
        assertTrue(ch.deliveries.get(0).noAck());
        assertEquals(1, ch.deliveries.get(0).message().refCnt(), "a no-ack delivery carries the queue's reference");
    }

    @Test
    void roundRobinAcrossConsumers() {
        RecordingChannel ch1 = channel();
        RecordingChannel ch2 = channel();
        consumer(ch1, "c1", true, 0);
        consumer(ch2, "c2", true, 0);
        enqueue("m0", "m1", "m2", "m3", "m4");
        assertEquals(List.of("m0", "m2", "m4"), ch1.bodies);
        assertEquals(List.of("m1", "m3"), ch2.bodies);
    }

    @Test
    void roundRobinWithinOneDispatch() {
        enqueue("m0", "m1", "m2", "m3");
        RecordingChannel ch = channel();
        QueueConsumer c1 = new QueueConsumer(ch, "c1", true, false, 0, FieldTable.EMPTY);
        QueueConsumer c2 = new QueueConsumer(ch, "c2", true, false, 0, FieldTable.EMPTY);
        queue.addConsumer(c1);
        queue.addConsumer(c2);
        queue.dispatch();
        assertEquals(List.of("c1", "c2", "c1", "c2"), ch.deliveries.stream().map(Delivery::consumerTag).toList());
        assertEquals(1, ch.batches.size());
    }

    @Test
    void perConsumerPrefetchLimitsUnackedDeliveries() {
        RecordingChannel ch = channel();
        consumer(ch, "c1", false, 2);
        enqueue("m0", "m1", "m2", "m3", "m4");
        assertEquals(List.of("m0", "m1"), ch.bodies);
        assertEquals(3, queue.messageCount());

        ack(ch.deliveries.get(0));
        assertEquals(List.of("m0", "m1", "m2"), ch.bodies, "one ack, one more delivery");
        ack(ch.deliveries.get(1), ch.deliveries.get(2));
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), ch.bodies);
        assertEquals(0, queue.messageCount());
    }

    @Test
    void prefetchDoesNotLimitANoAckConsumer() {
        RecordingChannel ch = channel();
        consumer(ch, "c1", true, 1);
        enqueue("m0", "m1", "m2");
        assertEquals(List.of("m0", "m1", "m2"), ch.bodies);
    }

    @Test
    void aConsumerWithoutCreditIsSkippedForOneWithCredit() {
        RecordingChannel full = channel();
        RecordingChannel free = channel();
        consumer(full, "full", false, 1);
        consumer(free, "free", false, 0);
        enqueue("m0", "m1", "m2", "m3");
        assertEquals(List.of("m0"), full.bodies);
        assertEquals(List.of("m1", "m2", "m3"), free.bodies);
    }

    @Test
    void channelWideCreditIsSharedByTheChannelsConsumers() {
        RecordingChannel ch = channel();
        ch.channelLimit = 2;
        QueueConsumer c1 = new QueueConsumer(ch, "c1", false, false, 0, FieldTable.EMPTY);
        QueueConsumer c2 = new QueueConsumer(ch, "c2", false, false, 0, FieldTable.EMPTY);
        queue.addConsumer(c1);
        queue.addConsumer(c2);
        enqueue("m0", "m1", "m2", "m3", "m4");
        assertEquals(List.of("m0", "m1"), ch.bodies);
        assertTrue(ch.deliveries.stream().allMatch(Delivery::channelCredit), "each took a unit of channel credit");
        assertEquals(2, ch.channelUsed);

        queue.dispatch();
        assertEquals(2, ch.deliveries.size(), "no credit, no delivery");

        // The channel gives the unit back when the client acks (AmqpChannel.settle), then the queue dispatches.
        ch.channelUsed--;
        ack(ch.deliveries.get(0));
        assertEquals(List.of("m0", "m1", "m2"), ch.bodies);
        assertEquals(2, queue.messageCount());
    }

    @Test
    void anUnlimitedChannelTakesNoChannelCredit() {
        RecordingChannel ch = channel();
        consumer(ch, "c1", false, 0);
        enqueue("m0", "m1");
        assertEquals(2, ch.deliveries.size());
        assertFalse(ch.deliveries.get(0).channelCredit());
        assertFalse(ch.deliveries.get(1).channelCredit());
    }

    @Test
    void aNoAckConsumerTakesNoChannelCredit() {
        RecordingChannel ch = channel();
        ch.channelLimit = 1;
        consumer(ch, "c1", true, 0);
        enqueue("m0", "m1", "m2");
        assertEquals(3, ch.deliveries.size());
        assertEquals(0, ch.channelUsed);
        assertFalse(ch.deliveries.get(2).channelCredit());
    }

    @Test
    void aNoAckConsumerWaitsWhileItsChannelIsAtItsLimit() {
        RecordingChannel ch = channel();
        ch.channelLimit = 1;
        ch.channelUsed = 1;
        consumer(ch, "c1", true, 0);
        enqueue("m0", "m1");
        assertEquals(List.of(), ch.bodies, "RabbitMQ's limiter holds no-ack deliveries back at the limit");

        ch.channelUsed = 0;
        queue.dispatch();
        assertEquals(List.of("m0", "m1"), ch.bodies);
        assertEquals(0, ch.channelUsed, "and they take nothing from it");
    }

    @Test
    void requeuedMessagesGoBackToTheirOriginalPlaceMarkedRedelivered() {
        enqueue("m0", "m1", "m2", "m3");
        Delivery d0 = Gets.now(queue, false);
        Delivery d1 = Gets.now(queue, false);
        Delivery d2 = Gets.now(queue, false);
        assertEquals(List.of("m0", "m1", "m2"), List.of(TestMessages.body(d0.message()),
                TestMessages.body(d1.message()), TestMessages.body(d2.message())));
        List.of(d0, d1, d2).forEach(d -> d.message().release());
        assertEquals(1, queue.messageCount());

        // Requeued out of order: they come back in their original order, ahead of m3.
        queue.requeue(d2.seq());
        queue.requeue(d0.seq());
        assertEquals(3, queue.messageCount());

        List<String> got = new ArrayList<>();
        List<Boolean> redelivered = new ArrayList<>();
        for (Delivery d; (d = Gets.now(queue, true)) != null; ) {
            got.add(TestMessages.body(d.message()));
            redelivered.add(d.redelivered());
            d.message().release();
        }
        assertEquals(List.of("m0", "m2", "m3"), got);
        assertEquals(List.of(true, true, false), redelivered);
        queue.ack(d1.seq());
    }

    @Test
    void aRequeuedMessageGoesToTheNextConsumerWithCredit() {
        RecordingChannel ch = channel();
        consumer(ch, "c1", false, 2);
        enqueue("m0", "m1", "m2");
        assertEquals(List.of("m0", "m1"), ch.bodies);
        requeue(ch.deliveries.get(1));
        assertEquals(List.of("m0", "m1", "m1"), ch.bodies, "m1 goes ahead of the never-delivered m2");
        assertTrue(ch.deliveries.get(2).redelivered());
        ack(ch.deliveries.get(0));
        assertEquals(List.of("m0", "m1", "m1", "m2"), ch.bodies);
        assertFalse(ch.deliveries.get(3).redelivered());
        ack(ch.deliveries.get(2), ch.deliveries.get(3));
    }

    @Test
    void settlingAnUnknownSequenceNumberIsHarmless() {
        enqueue("m0");
        queue.ack(99);
        queue.requeue(99);
        assertEquals(1, queue.messageCount());
    }

    @Test
    void purgeDropsReadyMessagesButNotUnackedOnes() {
        enqueue("m0", "m1", "m2");
        Delivery d0 = Gets.now(queue, false);
        d0.message().release();
        assertEquals(2, queue.purge());
        assertEquals(0, queue.messageCount());
        assertEquals(1, d0.message().refCnt(), "the unacked message is still held");
        queue.requeue(d0.seq());
        assertEquals(1, queue.messageCount());
        Delivery again = Gets.now(queue, true);
        assertEquals("m0", TestMessages.body(again.message()));
        assertTrue(again.redelivered());
        again.message().release();
        assertEquals(0, queue.purge());
    }

    @Test
    void getOnAnEmptyQueueIsNull() {
        assertNull(Gets.now(queue, false));
        assertNull(Gets.now(queue, true));
    }

    @Test
    void exclusiveConsumerRules() {
        RecordingChannel ch = channel();
        QueueConsumer shared = new QueueConsumer(ch, "shared", false, false, 0, FieldTable.EMPTY);
        QueueConsumer exclusive = new QueueConsumer(ch, "exclusive", false, true, 0, FieldTable.EMPTY);
        QueueConsumer another = new QueueConsumer(ch, "another", false, false, 0, FieldTable.EMPTY);

        assertEquals(Queue.AddResult.OK, queue.addConsumer(shared));
        assertEquals(Queue.AddResult.HAS_CONSUMERS, queue.addConsumer(exclusive));
        queue.removeConsumer(shared);
        assertEquals(Queue.AddResult.OK, queue.addConsumer(exclusive));
        assertEquals(Queue.AddResult.EXCLUSIVE_IN_USE, queue.addConsumer(another));
        assertEquals(Queue.AddResult.EXCLUSIVE_IN_USE,
                queue.addConsumer(new QueueConsumer(ch, "x2", false, true, 0, FieldTable.EMPTY)));
        assertEquals(1, queue.consumerCount());
        queue.removeConsumer(exclusive);
        assertEquals(Queue.AddResult.OK, queue.addConsumer(another));
        vhost.deleteQueue(queue);
        assertEquals(Queue.AddResult.QUEUE_DELETED, queue.addConsumer(shared));
    }

    @Test
    void anAutoDeleteQueueGoesWithItsLastConsumer() {
        Queue ad = vhost.declareQueue("ad", false, true, FieldTable.EMPTY, null);
        RecordingChannel ch = channel();
        QueueConsumer c1 = new QueueConsumer(ch, "c1", false, false, 0, FieldTable.EMPTY);
        QueueConsumer c2 = new QueueConsumer(ch, "c2", false, false, 0, FieldTable.EMPTY);
        ad.addConsumer(c1);
        ad.addConsumer(c2);
        ad.removeConsumer(c1);
        assertSame(ad, vhost.queue("ad"));
        ad.removeConsumer(c2);
        assertNull(vhost.queue("ad"));
        assertTrue(ad.isDeleted());
        assertTrue(ch.cancelled.isEmpty(), "the consumers left on their own; nobody is told they were cancelled");
    }

    @Test
    void anAutoDeleteQueueThatNeverHadAConsumerStays() {
        Queue ad = vhost.declareQueue("ad", false, true, FieldTable.EMPTY, null);
        put(ad, messages.message("ad", "m0"));
        ad.removeConsumer(new QueueConsumer(channel(), "stranger", false, false, 0, FieldTable.EMPTY));
        assertSame(ad, vhost.queue("ad"));
        assertFalse(ad.isDeleted());
    }

    @Test
    void deleteCancelsConsumersAndFreesEveryMessage() {
        RecordingChannel ch1 = channel();
        RecordingChannel ch2 = channel();
        consumer(ch1, "c1", false, 1);
        consumer(ch2, "c2", false, 1);
        enqueue("m0", "m1", "m2", "m3");
        assertEquals(1, ch1.deliveries.size());
        assertEquals(1, ch2.deliveries.size());
        ch1.releaseAll();
        ch2.releaseAll();

        vhost.deleteQueue(queue);

        assertTrue(queue.isDeleted());
        assertNull(vhost.queue("q"));
        assertEquals(List.of("c1"), ch1.cancelled);
        assertEquals(List.of("c2"), ch2.cancelled);
        assertEquals(0, queue.consumerCount());
        messages.assertAllReleased();

        // Whatever arrives or comes back afterwards is freed at once.
        put(queue, messages.message("q", "late"));
        queue.requeue(ch1.deliveries.get(0).seq());
        messages.assertAllReleased();
    }

    @Test
    void aChannelThatIsNotAcceptingGetsNothingUntilTheNextDispatch() {
        RecordingChannel ch = channel();
        ch.accepting = false;
        consumer(ch, "c1", true, 0);
        enqueue("m0", "m1");
        assertTrue(ch.deliveries.isEmpty());
        assertEquals(2, queue.messageCount());

        ch.accepting = true;
        assertTrue(ch.deliveries.isEmpty(), "nothing happens until the queue is told to look again");
        queue.dispatch();
        assertEquals(List.of("m0", "m1"), ch.bodies);
    }

    @Test
    void aConsumerOnABlockedChannelDoesNotHoldUpAnother() {
        RecordingChannel blocked = channel();
        RecordingChannel open = channel();
        blocked.accepting = false;
        consumer(blocked, "b", true, 0);
        consumer(open, "o", true, 0);
        enqueue("m0", "m1");
        assertTrue(blocked.deliveries.isEmpty());
        assertEquals(List.of("m0", "m1"), open.bodies);
    }

    @Test
    void unackedMessagesOfARemovedConsumerStayUntilSettled() {
        RecordingChannel ch = channel();
        QueueConsumer c = consumer(ch, "c1", false, 0);
        enqueue("m0");
        queue.removeConsumer(c);
        assertNotNull(vhost.queue("q"));
        assertEquals(0, queue.messageCount());
        requeue(ch.deliveries.get(0));
        assertEquals(1, queue.messageCount());
        RecordingChannel next = channel();
        consumer(next, "c2", true, 0);
        assertEquals(List.of("m0"), next.bodies);
        assertTrue(next.deliveries.get(0).redelivered());
    }
}
