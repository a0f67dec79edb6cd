package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** exchange class: declare, equivalence, reserved names, delete, exchange-to-exchange bindings, internal. */
class ExchangeTest extends BrokerTestSupport {

    /** The binding {@link #assertRoutesAs} tells the types apart with: key "a.*", headers h = v (all). */
    private static final Map<String, Object> H_IS_V = Map.of("x-match", "all", "h", "v");

    /**
     * Proves that {@code x}, bound to {@code q} as {@link #H_IS_V} says, routes as {@code type}: of three
     * publishes, each type routes its own subset (direct the exact key, fanout all, topic the keys matching
     * a.*, headers only the one with h = v, whatever its key).
     */
    private void assertRoutesAs(String x, BuiltinExchangeType type, String q) throws Exception {
        Channel pub = confirmChannel();
        pub.basicPublish(x, "a.*", null, utf8("key a.*"));
        pub.basicPublish(x, "a.b", null, utf8("key a.b"));
        pub.basicPublish(x, "x", new AMQP.BasicProperties.Builder().headers(Map.of("h", "v")).build(),
                utf8("header h=v"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        List<String> expected = switch (type) {
            case DIRECT -> List.of("key a.*");
            case FANOUT -> List.of("key a.*", "key a.b", "header h=v");
            case TOPIC -> List.of("key a.*", "key a.b");
            case HEADERS -> List.of("header h=v");
        };
        assertEquals(expected, drain(channel, q), x + " routes as " + type.getType());
        pub.close();
    }

    @ParameterizedTest
    @EnumSource(BuiltinExchangeType.class)
    void everyBuiltInTypeCanBeDeclaredAndRedeclared(BuiltinExchangeType type) throws Exception {
        String x = declareExchange("x-" + type.getType(), type);
        String q = serverNamedQueue();
        channel.queueBind(q, x, "a.*", H_IS_V);
        // The redeclare is answered and changes nothing: same type, binding kept.
        channel.exchangeDeclare(x, type, false, false, null);
        channel.exchangeDeclarePassive(x);
        assertRoutesAs(x, type, q);
    }

    @ParameterizedTest
    @CsvSource({"amq.direct, DIRECT", "amq.fanout, FANOUT", "amq.topic, TOPIC", "amq.headers, HEADERS",
            "amq.match, HEADERS"})
    void standardExchangesExistWithTheirTypes(String name, BuiltinExchangeType type) throws Exception {
        channel.exchangeDeclarePassive(name);
        String q = serverNamedQueue();
        channel.queueBind(q, name, "a.*", H_IS_V);
        assertRoutesAs(name, type, q);
    }

    /**
     * Durable queues and exchanges bound to every built-in exchange: each bind is answered, routes, and the
     * connection goes on taking declares of every kind (a refused bind once closed it and failed every later one).
     */
    @Test
    void durableQueuesAndExchangesBindToEveryStandardExchange() throws Exception {
        String q = unique("builtin-bound");
        channel.queueDeclare(q, true, false, false, null);
        deleteQueueAfterTest(q);
        String x = unique("builtin-bound-x");
        channel.exchangeDeclare(x, BuiltinExchangeType.FANOUT, true);
        deleteExchangeAfterTest(x);
        channel.queueBind(q, x, "");
        List<String> standard = List.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match");
        for (String builtIn : standard) {
            channel.queueBind(q, builtIn, q, java.util.Map.of("x-match", "any", "to", q));
            channel.exchangeBind(x, builtIn, x, java.util.Map.of("x-match", "any", "to", x));
        }
        // Redeclares, passive declares, new durable and transient objects: all still answered.
        channel.queueDeclare(q, true, false, false, null);
        channel.queueDeclarePassive(q);
        channel.exchangeDeclarePassive(x);
        deleteQueueAfterTest(declareQueue("after-builtin-bind"));
        String durableAfter = unique("after-builtin-durable");
        channel.queueDeclare(durableAfter, true, false, false, null);
        deleteQueueAfterTest(durableAfter);

        channel.confirmSelect();
        for (String builtIn : standard) {
            channel.basicPublish(builtIn, q, new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                    .headers(java.util.Map.of("to", q)).build(), builtIn.getBytes());
        }
        channel.waitForConfirmsOrDie(10_000);
        // Each built-in exchange reaches the queue directly and through the durable fanout exchange: one copy.
        List<String> got = new java.util.ArrayList<>();
        for (com.rabbitmq.client.GetResponse r; (r = channel.basicGet(q, true)) != null; ) {
            got.add(new String(r.getBody()));
        }
        assertEquals(standard, got);
        for (String builtIn : standard) {
            channel.queueUnbind(q, builtIn, q, java.util.Map.of("x-match", "any", "to", q));
            channel.exchangeUnbind(x, builtIn, x, java.util.Map.of("x-match", "any", "to", x));
        }
    }

    @Test
    void standardExchangeMayBeRedeclaredWithItsOwnProperties() throws Exception {
        channel.exchangeDeclare("amq.direct", BuiltinExchangeType.DIRECT, true);
        Reply reply = closeCausedBy(channel,
                () -> channel.exchangeDeclare("amq.direct", BuiltinExchangeType.DIRECT, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' "
                + "in vhost '/': received 'false' but current is 'true'", 40, 10), reply);
    }

    @Test
    void passiveDeclareOfMissingExchangeIs404() {
        String x = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclarePassive(x));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'", 40, 10), reply);
    }

    @Test
    void redeclareWithAnotherTypeIs406() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.DIRECT);
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclare(x, BuiltinExchangeType.FANOUT));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'type' for exchange '" + x
                + "' in vhost '/': received 'fanout' but current is 'direct'", 40, 10), reply);
    }

    @Test
    void redeclareWithAnotherDurabilityIs406() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.DIRECT);
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclare(x, BuiltinExchangeType.DIRECT, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for exchange '" + x
                + "' in vhost '/': received 'true' but current is 'false'", 40, 10), reply);
    }

    @Test
    void redeclareWithAnotherAutoDeleteIs406() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.TOPIC);
        Reply reply = closeCausedBy(channel,
                () -> channel.exchangeDeclare(x, BuiltinExchangeType.TOPIC, false, true, null));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for exchange '" + x
                + "' in vhost '/': received 'true' but current is 'false'", 40, 10), reply);
    }

    @Test
    void redeclareWithAnotherInternalFlagIs406() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.DIRECT);
        Reply reply = closeCausedBy(channel,
                () -> channel.exchangeDeclare(x, BuiltinExchangeType.DIRECT, false, false, true, null));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '" + x
                + "' in vhost '/': received 'true' but current is 'false'", 40, 10), reply);
    }

    @Test
    void amqPrefixedNameIsReserved() {
        String x = unique("amq.mine");
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclare(x, BuiltinExchangeType.DIRECT));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - exchange name '" + x + "' contains reserved prefix 'amq.*'",
                40, 10), reply);
    }

    @Test
    void unknownExchangeTypeIsAConnectionError503() {
        String x = unique("x");
        Reply reply = closeCausedBy(connection, () -> channel.exchangeDeclare(x, "no-such-type"));
        assertEquals(Reply.connection(503, "COMMAND_INVALID - unknown exchange type 'no-such-type'", 40, 10), reply);
    }

    @Test
    void deleteRemovesTheExchange() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.FANOUT);
        channel.exchangeDelete(x);
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclarePassive(x));
        assertEquals(404, reply.code());
    }

    @Test
    void deleteOfMissingExchangeSucceeds() throws Exception {
        channel.exchangeDelete(unique("missing"));
        assertTrue(channel.isOpen());
    }

    @Test
    void deleteIfUnusedWithBindingsIs406() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.DIRECT);
        String q = serverNamedQueue();
        channel.queueBind(q, x, "k");
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDelete(x, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - exchange '" + x + "' in vhost '/' in use", 40, 20), reply);
    }

    @Test
    void deleteIfUnusedWithoutBindingsSucceeds() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.DIRECT);
        channel.exchangeDelete(x, true);
        assertEquals(404, closeCausedBy(channel, () -> channel.exchangeDeclarePassive(x)).code());
    }

    @Test
    void autoDeleteExchangeGoesWithItsLastBinding() throws Exception {
        String x = unique("x-auto");
        deleteExchangeAfterTest(x);
        channel.exchangeDeclare(x, BuiltinExchangeType.DIRECT, false, true, null);
        String q = serverNamedQueue();
        channel.queueBind(q, x, "a");
        channel.queueBind(q, x, "b");
        channel.queueUnbind(q, x, "a");
        channel.exchangeDeclarePassive(x);
        channel.queueUnbind(q, x, "b");
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclarePassive(x));
        assertEquals(404, reply.code());
    }

    @Test
    void defaultExchangeCannotBeDeleted() {
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDelete(""));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange", 40, 20),
                reply);
    }

    @Test
    void defaultExchangeCannotBeDeclared() {
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDeclare("", BuiltinExchangeType.DIRECT));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange", 40, 10),
                reply);
    }

    @Test
    void defaultExchangeCannotBeBound() throws Exception {
        String q = serverNamedQueue();
        Reply reply = closeCausedBy(channel, () -> channel.queueBind(q, "", "k"));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange", 50, 20),
                reply);
    }

    @Test
    void defaultExchangeCannotBeUnbound() throws Exception {
        String q = serverNamedQueue();
        Reply reply = closeCausedBy(channel, () -> channel.queueUnbind(q, "", q));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange", 50, 50),
                reply);
    }

    @Test
    void standardExchangeCannotBeDeleted() {
        Reply reply = closeCausedBy(channel, () -> channel.exchangeDelete("amq.direct"));
        assertEquals(Reply.channel(403,
                "ACCESS_REFUSED - deletion of system exchange 'amq.direct' in vhost '/' not allowed", 40, 20), reply);
    }

    @Test
    void exchangeToExchangeBindingRoutesUntilUnbound() throws Exception {
        String source = declareExchange("src", BuiltinExchangeType.TOPIC);
        String destination = declareExchange("dst", BuiltinExchangeType.DIRECT);
        String q = serverNamedQueue();
        channel.queueBind(q, destination, "orders.new");
        channel.exchangeBind(destination, source, "orders.*");
        Channel pub = confirmChannel();
        pub.basicPublish(source, "orders.new", null, utf8("routed through two exchanges"));
        pub.basicPublish(source, "orders.old", null, utf8("passes src, not dst"));
        pub.basicPublish(source, "invoices.new", null, utf8("not past src"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("routed through two exchanges"), drain(channel, q));

        channel.exchangeUnbind(destination, source, "orders.*");
        pub.basicPublish(source, "orders.new", null, utf8("after unbind"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of(), drain(channel, q));
    }

    @Test
    void exchangeBindWithMissingSourceOrDestinationIs404() throws Exception {
        String x = declareExchange("x", BuiltinExchangeType.FANOUT);
        String missing = unique("missing");
        Reply noSource = closeCausedBy(channel, () -> channel.exchangeBind(x, missing, "k"));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'", 40, 30), noSource);
        Channel ch = connection.createChannel();
        Reply noDestination = closeCausedBy(ch, () -> ch.exchangeBind(missing, x, "k"));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'", 40, 30),
                noDestination);
    }

    @Test
    void internalExchangeRefusesPublishButRoutesFromAnotherExchange() throws Exception {
        String internal = unique("internal");
        deleteExchangeAfterTest(internal);
        channel.exchangeDeclare(internal, BuiltinExchangeType.FANOUT, false, false, true, null);
        String front = declareExchange("front", BuiltinExchangeType.FANOUT);
        channel.exchangeBind(internal, front, "");
        String q = serverNamedQueue();
        channel.queueBind(q, internal, "");
        Channel pub = confirmChannel();
        pub.basicPublish(front, "", null, utf8("via front door"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("via front door"), drain(channel, q));

        Reply reply = closeCausedBy(pub, () -> pub.basicPublish(internal, "", null, utf8("direct")));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - cannot publish to internal exchange '" + internal
                + "' in vhost '/'", 60, 40), reply);
        assertFalse(reply.connectionLevel());
        assertTrue(connection.isOpen());
    }
}
