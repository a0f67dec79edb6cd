package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** basic.ack / nack / reject / recover: settlement, requeue position, redelivered flag, delivery-tag errors. */
class AckTest extends BrokerTestSupport {

    /** Publishes m0..m(n-1) and waits until they are all in {@code q}. */
    private void publish(String q, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, n);
    }

    private List<GetResponse> getUnacked(String q, int n) throws Exception {
        List<GetResponse> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(channel.basicGet(q, false));
        }
        return got;
    }

    private static List<String> bodiesWithRedeliveredMark(Channel ch, String q) throws Exception {
        List<String> out = new ArrayList<>();
        for (GetResponse r = ch.basicGet(q, true); r != null; r = ch.basicGet(q, true)) {
            out.add(text(r.getBody()) + (r.getEnvelope().isRedeliver() ? "*" : ""));
        }
        return out;
    }

    @Test
    void deliveryTagsCountUpFromOnePerChannel() throws Exception {
        String q = serverNamedQueue();
        publish(q, 3);
        List<GetResponse> got = getUnacked(q, 3);
        assertEquals(List.of(1L, 2L, 3L), got.stream().map(r -> r.getEnvelope().getDeliveryTag()).toList());
        Channel other = connection.createChannel();
        channel.basicPublish("", q, null, utf8("for other"));
        assertEquals(1L, awaitGet(other, q, true).getEnvelope().getDeliveryTag());
    }

    @Test
    void ackRemovesTheMessage() throws Exception {
        String q = serverNamedQueue();
        publish(q, 2);
        List<GetResponse> got = getUnacked(q, 2);
        channel.basicAck(got.get(0).getEnvelope().getDeliveryTag(), false);
        channel.close();
        awaitReady(connection.createChannel(), q, 1);
        assertEquals(List.of("m1*"), bodiesWithRedeliveredMark(connection.createChannel(), q));
    }

    @Test
    void ackMultipleSettlesEverythingUpToTheTag() throws Exception {
        String q = serverNamedQueue();
        publish(q, 5);
        List<GetResponse> got = getUnacked(q, 5);
        channel.basicAck(got.get(2).getEnvelope().getDeliveryTag(), true);
        channel.close();
        Channel ch = connection.createChannel();
        awaitReady(ch, q, 2);
        assertEquals(List.of("m3*", "m4*"), bodiesWithRedeliveredMark(ch, q));
    }

    @Test
    void ackMultipleWithTagZeroSettlesEverything() throws Exception {
        String q = serverNamedQueue();
        publish(q, 3);
        getUnacked(q, 3);
        channel.basicAck(0, true);
        channel.close();
        Channel ch = connection.createChannel();
        assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        assertNull(ch.basicGet(q, true));
    }

    @Test
    void rejectWithRequeueReturnsTheMessageAsRedelivered() throws Exception {
        String q = serverNamedQueue();
        publish(q, 1);
        GetResponse first = channel.basicGet(q, false);
        assertFalse(first.getEnvelope().isRedeliver());
        channel.basicReject(first.getEnvelope().getDeliveryTag(), true);
        GetResponse again = awaitGet(channel, q, false);
        assertEquals("m0", text(again.getBody()));
        assertTrue(again.getEnvelope().isRedeliver());
        assertTrue(again.getEnvelope().getDeliveryTag() > first.getEnvelope().getDeliveryTag(), "a new delivery tag");
    }

    @Test
    void rejectWithoutRequeueDropsTheMessage() throws Exception {
        String q = serverNamedQueue();
        publish(q, 2);
        GetResponse first = channel.basicGet(q, false);
        channel.basicReject(first.getEnvelope().getDeliveryTag(), false);
        assertEquals(List.of("m1"), bodiesWithRedeliveredMark(channel, q));
    }

    @Test
    void nackMultipleWithRequeuePutsMessagesBackInOrder() throws Exception {
        String q = serverNamedQueue();
        publish(q, 4);
        List<GetResponse> got = getUnacked(q, 4);
        channel.basicNack(got.get(2).getEnvelope().getDeliveryTag(), true, true);
        awaitReady(channel, q, 3);
        assertEquals(List.of("m0*", "m1*", "m2*"), bodiesWithRedeliveredMark(channel, q));
        channel.basicAck(got.get(3).getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void nackMultipleWithoutRequeueDropsThem() throws Exception {
        String q = serverNamedQueue();
        publish(q, 4);
        List<GetResponse> got = getUnacked(q, 3);
        channel.basicNack(got.get(2).getEnvelope().getDeliveryTag(), true, false);
        assertEquals(List.of("m3"), bodiesWithRedeliveredMark(channel, q));
    }

    @Test
    void requeuedMessagesGoBackToTheirOriginalPosition() throws Exception {
        String q = serverNamedQueue();
        publish(q, 5);
        List<GetResponse> got = getUnacked(q, 3);
        // Settle in reverse, mixing nack and reject: the queue still puts them back in publish order, ahead of m3.
        channel.basicNack(got.get(2).getEnvelope().getDeliveryTag(), false, true);
        channel.basicReject(got.get(0).getEnvelope().getDeliveryTag(), true);
        channel.basicNack(got.get(1).getEnvelope().getDeliveryTag(), false, true);
        awaitReady(channel, q, 5);
        assertEquals(List.of("m0*", "m1*", "m2*", "m3", "m4"), bodiesWithRedeliveredMark(channel, q));
    }

    @Test
    void recoverWithRequeueRedeliversUnackedMessages() throws Exception {
        String q = serverNamedQueue();
        Collector consumer = new Collector(channel);
        channel.basicConsume(q, false, consumer);
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", q, null, utf8("r" + i));
        }
        consumer.awaitCount(3);
        channel.basicRecover(true);
        consumer.awaitCount(6);
        List<Delivery> all = consumer.received();
        for (int i = 0; i < 3; i++) {
            assertFalse(all.get(i).getEnvelope().isRedeliver());
            assertEquals("r" + i, text(all.get(i + 3).getBody()));
            assertTrue(all.get(i + 3).getEnvelope().isRedeliver());
            assertEquals(i + 4, all.get(i + 3).getEnvelope().getDeliveryTag(), "recovered deliveries get new tags");
        }
        channel.basicAck(6, true);
        assertNoMoreDeliveriesBeforeMarker(consumer, q, 6);
    }

    @Test
    void recoverWithoutRequeueIsNotImplemented() {
        Reply reply = closeCausedBy(connection, () -> channel.basicRecover(false));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - requeue=false", 60, 110), reply);
    }

    @Test
    void ackOfUnknownDeliveryTagIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.basicAck(42, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag 42", 60, 80), reply);
        assertTrue(connection.isOpen());
    }

    @Test
    void ackMultipleOfUnknownDeliveryTagIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.basicAck(45, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag 45", 60, 80), reply);
    }

    @Test
    void ackOfTagZeroWithoutMultipleIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.basicAck(0, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag 0", 60, 80), reply);
    }

    @Test
    void nackOfUnknownDeliveryTagIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.basicNack(43, false, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag 43", 60, 120), reply);
    }

    @Test
    void rejectOfUnknownDeliveryTagIs406() {
        Reply reply = closeCausedBy(channel, () -> channel.basicReject(44, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag 44", 60, 90), reply);
    }

    @Test
    void doubleAckIs406() throws Exception {
        String q = serverNamedQueue();
        publish(q, 1);
        long tag = channel.basicGet(q, false).getEnvelope().getDeliveryTag();
        channel.basicAck(tag, false);
        Reply reply = closeCausedBy(channel, () -> channel.basicAck(tag, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag " + tag, 60, 80), reply);
    }

    @Test
    void ackOfANoAckDeliveryIs406() throws Exception {
        String q = serverNamedQueue();
        publish(q, 1);
        long tag = channel.basicGet(q, true).getEnvelope().getDeliveryTag();
        Reply reply = closeCausedBy(channel, () -> channel.basicAck(tag, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag " + tag, 60, 80), reply);
    }

    @Test
    void ackOnAnotherChannelIs406() throws Exception {
        String q = serverNamedQueue();
        publish(q, 1);
        long tag = channel.basicGet(q, false).getEnvelope().getDeliveryTag();
        Channel other = connection.createChannel();
        Reply reply = closeCausedBy(other, () -> other.basicAck(tag, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - unknown delivery tag " + tag, 60, 80), reply);
        assertTrue(channel.isOpen());
    }
}
