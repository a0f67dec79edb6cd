package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import org.junit.jupiter.api.Test;

/**
 * basic.qos as RabbitMQ reads it: global=false limits each consumer created afterwards, global=true limits the
 * channel as a whole (its no-ack consumers wait while it is full but do not count, and a limit set with
 * deliveries outstanding counts them); prefetch_size is not implemented.
 */
class QosTest extends BrokerTestSupport {

    private String queueWith(int messages) throws Exception {
        String q = serverNamedQueue();
        for (int i = 0; i < messages; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, messages);
        return q;
    }

    @Test
    void perConsumerPrefetchHoldsBackUntilAnAck() throws Exception {
        String q = queueWith(10);
        Channel ch = connection.createChannel();
        ch.basicQos(3);
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, false, consumer);
        // The queue's ready count is the signal that it has handed out no more than the consumer holds.
        consumer.awaitCount(3);
        awaitReady(channel, q, 7);
        assertEquals(3, consumer.size());

        ch.basicAck(consumer.received().get(0).getEnvelope().getDeliveryTag(), false);
        consumer.awaitCount(4);
        awaitReady(channel, q, 6);
        assertEquals(4, consumer.size());

        ch.basicAck(consumer.received().get(3).getEnvelope().getDeliveryTag(), true);
        consumer.awaitCount(7);
        awaitReady(channel, q, 3);
        assertEquals(7, consumer.size());
        assertEquals("m6", text(consumer.received().get(6).getBody()));
    }

    @Test
    void perConsumerPrefetchAppliesToEachConsumerSeparately() throws Exception {
        String q = queueWith(20);
        Channel ch = connection.createChannel();
        ch.basicQos(3, false);
        Collector first = new Collector(ch);
        Collector second = new Collector(ch);
        ch.basicConsume(q, false, first);
        ch.basicConsume(q, false, second);
        first.awaitCount(3);
        second.awaitCount(3);
        awaitReady(channel, q, 14);
        assertEquals(3, first.size());
        assertEquals(3, second.size());
    }

    @Test
    void globalPrefetchIsSharedByAllConsumersOnTheChannel() throws Exception {
        String q = queueWith(20);
        Channel ch = connection.createChannel();
        ch.basicQos(3, true);
        Collector first = new Collector(ch);
        Collector second = new Collector(ch);
        ch.basicConsume(q, false, first);
        ch.basicConsume(q, false, second);
        await("3 deliveries across both consumers", () -> first.size() + second.size() == 3);
        awaitReady(channel, q, 17);
        assertEquals(3, first.size() + second.size(), "the channel-wide limit is 3");

        Collector acked = first.size() > 0 ? first : second;
        ch.basicAck(acked.received().get(0).getEnvelope().getDeliveryTag(), false);
        await("one more delivery after the ack", () -> first.size() + second.size() == 4);
        awaitReady(channel, q, 16);
        assertEquals(4, first.size() + second.size());
    }

    @Test
    void prefetchZeroMeansUnlimited() throws Exception {
        String q = queueWith(50);
        Channel ch = connection.createChannel();
        ch.basicQos(0);
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, false, consumer);
        consumer.awaitCount(50);
    }

    @Test
    void noAckConsumersIgnorePrefetch() throws Exception {
        String q = queueWith(20);
        Channel ch = connection.createChannel();
        ch.basicQos(2);
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, true, consumer);
        consumer.awaitCount(20);
    }

    @Test
    void prefetchSizeIsNotImplemented() {
        Reply reply = closeCausedBy(connection, () -> channel.basicQos(100, 10, false));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - prefetch_size!=0 (100)", 60, 10), reply);
    }
    @Test
    void globalLimitHoldsBackNoAckConsumersWithoutCountingThem() throws Exception {
        String acked = serverNamedQueue();
        String noAck = serverNamedQueue();
        Channel ch = connection.createChannel();
        ch.basicQos(2, true);
        Collector manual = new Collector(ch);
        Collector auto = new Collector(ch);
        ch.basicConsume(acked, false, manual);
        ch.basicConsume(noAck, true, auto);
        channel.basicPublish("", acked, null, utf8("a1"));
        manual.awaitCount(1);

        // One of two in use: no-ack deliveries go out and leave the count where it is.
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", noAck, null, utf8("n" + i));
        }
        auto.awaitCount(5);
        channel.basicPublish("", acked, null, utf8("a2"));
        manual.awaitCount(2);

        // Two of two: the no-ack consumer waits too, until an ack makes room.
        channel.basicPublish("", noAck, null, utf8("n5"));
        awaitReady(channel, noAck, 1); // after the publish on the same channel: the queue has held it back
        assertEquals(5, auto.size());
        ch.basicAck(manual.received().get(0).getEnvelope().getDeliveryTag(), false);
        auto.awaitCount(6);
        assertEquals("n5", text(auto.received().get(5).getBody()));
    }

    @Test
    void globalLimitSetWithDeliveriesOutstandingCountsThem() throws Exception {
        String q = serverNamedQueue();
        Channel ch = connection.createChannel();
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, false, consumer);
        for (int i = 0; i < 2; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        consumer.awaitCount(2);

        ch.basicQos(3, true);
        for (int i = 2; i < 6; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        consumer.awaitCount(3);
        awaitReady(channel, q, 3);
        assertEquals(3, consumer.size());

        ch.basicAck(consumer.received().get(1).getEnvelope().getDeliveryTag(), true);
        consumer.awaitCount(5);
        awaitReady(ch, q, 1); // on the acking channel: after the acks have been handled
        assertEquals(5, consumer.size());
    }

    @Test
    void globalLimitStartedWithABasicGetOutstandingCountsIt() throws Exception {
        String got = queueWith(1);
        String q = serverNamedQueue();
        Channel ch = connection.createChannel();
        assertEquals("m0", text(ch.basicGet(got, false).getBody()));
        ch.basicQos(1, true);
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, false, consumer);
        channel.basicPublish("", q, null, utf8("held"));
        awaitReady(channel, q, 1);
        assertEquals(0, consumer.size());
        // (RabbitMQ 3.10 never gives that unit back when the get is acked: its own TODO in rabbit_channel.
        // Leveret does; the test stops short of it.)
    }

    @Test
    void globalLimitLoweredBelowWhatIsOutstandingWaitsForAcks() throws Exception {
        String q = queueWith(6);
        Channel ch = connection.createChannel();
        ch.basicQos(3, true);
        Collector consumer = new Collector(ch);
        ch.basicConsume(q, false, consumer);
        consumer.awaitCount(3);

        ch.basicQos(1, true);
        ch.basicAck(consumer.received().get(1).getEnvelope().getDeliveryTag(), true);
        awaitReady(ch, q, 3); // on the acking channel: after the acks have been handled
        assertEquals(3, consumer.size());
        ch.basicAck(consumer.received().get(2).getEnvelope().getDeliveryTag(), false);
        consumer.awaitCount(4);
        awaitReady(ch, q, 2);
        assertEquals(4, consumer.size());

        ch.basicQos(3, true);
        consumer.awaitCount(6);
    }
}
