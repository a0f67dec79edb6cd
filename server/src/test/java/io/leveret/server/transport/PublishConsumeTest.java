package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.ConfirmMethod;
import io.leveret.codec.ContentHeaderFrame;
import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Frame;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Messages through a whole connection: publish, route, queue, deliver, get, ack, confirms. */
class PublishConsumeTest {
    private final AmqpPeer peer = new AmqpPeer();

    @AfterEach
    void close() {
        peer.close();
    }

    private void consume(int channel, String queue, String tag, boolean noAck) {
        peer.send(channel, new BasicMethod.Consume(0, queue, tag, false, noAck, false, false, FieldTable.EMPTY));
        assertEquals(tag, peer.expect(channel, BasicMethod.ConsumeOk.class).consumerTag());
    }

    @Test
    void aBodyLargerThanFrameMaxTravelsInThreeFramesBothWays() {
        peer.open(4096);
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        consume(1, "q", "ctag", true);

        byte[] body = new byte[10000];
        new Random(42).nextBytes(body);
        BasicProperties props = new BasicProperties("application/octet-stream", null,
                FieldTable.of(Map.of("h", 1)), 2, null, "corr-1", null, null, "id-1", 1700000000L, null, null,
                "app", null);
        Frame[] frames = peer.publish(1, new BasicMethod.Publish(0, "", "q", false, false), props, body, 4096);
        assertEquals(5, frames.length, "publish, header, three bodies");
        peer.send(frames);

        BasicMethod.Deliver deliver = peer.expect(1, BasicMethod.Deliver.class);
        assertEquals("ctag", deliver.consumerTag());
        assertEquals(1, deliver.deliveryTag());
        assertFalse(deliver.redelivered());
        assertEquals("", deliver.exchange());
        assertEquals("q", deliver.routingKey());
        ContentHeaderFrame header = peer.expectHeader(1);
        assertEquals(BasicMethod.CLASS_ID, header.classId());
        assertEquals(10000, header.bodySize());
        assertEquals(props, header.properties());
        List<Integer> sizes = new ArrayList<>();
        assertArrayEquals(body, peer.expectBody(1, 10000, sizes));
        assertEquals(List.of(4088, 4088, 1824), sizes, "bodies split at frame_max - 8");
        peer.expectNothing();
    }

    @Test
    void anEmptyBodyIsDeliveredWithoutBodyFrames() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        consume(1, "q", "ctag", true);
        peer.send(peer.publish(1, "", "q", ""));
        peer.expect(1, BasicMethod.Deliver.class);
        assertEquals(0, peer.expectHeader(1).bodySize());
        peer.expectNothing();
    }

    @Test
    void messagesPublishedBeforeTheConsumerComeInOrderAfterConsumeOk() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(peer.publish(1, "", "q", "m1"));
        peer.send(peer.publish(1, "amq.direct", "unbound", "lost"));
        peer.send(peer.publish(1, "", "q", "m2"));
        peer.send(1, new QueueMethod.Declare(0, "q", true, false, false, false, false, FieldTable.EMPTY));
        QueueMethod.DeclareOk ok = peer.expect(1, QueueMethod.DeclareOk.class);
        assertEquals(2, ok.messageCount());
        assertEquals(0, ok.consumerCount());

        consume(1, "q", "c", false);
        for (int i = 1; i <= 2; i++) {
            BasicMethod.Deliver d = peer.expect(1, BasicMethod.Deliver.class);
            assertEquals(i, d.deliveryTag());
            assertEquals("m" + i, peer.expectContent(1));
        }
        peer.send(1, new BasicMethod.Ack(2, true));
        peer.expectNothing();
        peer.send(1, new QueueMethod.Declare(0, "q", true, false, false, false, false, FieldTable.EMPTY));
        ok = peer.expect(1, QueueMethod.DeclareOk.class);
        assertEquals(0, ok.messageCount());
        assertEquals(1, ok.consumerCount());
    }

    @Test
    void prefetchOneWaitsForTheAck() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(1, new BasicMethod.Qos(0, 1, false));
        peer.expect(1, BasicMethod.QosOk.class);
        consume(1, "q", "c", false);
        peer.send(peer.publish(1, "", "q", "a"));
        peer.send(peer.publish(1, "", "q", "b"));
        assertEquals(1, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("a", peer.expectContent(1));
        peer.expectNothing();
        peer.send(1, new BasicMethod.Ack(1, false));
        assertEquals(2, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("b", peer.expectContent(1));
    }

    @Test
    void aGlobalPrefetchSetWithDeliveriesOutstandingCountsThem() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        consume(1, "q", "c", false);
        for (String body : List.of("a", "b")) {
            peer.send(peer.publish(1, "", "q", body));
            peer.expect(1, BasicMethod.Deliver.class);
            assertEquals(body, peer.expectContent(1));
        }
        peer.send(1, new BasicMethod.Qos(0, 3, true));
        peer.expect(1, BasicMethod.QosOk.class);
        peer.send(peer.publish(1, "", "q", "c"));
        peer.send(peer.publish(1, "", "q", "d"));
        assertEquals(3, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("c", peer.expectContent(1));
        peer.expectNothing();
        peer.send(1, new BasicMethod.Ack(1, false));
        assertEquals(4, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("d", peer.expectContent(1));
    }

    @Test
    void aNackWithRequeueRedeliversTheMessage() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        consume(1, "q", "c", false);
        peer.send(peer.publish(1, "", "q", "again"));
        BasicMethod.Deliver first = peer.expect(1, BasicMethod.Deliver.class);
        assertFalse(first.redelivered());
        peer.expectContent(1);
        peer.send(1, new BasicMethod.Nack(first.deliveryTag(), false, true));
        BasicMethod.Deliver second = peer.expect(1, BasicMethod.Deliver.class);
        assertTrue(second.redelivered());
        assertEquals(2, second.deliveryTag());
        assertEquals("again", peer.expectContent(1));
    }

    @Test
    void basicGetThenGetEmpty() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(peer.publish(1, "", "q", "one"));
        peer.send(peer.publish(1, "", "q", "two"));

        peer.send(1, new BasicMethod.Get(0, "q", false));
        BasicMethod.GetOk ok = peer.expect(1, BasicMethod.GetOk.class);
        assertEquals(1, ok.deliveryTag());
        assertFalse(ok.redelivered());
        assertEquals("", ok.exchange());
        assertEquals("q", ok.routingKey());
        assertEquals(1, ok.messageCount(), "messages left after this one");
        assertEquals("one", peer.expectContent(1));

        peer.send(1, new BasicMethod.Get(0, "", true));
        BasicMethod.GetOk ok2 = peer.expect(1, BasicMethod.GetOk.class);
        assertEquals(2, ok2.deliveryTag());
        assertEquals(0, ok2.messageCount());
        assertEquals("two", peer.expectContent(1));

        peer.send(1, new BasicMethod.Get(0, "q", false));
        peer.expect(1, BasicMethod.GetEmpty.class);
        peer.send(1, new BasicMethod.Ack(1, false));
        peer.expectNothing();
        assertTrue(peer.isOpen());
    }

    @Test
    void ackingAnUnknownTagFailsThePrecondition() {
        peer.open();
        peer.openChannel(1);
        peer.send(1, new BasicMethod.Ack(99, false));
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals(ReplyCode.PRECONDITION_FAILED, close.replyCode());
        assertEquals("PRECONDITION_FAILED - unknown delivery tag 99", close.replyText());
        assertEquals(60, close.classId());
        assertEquals(80, close.methodId());
    }

    @Test
    void ackingATagTwiceFailsThePrecondition() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(peer.publish(1, "", "q", "x"));
        peer.send(1, new BasicMethod.Get(0, "q", false));
        peer.expect(1, BasicMethod.GetOk.class);
        peer.expectContent(1);
        peer.send(1, new BasicMethod.Ack(1, false), new BasicMethod.Ack(1, false));
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals("PRECONDITION_FAILED - unknown delivery tag 1", close.replyText());
    }

    @Test
    void confirmsCoverEveryPublish() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(1, new ConfirmMethod.Select(false));
        peer.expect(1, ConfirmMethod.SelectOk.class);
        List<Frame> burst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            burst.addAll(List.of(peer.publish(1, "", i == 1 ? "nowhere" : "q", "m" + i)));
        }
        peer.send(burst.toArray(new Frame[0]));
        assertAcksCover(3);

        peer.send(peer.publish(1, "", "q", "m3"));
        peer.send(peer.publish(1, "", "q", "m4"));
        assertAcksCover(5);
    }

    private long acked;

    /** Reads acks until {@code upTo} is confirmed: each ack must confirm exactly the tags after the last one. */
    private void assertAcksCover(long upTo) {
        while (acked < upTo) {
            BasicMethod.Ack ack = peer.expect(1, BasicMethod.Ack.class);
            assertTrue(ack.deliveryTag() > acked, ack::toString);
            assertEquals(ack.deliveryTag() - acked > 1, ack.multiple(), () -> "multiple flag of " + ack);
            acked = ack.deliveryTag();
        }
        assertEquals(upTo, acked);
        peer.expectNothing();
    }

    @Test
    void anUnroutableMandatoryMessageIsReturned() {
        peer.open();
        peer.openChannel(1);
        peer.send(peer.publish(1, new BasicMethod.Publish(0, "amq.direct", "nobody", true, false),
                BasicProperties.EMPTY, "back".getBytes(java.nio.charset.StandardCharsets.UTF_8), 131072));
        BasicMethod.Return ret = peer.expect(1, BasicMethod.Return.class);
        assertEquals(ReplyCode.NO_ROUTE, ret.replyCode());
        assertEquals("NO_ROUTE", ret.replyText());
        assertEquals("amq.direct", ret.exchange());
        assertEquals("nobody", ret.routingKey());
        assertEquals("back", peer.expectContent(1));
    }

    @Test
    void topicBindingsRouteOverTheWire() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "logs");
        peer.declareQueue(1, "all");
        peer.send(1, new ExchangeMethod.Declare(0, "events", "topic", false, false, false, false, false,
                FieldTable.EMPTY));
        peer.expect(1, ExchangeMethod.DeclareOk.class);
        peer.send(1, new QueueMethod.Bind(0, "logs", "events", "log.#", false, FieldTable.EMPTY));
        peer.expect(1, QueueMethod.BindOk.class);
        peer.send(1, new QueueMethod.Bind(0, "all", "events", "#", false, FieldTable.EMPTY));
        peer.expect(1, QueueMethod.BindOk.class);
        peer.send(peer.publish(1, "events", "log.error.disk", "e1"));
        peer.send(peer.publish(1, "events", "metric.cpu", "m1"));

        peer.send(1, new QueueMethod.Purge(0, "logs", false));
        assertEquals(1, peer.expect(1, QueueMethod.PurgeOk.class).messageCount());
        peer.send(1, new QueueMethod.Delete(0, "all", false, false, false));
        assertEquals(2, peer.expect(1, QueueMethod.DeleteOk.class).messageCount());
    }

    /** rabbit_exchange_type_headers:validate_binding refuses an x-match it does not know (binding_invalid: 406). */
    @Test
    void anUnknownXMatchIsRefused() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        peer.send(1, new QueueMethod.Bind(0, "q", "amq.headers", "", false,
                FieldTable.of(Map.of("x-match", "foo", "a", 1))));
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals(ReplyCode.PRECONDITION_FAILED, close.replyCode());
        assertEquals("PRECONDITION_FAILED - Invalid x-match field value <<\"foo\">>; expected all, any, all-with-x, "
                + "or any-with-x", close.replyText());
    }

    @Test
    void closingTheChannelRequeuesItsUnackedMessages() {
        peer.open();
        peer.openChannel(1);
        peer.openChannel(2);
        peer.declareQueue(1, "q");
        consume(1, "q", "c", false);
        peer.send(peer.publish(1, "", "q", "keep me"));
        peer.expect(1, BasicMethod.Deliver.class);
        peer.expectContent(1);
        peer.send(1, new ChannelMethod.Close(200, "", 0, 0));
        peer.expect(1, ChannelMethod.CloseOk.class);

        peer.send(2, new BasicMethod.Get(0, "q", true));
        BasicMethod.GetOk ok = peer.expect(2, BasicMethod.GetOk.class);
        assertTrue(ok.redelivered());
        assertEquals("keep me", peer.expectContent(2));
        peer.expectNothing();
    }
}
