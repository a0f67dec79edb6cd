package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** channel class: open, close, flow, channel_max, and the scope of a channel error. */
class ChannelTest extends BrokerTestSupport {

    @Test
    void channelOpensAndClosesCleanly() throws Exception {
        Channel ch = connection.createChannel();
        assertTrue(ch.isOpen());
        ch.close();
        assertFalse(ch.isOpen());
        assertTrue(connection.isOpen());
        // The number can be opened again once close-ok came back.
        Channel again = connection.createChannel(ch.getChannelNumber());
        assertNotNull(again);
        again.queueDeclare();
    }

    @Test
    void manyChannelsOnOneConnectionWorkIndependently() throws Exception {
        List<Channel> channels = new ArrayList<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Channel ch = connection.createChannel();
            channels.add(ch);
            numbers.add(ch.getChannelNumber());
        }
        assertEquals(200, numbers.size());
        for (int i = 0; i < channels.size(); i++) {
            Channel ch = channels.get(i);
            String q = ch.queueDeclare().getQueue();
            ch.basicPublish("", q, null, utf8("on channel " + i));
            assertEquals("on channel " + i, text(awaitGet(ch, q, true).getBody()));
        }
        for (Channel ch : channels) {
            ch.close();
        }
        assertTrue(connection.isOpen());
    }

    @Test
    void flowActiveTrueIsAcknowledged() throws Exception {
        Command reply = channel.rpc(new AMQP.Channel.Flow.Builder().active(true).build());
        AMQP.Channel.FlowOk ok = (AMQP.Channel.FlowOk) reply.getMethod();
        assertTrue(ok.getActive());
        assertTrue(channel.isOpen());
    }

    @Test
    void flowActiveFalseFromAClientIsNotImplemented() {
        // RabbitMQ dropped client-initiated flow control: it closes the connection with 540.
        Reply reply = closeCausedBy(connection,
                () -> channel.rpc(new AMQP.Channel.Flow.Builder().active(false).build()));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - active=false", 20, 20), reply);
    }

    @Test
    void requestedChannelMaxIsEnforced() throws Exception {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setRequestedChannelMax(5);
        Connection c = open(f);
        assertEquals(5, c.getChannelMax());
        assertNull(c.createChannel(6), "channel 6 is beyond the negotiated channel_max");
        Channel highest = c.createChannel(5);
        assertNotNull(highest);
        highest.queueDeclare();
        for (int i = 0; i < 4; i++) {
            assertNotNull(c.createChannel(), "channels 1..4");
        }
        assertNull(c.createChannel(), "all five channel numbers are in use");
    }

    @Test
    void softErrorClosesOnlyThatChannel() throws Exception {
        Channel other = connection.createChannel();
        String q = serverNamedQueue();
        Channel failing = connection.createChannel();
        Reply reply = closeCausedBy(failing, () -> failing.queueDeclarePassive(unique("missing")));
        assertEquals(404, reply.code());
        assertFalse(reply.connectionLevel());
        assertTrue(connection.isOpen());
        assertTrue(channel.isOpen());
        assertTrue(other.isOpen());
        other.basicPublish("", q, null, utf8("still flowing"));
        assertEquals("still flowing", text(awaitGet(channel, q, true).getBody()));
        // A new channel on the same connection works too.
        connection.createChannel().queueDeclarePassive(q);
    }
}
