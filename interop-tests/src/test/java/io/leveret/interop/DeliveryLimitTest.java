package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Poison messages, Leveret's own: x-delivery-limit on a classic queue, counted as RabbitMQ's quorum queues
 * count (every return — nack or reject with requeue, a closed channel, basic.recover — adds one); each
 * delivery carries x-delivery-count (a long, 0 on the first); with a limit of N the message is delivered at
 * most N + 1 times and then dead-lettered with reason delivery_limit, or dropped without a dead-letter
 * exchange. Skipped against another broker: RabbitMQ's classic queues refuse the argument.
 */
class DeliveryLimitTest extends BrokerTestSupport {

    @BeforeEach
    void leveretOnly() {
        PrivateLeveret.assumeLocal();
    }

    private void publish(String q, String body) throws Exception {
        Channel ch = confirmChannel();
        ch.basicPublish("", q, new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                .headers(Map.of("app", "x")).build(), utf8(body));
        ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
        ch.close();
    }

    private static Object count(GetResponse r) {
        return r.getProps().getHeaders().get("x-delivery-count");
    }

    @Test
    void everyDeliveryIsCountedAndTheMessageIsDeadLetteredPastTheLimit() throws Exception {
        String dead = declareQueue("dl-dead");
        String q = unique("dl");
        channel.queueDeclare(q, false, false, false, Map.of("x-delivery-limit", 2,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead));
        deleteQueueAfterTest(q);
        publish(q, "poison");
        List<Object> counts = new ArrayList<>();
        List<Boolean> redelivered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GetResponse r = awaitGet(channel, q, false);
            counts.add(count(r));
            redelivered.add(r.getEnvelope().isRedeliver());
            assertEquals("x", r.getProps().getHeaders().get("app").toString());
            switch (i) {
                case 0 -> channel.basicReject(r.getEnvelope().getDeliveryTag(), true);
                case 1 -> channel.basicNack(r.getEnvelope().getDeliveryTag(), false, true);
                default -> channel.basicRecover(true);
            }
        }
        assertEquals(List.of(0L, 1L, 2L), counts);
        assertEquals(List.of(false, true, true), redelivered);
        GetResponse d = awaitGet(channel, dead, true);
        assertEquals("poison", text(d.getBody()));
        Map<String, Object> headers = d.getProps().getHeaders();
        assertEquals("delivery_limit", headers.get("x-first-death-reason").toString());
        assertNull(headers.get("x-delivery-count"), "the dead-lettered message is the one published");
        @SuppressWarnings("unchecked")
        Map<String, Object> death = ((List<Map<String, Object>>) headers.get("x-death")).get(0);
        assertEquals("delivery_limit", death.get("reason").toString());
        assertEquals(1L, death.get("count"));
        assertEquals(0, channel.queueDeclarePassive(q).getMessageCount());
    }

    @Test
    void aClosedChannelCountsAsAReturnAndWithoutADeadLetterExchangeTheMessageIsDropped() throws Exception {
        String q = unique("dl-drop");
        channel.queueDeclare(q, false, false, false, Map.of("x-delivery-limit", 0));
        deleteQueueAfterTest(q);
        publish(q, "once");
        Channel ch = connection.createChannel();
        GetResponse r = awaitGet(ch, q, false);
        assertEquals(0L, count(r));
        ch.close();
        awaitReady(channel, q, 0);
        assertNull(channel.basicGet(q, true));
    }

    @Test
    void aQueueWithoutALimitAddsNoHeader() throws Exception {
        String q = declareQueue("dl-none");
        publish(q, "plain");
        GetResponse r = awaitGet(channel, q, false);
        channel.basicReject(r.getEnvelope().getDeliveryTag(), true);
        GetResponse again = awaitGet(channel, q, true);
        assertNotNull(again.getProps().getHeaders());
        assertNull(again.getProps().getHeaders().get("x-delivery-count"));
    }

    @Test
    void theLimitMustBeANonNegativeInteger() throws Exception {
        String q = unique("dl-bad");
        Reply r = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, false, Map.of("x-delivery-limit", -1)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue '" + q
                + "' in vhost '/': {value_negative,-1}", 50, 10), r);
        Channel ch = connection.createChannel();
        Reply s = closeCausedBy(ch, () -> ch.queueDeclare(q, false, false, false, Map.of("x-delivery-limit", "3")));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue '" + q
                + "' in vhost '/': \"expected integer, got longstr\"", 50, 10), s);
    }
}
