package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

    /**
     * Every exchange a message reaches routes on all its keys: a CC key leads through an exchange-to-exchange
     * binding, and the exchange behind it routes the BCC key (the Java client's CcRoutes.boundExchanges).
     * A key only the first exchange knows does not leak: the queue bound there to "other" gets nothing.
     */
    @Test
    void ccAndBccKeysRouteAtEveryExchangeBehindExchangeToExchangeBindings() throws Exception {
        String direct = declareExchange("scd-direct", BuiltinExchangeType.DIRECT);
        String topic = declareExchange("scd-topic", BuiltinExchangeType.TOPIC);
        channel.exchangeBind(topic, direct, "routing_key1");
        String behind = declareQueue("behind");
        channel.queueBind(behind, topic, "routing_key2");
        String notReached = declareQueue("not-reached");
        channel.queueBind(notReached, topic, "other");
        Channel ch = confirmChannel();
        ch.basicPublish(direct, "", new AMQP.BasicProperties.Builder().headers(Map.of(
                "CC", List.of("routing_key1"), "BCC", List.of("routing_key2"))).build(), utf8("m"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        GetResponse r = awaitGet(channel, behind, true);
        assertEquals(0, r.getMessageCount(), "delivered once");
        assertEquals("[routing_key1]", String.valueOf(r.getProps().getHeaders().get("CC")), "CC is kept");
        assertFalse(r.getProps().getHeaders().containsKey("BCC"));
        assertNull(channel.basicGet(notReached, true));
    }

    /** The type names RabbitMQ's table parser gives, for what the Java client sends. */
    static Stream<Arguments> nonArrayHeaders() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("signedint", 0);
        values.put("longstr", "routing_key");
        values.put("long", 1L);
        values.put("bool", true);
        values.put("table", Map.of("a", 1));
        values.put("byte", (byte) 1);
        values.put("short", (short) 1);
        values.put("float", 1.0f);
        values.put("double", 1.0d);
        values.put("decimal", new BigDecimal("1.5"));
        values.put("timestamp", new Date(0));
        values.put("void", null);
        values.put("binary", new byte[] {1});
        List<Arguments> out = new ArrayList<>();
        for (String header : List.of("CC", "BCC")) {
            values.forEach((type, value) -> out.add(Arguments.of(header, type, value)));
        }
        return out.stream();
    }

    /**
     * A CC or BCC header that is not an array makes the message invalid: RabbitMQ closes the channel with
     * 406 naming the header and its type (the Java client's CcRoutes.nonArray), whatever the exchange.
     */
    @ParameterizedTest(name = "{0} of type {1}")
    @MethodSource("nonArrayHeaders")
    void aCcOrBccHeaderThatIsNotAnArrayIsRefused(String header, String type, Object value) throws Exception {
        String q = declareQueue("scd-invalid");
        Map<String, Object> headers = new HashMap<>();
        headers.put(header, value);
        Channel ch = connection.createChannel();
        Reply reply = closeCausedBy(ch, () -> {
            ch.basicPublish("", q, new AMQP.BasicProperties.Builder().headers(headers).build(), utf8("m"));
            ch.basicQos(1);
        });
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\""
                + header + "\"," + type + "}", 60, 40), reply);
        assertNull(channel.basicGet(q, true), "nothing enqueued");
    }

    /** CC is checked before BCC; a valid CC array does not save a BCC of another type, even unroutable. */
    @Test
    void bccIsCheckedAfterAValidCc() throws Exception {
        Map<String, Object> headers = Map.of("CC", List.of("a", 1), "BCC", 5);
        Channel ch = connection.createChannel();
        Reply reply = closeCausedBy(ch, () -> {
            ch.basicPublish("", unique("nowhere"), new AMQP.BasicProperties.Builder().headers(headers).build(),
                    utf8("m"));
            ch.basicQos(1);
        });
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid message: "
                + "{unacceptable_type_in_header,\"BCC\",signedint}", 60, 40), reply);
        // Header names are case-sensitive: a lower-case cc is just a header.
        Channel ok = confirmChannel();
        ok.basicPublish("", unique("nowhere"), new AMQP.BasicProperties.Builder().headers(Map.of("cc", 1)).build(),
                utf8("m"));
        assertTrue(ok.waitForConfirms(TIMEOUT.toMillis()));
    }
}
