package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One client's soft and hard errors never disturb anyone else. */
class RobustnessTest extends BrokerTestSupport {

    @FunctionalInterface
    private interface Misbehaviour {
        Reply commit(Connection c) throws Exception;
    }

    @Test
    void errorsOnOneConnectionLeaveAnotherConsumingConnectionAlone() throws Exception {
        String q = declareQueue("steady");
        Connection consumerConnection = open();
        Channel consumerChannel = consumerConnection.createChannel();
        Collector consumer = new Collector(consumerChannel);
        consumerChannel.basicConsume(q, false, consumer);

        List<Misbehaviour> misbehaviours = List.of(
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(ch, () -> ch.queueDeclarePassive(unique("missing")));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(ch, () -> ch.basicAck(99, false));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(ch, () -> ch.basicPublish(unique("missing"), "k", null, utf8("x")));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(ch, () -> ch.queueDelete(q, true, false));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(c, () -> ch.basicPublish("", q, false, true, null, utf8("immediate")));
                },
                c -> {
                    Channel ch = c.createChannel();
                    ch.basicConsume(q, true, "twice", new Collector(ch));
                    return closeCausedBy(c, () -> ch.basicConsume(q, true, "twice", new Collector(ch)));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(c, () -> ch.exchangeDeclare(unique("x"), "no-such-type"));
                },
                c -> {
                    Channel ch = c.createChannel();
                    return closeCausedBy(c,
                            () -> ch.rpc(new AMQP.Channel.Flow.Builder().active(false).build()));
                });

        List<Reply> replies = new ArrayList<>();
        Connection troublemaker = open();
        for (int i = 0; i < misbehaviours.size(); i++) {
            if (!troublemaker.isOpen()) {
                troublemaker = open();
            }
            replies.add(misbehaviours.get(i).commit(troublemaker));
            channel.basicPublish("", q, null, utf8("m" + i));
            Delivery d = consumer.next();
            assertEquals("m" + i, text(d.getBody()), "after " + replies.get(i));
            consumerChannel.basicAck(d.getEnvelope().getDeliveryTag(), false);
        }
        assertEquals(List.of(404, 406, 404, 406, 540, 530, 503, 540), replies.stream().map(Reply::code).toList());
        assertEquals(List.of(false, false, false, false, true, true, true, true),
                replies.stream().map(Reply::connectionLevel).toList());
        assertTrue(consumerConnection.isOpen());
        assertTrue(consumerChannel.isOpen());
        assertTrue(connection.isOpen());
        assertEquals(1, channel.queueDeclarePassive(q).getConsumerCount());
    }

    @Test
    void aHardErrorClosesEveryChannelOfThatConnectionWithTheSameReason() throws Exception {
        Connection doomed = open();
        Channel bystander = doomed.createChannel();
        Channel culprit = doomed.createChannel();
        Reply reply = closeCausedBy(doomed, () -> culprit.basicPublish("", "q", false, true, null, utf8("x")));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - immediate=true", 60, 40), reply);
        await("the other channel to learn of the connection close", () -> !bystander.isOpen());
        assertEquals(reply, Reply.of(bystander.getCloseReason()));
        assertTrue(connection.isOpen());
        channel.queueDeclare();
    }

    @Test
    void manyConnectionsComeAndGoWhileAnotherKeepsWorking() throws Exception {
        String q = serverNamedQueue();
        Collector consumer = new Collector(channel);
        channel.basicConsume(q, true, consumer);
        for (int i = 0; i < 20; i++) {
            Connection c = open();
            Channel ch = c.createChannel();
            ch.basicPublish("", q, null, utf8("from " + i));
            if (i % 2 == 0) {
                c.close();
            } else {
                closeCausedBy(c, () -> ch.basicPublish("", q, false, true, null, utf8("immediate")));
            }
        }
        consumer.awaitCount(20);
        assertTrue(connection.isOpen());
    }
}
