package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Direct and fanout routing, and routing through exchange-to-exchange bindings. */
class ExchangeRoutingTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();

    @AfterEach
    void everyMessageFreed() {
        messages.assertAllReleased();
    }

    private Queue queue(String name) {
        return vhost.declareQueue(name, false, false, FieldTable.EMPTY, null);
    }

    private Exchange exchange(String type, String name) {
        return vhost.declareExchange(type, name, false, false, false, FieldTable.EMPTY);
    }

    @Test
    void directRoutesByExactKey() {
        Exchange direct = exchange("direct", "d");
        vhost.bind(direct, queue("q1"), "k", FieldTable.EMPTY);
        vhost.bind(direct, queue("q2"), "k", FieldTable.EMPTY);
        vhost.bind(direct, queue("q3"), "other", FieldTable.EMPTY);
        vhost.bind(direct, queue("empty"), "", FieldTable.EMPTY);
        assertEquals(Set.of("q1", "q2"), messages.route(direct, "k"));
        assertEquals(Set.of("q3"), messages.route(direct, "other"));
        assertEquals(Set.of("empty"), messages.route(direct, ""));
        assertEquals(Set.of(), messages.route(direct, "K"));
        assertEquals(Set.of(), messages.route(direct, "k."));
        assertEquals(Set.of(), messages.route(direct, "*"));
    }

    @Test
    void directReachesAQueueBoundTwiceOnce() {
        Exchange direct = exchange("direct", "d");
        Queue q = queue("q");
        vhost.bind(direct, q, "k", FieldTable.EMPTY);
        vhost.bind(direct, q, "k", FieldTable.EMPTY);
        assertEquals(1, direct.bindings().size(), "the same binding twice is one binding");
        vhost.bind(direct, q, "k", FieldTable.of(Map.of("x", 1)));
        assertEquals(2, direct.bindings().size(), "other arguments: another binding");
        assertEquals(Set.of("q"), messages.route(direct, "k"));
        vhost.unbind(direct, q, "k", FieldTable.EMPTY);
        assertEquals(Set.of("q"), messages.route(direct, "k"), "the binding with arguments is still there");
        vhost.unbind(direct, q, "k", FieldTable.of(Map.of("x", 1)));
        assertEquals(Set.of(), messages.route(direct, "k"));
    }

    @Test
    void fanoutIgnoresTheKey() {
        Exchange fanout = exchange("fanout", "f");
        assertEquals(Set.of(), messages.route(fanout, "k"));
        vhost.bind(fanout, queue("q1"), "whatever", FieldTable.EMPTY);
        vhost.bind(fanout, queue("q2"), "", FieldTable.EMPTY);
        vhost.bind(fanout, vhost.queue("q2"), "again", FieldTable.EMPTY);
        assertEquals(Set.of("q1", "q2"), messages.route(fanout, "k"));
        assertEquals(Set.of("q1", "q2"), messages.route(fanout, ""));
        vhost.unbind(fanout, vhost.queue("q1"), "whatever", FieldTable.EMPTY);
        assertEquals(Set.of("q2"), messages.route(fanout, "k"));
    }

    @Test
    void exchangeToExchangeRoutesThroughEveryHop() {
        Exchange a = exchange("direct", "a");
        Exchange b = exchange("topic", "b");
        Exchange c = exchange("fanout", "c");
        vhost.bind(a, b, "k.x", FieldTable.EMPTY);
        vhost.bind(b, c, "k.*", FieldTable.EMPTY);
        vhost.bind(a, queue("qa"), "k.x", FieldTable.EMPTY);
        vhost.bind(b, queue("qb"), "#.x", FieldTable.EMPTY);
        vhost.bind(c, queue("qc"), "", FieldTable.EMPTY);
        assertEquals(Set.of("qa", "qb", "qc"), messages.route(a, "k.x"));
        assertEquals(Set.of(), messages.route(a, "k.y"), "a only passes k.x on");
        assertEquals(Set.of("qc"), messages.route(b, "k.y"));
    }

    @Test
    void aCycleOfExchangesTerminatesAndReachesEachQueueOnce() {
        Exchange a = exchange("fanout", "a");
        Exchange b = exchange("fanout", "b");
        Queue shared = queue("shared");
        vhost.bind(a, b, "", FieldTable.EMPTY);
        vhost.bind(b, a, "", FieldTable.EMPTY);
        vhost.bind(a, queue("qa"), "", FieldTable.EMPTY);
        vhost.bind(b, queue("qb"), "", FieldTable.EMPTY);
        vhost.bind(a, shared, "", FieldTable.EMPTY);
        vhost.bind(b, shared, "", FieldTable.EMPTY);
        assertEquals(Set.of("qa", "qb", "shared"), messages.route(a, "k"));
        assertEquals(Set.of("qa", "qb", "shared"), messages.route(b, "k"));
    }

    @Test
    void aSelfBindingAndALongerCycleTerminate() {
        Exchange a = exchange("topic", "a");
        Exchange b = exchange("topic", "b");
        Exchange c = exchange("topic", "c");
        vhost.bind(a, a, "#", FieldTable.EMPTY);
        vhost.bind(a, b, "#", FieldTable.EMPTY);
        vhost.bind(b, c, "#", FieldTable.EMPTY);
        vhost.bind(c, a, "#", FieldTable.EMPTY);
        vhost.bind(c, queue("qc"), "x", FieldTable.EMPTY);
        assertEquals(Set.of("qc"), messages.route(a, "x"));
        assertEquals(Set.of("qc"), messages.route(c, "x"));
        assertEquals(Set.of(), messages.route(b, "y"));
    }

    @Test
    void exchangeCreateKnowsRabbitMqsTypes() {
        for (String type : new String[] {"direct", "fanout", "topic", "headers"}) {
            assertEquals(type, Exchange.create(type, "n", false, false, false, FieldTable.EMPTY).type());
        }
        assertNull(Exchange.create("x-consistent-hash", "n", false, false, false, FieldTable.EMPTY));
    }

    /**
     * CC and BCC keys are routing keys at every exchange the message reaches (RabbitMQ passes the delivery's
     * keys along exchange-to-exchange bindings): a CC key leads to the topic exchange, which routes the BCC key.
     */
    @Test
    void ccAndBccKeysRouteAtEveryExchangeOnTheWay() {
        Exchange direct = exchange("direct", "d");
        Exchange topic = exchange("topic", "t");
        vhost.bind(direct, topic, "k1", FieldTable.EMPTY);
        vhost.bind(topic, queue("behind"), "k2.#", FieldTable.EMPTY);
        vhost.bind(topic, queue("other"), "other", FieldTable.EMPTY);
        vhost.bind(direct, queue("direct-bcc"), "k2.x", FieldTable.EMPTY);
        FieldTable headers = FieldTable.builder()
                .put("CC", new io.leveret.codec.FieldValue('A', java.util.List.of(longstr("k1"))))
                .put("BCC", new io.leveret.codec.FieldValue('A', java.util.List.of(longstr("k2.x"))))
                .build();
        Message m = messages.message("d", "", io.leveret.codec.BasicProperties.EMPTY.withHeaders(headers), "");
        try {
            Set<Queue> out = new java.util.LinkedHashSet<>();
            vhost.route(direct, m, out);
            Set<String> names = new java.util.TreeSet<>();
            out.forEach(q -> names.add(q.name()));
            assertEquals(Set.of("behind", "direct-bcc"), names);
        } finally {
            m.release();
        }
        assertEquals(Set.of(), messages.routeThroughVhost(vhost, direct, ""), "without CC nothing is reached");
    }

    private static io.leveret.codec.FieldValue longstr(String s) {
        return new io.leveret.codec.FieldValue('S', io.leveret.codec.LongString.of(s));
    }
}
