package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.Channel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Consumer priorities (x-priority on basic.consume) as RabbitMQ delivers: to the highest-priority consumers
 * with credit, round-robin among equals, to lower ones only while the higher are at their prefetch; and the
 * argument checked as RabbitMQ checks it. Passes against RabbitMQ 3.10.
 */
class ConsumerPriorityTest extends BrokerTestSupport {

    private Collector consumer(String q, int prefetch, Object priority) throws Exception {
        Channel ch = connection.createChannel();
        ch.basicQos(prefetch);
        Collector c = new Collector(ch);
        ch.basicConsume(q, false, "", false, false, priority == null ? Map.of() : Map.of("x-priority", priority), c);
        return c;
    }

    @Test
    void higherPriorityConsumersGetMessagesUntilTheirPrefetchIsFull() throws Exception {
        String q = declareQueue("cprio");
        Collector low = consumer(q, 2, -1);
        Collector none = consumer(q, 2, null);
        Collector high1 = consumer(q, 2, 5);
        Collector high2 = consumer(q, 2, 5L);
        Channel pub = confirmChannel();
        for (int i = 0; i < 7; i++) {
            pub.basicPublish("", q, null, utf8("m" + i));
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        high1.awaitCount(2);
        high2.awaitCount(2);
        none.awaitCount(2);
        low.awaitCount(1);
        // All seven are accounted for (2 + 2 + 2 + 1), so nobody can have got more.
        assertEquals(1, low.size());
        assertEquals(2, high1.size());
        assertEquals(2, high2.size());
        assertEquals(2, none.size());
        // round-robin among the two at priority 5, then the default 0 ones, then -1
        assertEquals("m4", text(none.received().get(0).getBody()));
        assertEquals("m6", text(low.received().get(0).getBody()));
        // a high one acks: the next message goes to it, not to the low one with room left (ack and publish on
        // one channel, so the queue sees them in that order)
        Channel ch = high1.getChannel();
        ch.basicAck(high1.received().get(0).getEnvelope().getDeliveryTag(), false);
        ch.basicPublish("", q, null, utf8("m7"));
        high1.awaitCount(3);
        assertEquals("m7", text(high1.received().get(2).getBody()));
        assertEquals(1, low.size(), "m7 went to high1, so low has nothing new");
    }

    @Test
    void aNonIntegerPriorityIsRefusedLikeRabbitMq() throws Exception {
        String q = declareQueue("cprio-bad");
        Reply r = closeCausedBy(channel, () -> channel.basicConsume(q, false, "", false, false,
                Map.of("x-priority", "high"), new Collector(channel)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q
                + "' in vhost '/': \"expected integer, got longstr\"", 60, 20), r);
        Channel ch = connection.createChannel();
        Reply b = closeCausedBy(ch, () -> ch.basicConsume(q, false, "", false, false,
                Map.of("x-priority", true), new Collector(ch)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid arg 'x-priority' for queue '" + q
                + "' in vhost '/': \"expected integer, got bool\"", 60, 20), b);
    }
}
