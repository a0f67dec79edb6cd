package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * x-single-active-consumer as RabbitMQ 3.10's classic queues do it: only the earliest registered consumer gets
 * messages (consumer priorities play no part), every consumer gets its consume-ok and counts as a consumer;
 * when the active one's channel closes its unacked messages are requeued and the next registered consumer
 * takes over; an exclusive consume is refused. Passes against RabbitMQ 3.10.
 */
class SingleActiveConsumerTest extends BrokerTestSupport {
    private static final Map<String, Object> SAC = Map.of("x-single-active-consumer", true);

    private String sacQueue() throws Exception {
        String q = unique("sac");
        channel.queueDeclare(q, false, false, false, SAC);
        deleteQueueAfterTest(q);
        return q;
    }

    private Collector consumer(Channel ch, String q, Map<String, Object> args) throws Exception {
        Collector c = new Collector(ch);
        ch.basicConsume(q, false, "", false, false, args, c);
        return c;
    }

    private void publish(String q, String... bodies) throws Exception {
        Channel ch = confirmChannel();
        for (String b : bodies) {
            ch.basicPublish("", q, null, utf8(b));
        }
        ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
        ch.close();
    }

    @Test
    void theFirstRegisteredConsumerGetsEverythingAndTheNextTakesOverWithItsUnacked() throws Exception {
        String q = sacQueue();
        Connection other = open();
        Channel first = other.createChannel();
        Collector c1 = consumer(first, q, Map.of("x-priority", 0));
        Collector c2 = consumer(connection.createChannel(), q, Map.of("x-priority", 10));
        Collector c3 = consumer(connection.createChannel(), q, Map.of());
        assertEquals(3, channel.queueDeclarePassive(q).getConsumerCount());
        publish(q, "a", "b", "c");
        c1.awaitCount(3);
        // All three are accounted for at c1: the others, even c2 with the highest priority, got none.
        assertEquals(0, c2.size());
        assertEquals(0, c3.size());
        first.basicAck(c1.received().get(0).getEnvelope().getDeliveryTag(), false);

        first.close();
        c2.awaitCount(2);
        assertEquals(List.of("b", "c"), c2.received().stream().map(d -> text(d.getBody())).toList());
        assertTrue(c2.received().get(0).getEnvelope().isRedeliver());
        publish(q, "d");
        c2.awaitCount(3);
        assertEquals(0, c3.size(), "d went to c2");
    }

    @Test
    void aCancelledActiveConsumerHandsOverToTheNextRegistered() throws Exception {
        String q = sacQueue();
        Channel ch1 = connection.createChannel();
        Collector c1 = consumer(ch1, q, Map.of());
        Collector c2 = consumer(connection.createChannel(), q, Map.of());
        publish(q, "a");
        c1.awaitCount(1);
        ch1.basicCancel(c1.getConsumerTag());
        publish(q, "b");
        c2.awaitCount(1);
        assertEquals("b", text(c2.received().get(0).getBody()));
    }

    @Test
    void anExclusiveConsumeIsRefusedEvenOnAnIdleQueue() throws Exception {
        String q = sacQueue();
        Reply r = closeCausedBy(channel, () -> channel.basicConsume(q, false, "", false, true, null,
                new Collector(channel)));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use", 60, 20), r);
    }
}
