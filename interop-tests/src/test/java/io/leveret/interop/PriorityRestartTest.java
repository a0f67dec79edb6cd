package io.leveret.interop;

import static io.leveret.interop.Restarts.awaitConfirms;
import static io.leveret.interop.Restarts.bodies;
import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.takeAll;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What issue 5's ordering and counting features keep across a restart of the broker: a durable priority queue
 * comes back in the same order (requeued messages in their place), and a durable queue's x-delivery-limit count
 * goes on where it was, a delivery unacknowledged at the stop counting as a return.
 */
@ExtendWith(PrivateBroker.class)
class PriorityRestartTest {

    private static AMQP.BasicProperties persistent(Integer priority) {
        return new AMQP.BasicProperties.Builder().deliveryMode(2).priority(priority).build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(DurabilityTest.Restart.class)
    void aDurablePriorityQueueComesBackInTheSameOrder(DurabilityTest.Restart restart, BrokerUnderTest broker)
            throws Exception {
        String q = unique("dur-prio");
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            ch.queueDeclare(q, true, false, false, Map.of("x-max-priority", 5));
            Object[] pairs = {"a", null, "b", 9, "c", 5, "d", 1, "e", 5, "f", 0};
            for (int i = 0; i < pairs.length; i += 2) {
                ch.basicPublish("", q, persistent((Integer) pairs[i + 1]), BrokerTestSupport.utf8((String) pairs[i]));
            }
            awaitConfirms(ch);
            // "b" goes out and comes back: still first afterwards
            GetResponse b = ch.basicGet(q, false);
            assertEquals("b", BrokerTestSupport.text(b.getBody()));
            ch.basicNack(b.getEnvelope().getDeliveryTag(), false, true);
        }
        restart.apply(broker);
        try (Connection c = connect(broker, "after")) {
            assertEquals(List.of("b", "c", "e", "d", "a", "f"), bodies(takeAll(c, q)));
        }
    }

    @Test
    void theDeliveryCountSurvivesARestart(BrokerUnderTest broker) throws Exception {
        String q = unique("dur-dl");
        String dead = unique("dur-dl-dead");
        try (Connection c = connect(broker, "before")) {
            Channel ch = confirming(c);
            ch.queueDeclare(dead, true, false, false, null);
            ch.queueDeclare(q, true, false, false, Map.of("x-delivery-limit", 2, "x-dead-letter-exchange", "",
                    "x-dead-letter-routing-key", dead));
            ch.basicPublish("", q, persistent(null), BrokerTestSupport.utf8("poison"));
            awaitConfirms(ch);
            GetResponse r = ch.basicGet(q, false);
            assertEquals(0L, r.getProps().getHeaders().get("x-delivery-count"));
            ch.basicReject(r.getEnvelope().getDeliveryTag(), true);
            r = ch.basicGet(q, false);
            assertEquals(1L, r.getProps().getHeaders().get("x-delivery-count"));
            // left unacknowledged: the stop returns it, a second time
        }
        broker.restart();
        try (Connection c = connect(broker, "after")) {
            Channel ch = c.createChannel();
            GetResponse r = BrokerTestSupport.awaitGet(ch, q, false);
            assertTrue(r.getEnvelope().isRedeliver());
            assertEquals(2L, r.getProps().getHeaders().get("x-delivery-count"));
            ch.basicReject(r.getEnvelope().getDeliveryTag(), true);
            GetResponse d = BrokerTestSupport.awaitGet(ch, dead, true);
            assertEquals("delivery_limit", d.getProps().getHeaders().get("x-first-death-reason").toString());
            assertEquals(0, ch.queueDeclarePassive(q).getMessageCount());
        }
    }
}
