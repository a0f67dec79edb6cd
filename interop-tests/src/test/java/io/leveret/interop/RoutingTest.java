package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Routing by each exchange type, checked through publisher confirms (a confirmed message is in all its queues)
 * and draining the queues, so "not routed" needs no waiting.
 */
class RoutingTest extends BrokerTestSupport {

    @Test
    void defaultExchangeRoutesByQueueName() throws Exception {
        String q = serverNamedQueue();
        Channel pub = confirmChannel();
        pub.basicPublish("", q, null, utf8("to " + q));
        pub.basicPublish("", q + "-other", null, utf8("nowhere"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("to " + q), drain(channel, q));
    }

    @Test
    void directRoutesOnExactKeyToEveryMatchingBinding() throws Exception {
        String x = declareExchange("direct", BuiltinExchangeType.DIRECT);
        String q1 = serverNamedQueue();
        String q2 = serverNamedQueue();
        channel.queueBind(q1, x, "red");
        channel.queueBind(q1, x, "green");
        channel.queueBind(q2, x, "red");
        Channel pub = confirmChannel();
        for (String key : new String[] {"red", "green", "blue", "RED", "red.x", ""}) {
            pub.basicPublish(x, key, null, utf8(key));
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("red", "green"), drain(channel, q1));
        assertEquals(List.of("red"), drain(channel, q2));
    }

    @Test
    void aQueueBoundTwiceGetsOneCopy() throws Exception {
        String x = declareExchange("topic", BuiltinExchangeType.TOPIC);
        String q = serverNamedQueue();
        channel.queueBind(q, x, "a.*");
        channel.queueBind(q, x, "*.b");
        channel.queueBind(q, x, "#");
        Channel pub = confirmChannel();
        pub.basicPublish(x, "a.b", null, utf8("once"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("once"), drain(channel, q));
    }

    @Test
    void fanoutIgnoresTheRoutingKey() throws Exception {
        String x = declareExchange("fanout", BuiltinExchangeType.FANOUT);
        String q1 = serverNamedQueue();
        String q2 = serverNamedQueue();
        channel.queueBind(q1, x, "");
        channel.queueBind(q2, x, "whatever");
        Channel pub = confirmChannel();
        pub.basicPublish(x, "k1", null, utf8("one"));
        pub.basicPublish(x, "", null, utf8("two"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("one", "two"), drain(channel, q1));
        assertEquals(List.of("one", "two"), drain(channel, q2));
    }

    @Test
    void unbindStopsRouting() throws Exception {
        String x = declareExchange("direct", BuiltinExchangeType.DIRECT);
        String q = serverNamedQueue();
        channel.queueBind(q, x, "k");
        Channel pub = confirmChannel();
        pub.basicPublish(x, "k", null, utf8("bound"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        channel.queueUnbind(q, x, "k");
        pub.basicPublish(x, "k", null, utf8("unbound"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(List.of("bound"), drain(channel, q));
    }

    /** Binding pattern → the routing keys (of {@link #TOPIC_KEYS}) RabbitMQ 3.10 routes to it, in publish order. */
    private static final List<String> TOPIC_KEYS =
            List.of("a", "a.b", "a.b.c", "a..c", "b", "x.y.b", "", "a.", ".b", "a.c", "a.x.y.c", "..", "c.b.d");

    @Test
    void topicWildcardsMatchWordsLikeRabbitMq() throws Exception {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("a.#", List.of("a", "a.b", "a.b.c", "a..c", "a.", "a.c", "a.x.y.c"));
        expected.put("#.b", List.of("a.b", "b", "x.y.b", ".b"));
        expected.put("a.*.c", List.of("a.b.c", "a..c"));
        expected.put("#", TOPIC_KEYS);
        expected.put("#.#", TOPIC_KEYS);
        expected.put("*", List.of("a", "b"));
        expected.put("a.*", List.of("a.b", "a.", "a.c"));
        expected.put("*.*", List.of("a.b", "a.", ".b", "a.c"));
        expected.put("", List.of(""));
        expected.put("a..c", List.of("a..c"));
        expected.put("a.#.c", List.of("a.b.c", "a..c", "a.c", "a.x.y.c"));
        expected.put("*.b.#", List.of("a.b", "a.b.c", ".b", "c.b.d"));
        expected.put("a.b.c", List.of("a.b.c"));

        String x = declareExchange("topic", BuiltinExchangeType.TOPIC);
        Map<String, String> queueByPattern = new LinkedHashMap<>();
        for (String pattern : expected.keySet()) {
            String q = serverNamedQueue();
            channel.queueBind(q, x, pattern);
            queueByPattern.put(pattern, q);
        }
        Channel pub = confirmChannel();
        for (String key : TOPIC_KEYS) {
            pub.basicPublish(x, key, null, utf8(key));
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : queueByPattern.entrySet()) {
            actual.put(e.getKey(), drain(channel, e.getValue()));
        }
        assertEquals(expected, actual);
    }

    @Test
    void headersExchangeMatchesLikeRabbitMq() throws Exception {
        // binding name → binding arguments
        Map<String, Map<String, Object>> bindings = new LinkedHashMap<>();
        bindings.put("all", Map.of("x-match", "all", "a", 1, "b", "two"));
        bindings.put("any", Map.of("x-match", "any", "a", 1, "b", "two"));
        bindings.put("no x-match means all", Map.of("a", 1, "b", "two"));
        bindings.put("all ignores x- keys", Map.of("x-match", "all", "x-k", "v"));
        bindings.put("any ignores x- keys", Map.of("x-match", "any", "x-k", "v"));
        bindings.put("all-with-x", Map.of("x-match", "all-with-x", "x-k", "v", "a", 1));
        bindings.put("any-with-x", Map.of("x-match", "any-with-x", "x-k", "v"));
        bindings.put("empty all", Map.of("x-match", "all"));
        bindings.put("empty any", Map.of("x-match", "any"));
        bindings.put("no arguments", Map.of());
        bindings.put("void value means present", mapWithNull("a"));
        bindings.put("long matches int", Map.of("x-match", "all", "a", 1L));
        bindings.put("string does not match int", Map.of("x-match", "all", "a", "1"));

        // message name → headers (null: no headers table at all)
        Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
        messages.put("a=1,b=two", Map.of("a", 1, "b", "two"));
        messages.put("a=1", Map.of("a", 1));
        messages.put("a=2", Map.of("a", 2));
        messages.put("a=1,b=x", Map.of("a", 1, "b", "x"));
        messages.put("empty", Map.of());
        messages.put("no headers", null);
        messages.put("x-k=v", Map.of("x-k", "v"));
        messages.put("x-k=v,a=1", Map.of("x-k", "v", "a", 1));
        messages.put("a=1L", Map.of("a", 1L));
        messages.put("a='1'", Map.of("a", "1"));
        messages.put("a=void", mapWithNull("a"));
        List<String> everything = List.copyOf(messages.keySet());

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("all", List.of("a=1,b=two"));
        expected.put("any", List.of("a=1,b=two", "a=1", "a=1,b=x", "x-k=v,a=1", "a=1L"));
        expected.put("no x-match means all", List.of("a=1,b=two"));
        expected.put("all ignores x- keys", everything);
        expected.put("any ignores x- keys", List.of());
        expected.put("all-with-x", List.of("x-k=v,a=1"));
        expected.put("any-with-x", List.of("x-k=v", "x-k=v,a=1"));
        expected.put("empty all", everything);
        expected.put("empty any", List.of());
        expected.put("no arguments", everything);
        expected.put("void value means present",
                List.of("a=1,b=two", "a=1", "a=2", "a=1,b=x", "x-k=v,a=1", "a=1L", "a='1'", "a=void"));
        expected.put("long matches int", List.of("a=1,b=two", "a=1", "a=1,b=x", "x-k=v,a=1", "a=1L"));
        expected.put("string does not match int", List.of("a='1'"));

        String x = declareExchange("headers", BuiltinExchangeType.HEADERS);
        Map<String, String> queueByBinding = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> b : bindings.entrySet()) {
            String q = serverNamedQueue();
            channel.queueBind(q, x, "ignored", b.getValue());
            queueByBinding.put(b.getKey(), q);
        }
        Channel pub = confirmChannel();
        for (Map.Entry<String, Map<String, Object>> m : messages.entrySet()) {
            pub.basicPublish(x, "", new AMQP.BasicProperties.Builder().headers(m.getValue()).build(), utf8(m.getKey()));
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : queueByBinding.entrySet()) {
            actual.put(e.getKey(), drain(channel, e.getValue()));
        }
        assertEquals(expected, actual);
    }

    @Test
    void amqMatchIsAHeadersExchange() throws Exception {
        String q = serverNamedQueue();
        Map<String, Object> args = Map.of("x-match", "any", "k", "v");
        channel.queueBind(q, "amq.match", "", args);
        try {
            Channel pub = confirmChannel();
            pub.basicPublish("amq.match", "", new AMQP.BasicProperties.Builder().headers(Map.of("k", "v")).build(),
                    utf8("matched"));
            pub.basicPublish("amq.match", "", new AMQP.BasicProperties.Builder().headers(Map.of("k", "w")).build(),
                    utf8("not matched"));
            pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
            assertEquals(List.of("matched"), drain(channel, q));
        } finally {
            channel.queueUnbind(q, "amq.match", "", args);
        }
    }

    private static Map<String, Object> mapWithNull(String key) {
        Map<String, Object> m = new HashMap<>();
        m.put(key, null);
        return m;
    }
}
