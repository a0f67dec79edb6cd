package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** alternate-exchange and sender-selected distribution (CC / BCC headers), as RabbitMQ 3.10.8 does them. */
class ExchangeFeaturesTest extends BrokerTestSupport {

    private String exchange(String prefix, String type, Map<String, Object> args) throws Exception {
        String x = unique(prefix);
        channel.exchangeDeclare(x, type, false, false, args);
        deleteExchangeAfterTest(x);
        return x;
    }

    @Test
    void alternateExchangeTakesWhatCannotBeRouted() throws Exception {
        String ae = declareExchange("ae", BuiltinExchangeType.FANOUT);
        String caught = declareQueue("caught");
        channel.queueBind(caught, ae, "");
        String x = exchange("main", "direct", Map.of("alternate-exchange", ae));
        String bound = declareQueue("bound");
        channel.queueBind(bound, x, "k");
        AtomicInteger returns = new AtomicInteger();
        Channel ch = confirmChannel();
        ch.addReturnListener(r -> returns.incrementAndGet());
        ch.basicPublish(x, "k", true, null, utf8("routed"));
        ch.basicPublish(x, "other", true, null, utf8("unroutable"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(List.of("routed"), drain(channel, bound));
        assertEquals(List.of("unroutable"), drain(channel, caught));
        assertEquals(0, returns.get(), "a message the alternate exchange routed is not returned");
    }

    @Test
    void alternateExchangesChainAndLoopsEnd() throws Exception {
        String a = unique("ae-a");
        String b = unique("ae-b");
        channel.exchangeDeclare(a, "direct", false, false, Map.of("alternate-exchange", b));
        deleteExchangeAfterTest(a);
        channel.exchangeDeclare(b, "direct", false, false, Map.of("alternate-exchange", a));
        deleteExchangeAfterTest(b);
        String q = declareQueue("end");
        channel.queueBind(q, b, "k");
        AtomicInteger returns = new AtomicInteger();
        Channel ch = confirmChannel();
        ch.addReturnListener(r -> returns.incrementAndGet());
        ch.basicPublish(a, "k", true, null, utf8("via b"));
        ch.basicPublish(a, "nowhere", true, null, utf8("lost"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(List.of("via b"), drain(channel, q));
        await("the unroutable message to be returned", () -> returns.get() == 1);
    }

    @Test
    void ccAndBccRouteToMoreQueuesAndBccIsNotDelivered() throws Exception {
        String x = declareExchange("scd", BuiltinExchangeType.DIRECT);
        String main = declareQueue("main");
        String cc = declareQueue("cc");
        String bcc = declareQueue("bcc");
        channel.queueBind(main, x, "main");
        channel.queueBind(cc, x, "cc");
        channel.queueBind(bcc, x, "bcc");
        Channel ch = confirmChannel();
        ch.basicPublish(x, "main", new AMQP.BasicProperties.Builder()
                .headers(Map.of("CC", List.of("cc"), "BCC", List.of("bcc"))).build(), utf8("m"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        for (String q : List.of(main, cc, bcc)) {
            GetResponse r = awaitGet(channel, q, true);
            assertEquals("main", r.getEnvelope().getRoutingKey());
            Map<String, Object> h = r.getProps().getHeaders();
            assertTrue(h.containsKey("CC"), q);
            assertFalse(h.containsKey("BCC"), q);
        }
    }

    @Test
    void ccOnTheDefaultExchangeNamesQueues() throws Exception {
        String a = declareQueue("a");
        String b = declareQueue("b");
        Channel ch = confirmChannel();
        ch.basicPublish("", a, new AMQP.BasicProperties.Builder().headers(Map.of("CC", List.of(b))).build(),
                utf8("both"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(List.of("both"), drain(channel, a));
        assertEquals(List.of("both"), drain(channel, b));
    }
}
