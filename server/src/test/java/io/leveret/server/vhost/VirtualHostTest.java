package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The vhost's topology: the default exchange, declares, deletes and what they take with them. */
class VirtualHostTest {
    private final VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);
    private final TestMessages messages = new TestMessages();

    @AfterEach
    void everyMessageFreed() {
        messages.assertAllReleased();
    }

    private Queue queue(String name) {
        return vhost.declareQueue(name, false, false, FieldTable.EMPTY, null);
    }

    private Set<String> routeThroughVhost(Exchange x, String key) {
        return messages.routeThroughVhost(vhost, x, key);
    }

    @Test
    void hasRabbitMqsStandardExchanges() {
        assertSame(vhost.defaultExchange(), vhost.exchange(""));
        assertEquals("direct", vhost.exchange("").type());
        assertEquals("direct", vhost.exchange("amq.direct").type());
        assertEquals("fanout", vhost.exchange("amq.fanout").type());
        assertEquals("topic", vhost.exchange("amq.topic").type());
        assertEquals("headers", vhost.exchange("amq.headers").type());
        assertEquals("headers", vhost.exchange("amq.match").type());
        assertTrue(vhost.exchange("amq.rabbitmq.trace").internal());
        assertTrue(vhost.exchange("amq.direct").durable());
    }

    @Test
    void theDefaultExchangeRoutesToTheQueueNamedByTheKey() {
        queue("q1");
        queue("q2");
        assertEquals(Set.of("q1"), routeThroughVhost(vhost.defaultExchange(), "q1"));
        assertEquals(Set.of("q2"), routeThroughVhost(vhost.defaultExchange(), "q2"));
        assertEquals(Set.of(), routeThroughVhost(vhost.defaultExchange(), "nope"));
        assertEquals(Set.of(), routeThroughVhost(vhost.defaultExchange(), ""));
        vhost.deleteQueue(vhost.queue("q1"));
        assertEquals(Set.of(), routeThroughVhost(vhost.defaultExchange(), "q1"));
    }

    @Test
    void declareReturnsTheExistingObject() {
        Queue q = queue("q");
        assertSame(q, vhost.declareQueue("q", true, true, FieldTable.EMPTY, new Object()));
        Exchange x = vhost.declareExchange("topic", "x", false, false, false, FieldTable.EMPTY);
        assertSame(x, vhost.declareExchange("fanout", "x", true, true, true, FieldTable.EMPTY));
        assertEquals("topic", vhost.exchange("x").type());
    }

    @Test
    void anAutoDeleteExchangeGoesWithItsLastBinding() {
        Exchange x = vhost.declareExchange("direct", "ad", false, true, false, FieldTable.EMPTY);
        Queue q1 = queue("q1");
        Queue q2 = queue("q2");
        vhost.bind(x, q1, "k", FieldTable.EMPTY);
        vhost.bind(x, q2, "k", FieldTable.EMPTY);
        vhost.unbind(x, q1, "k", FieldTable.EMPTY);
        assertSame(x, vhost.exchange("ad"), "one binding is left");
        vhost.unbind(x, q2, "nope", FieldTable.EMPTY);
        assertSame(x, vhost.exchange("ad"), "unbinding what is not there changes nothing");
        vhost.unbind(x, q2, "k", FieldTable.EMPTY);
        assertNull(vhost.exchange("ad"));
    }

    @Test
    void anAutoDeleteExchangeThatNeverHadABindingStays() {
        vhost.declareExchange("fanout", "ad", false, true, false, FieldTable.EMPTY);
        assertNotNull(vhost.exchange("ad"));
    }

    @Test
    void anAutoDeleteExchangeGoesWhenTheQueueOfItsLastBindingIsDeleted() {
        Exchange x = vhost.declareExchange("fanout", "ad", false, true, false, FieldTable.EMPTY);
        Queue q = queue("q");
        vhost.bind(x, q, "", FieldTable.EMPTY);
        vhost.deleteQueue(q);
        assertNull(vhost.exchange("ad"));
    }

    @Test
    void deleteExchangeRemovesItsOutgoingAndIncomingBindings() {
        Exchange up = vhost.declareExchange("fanout", "up", false, false, false, FieldTable.EMPTY);
        Exchange mid = vhost.declareExchange("fanout", "mid", false, false, false, FieldTable.EMPTY);
        Exchange down = vhost.declareExchange("fanout", "down", false, false, false, FieldTable.EMPTY);
        Queue q = queue("q");
        Queue qUp = queue("qup");
        vhost.bind(up, mid, "", FieldTable.EMPTY);
        vhost.bind(up, qUp, "", FieldTable.EMPTY);
        vhost.bind(mid, down, "", FieldTable.EMPTY);
        vhost.bind(mid, q, "", FieldTable.EMPTY);
        assertTrue(down.inUse());

        vhost.deleteExchange(mid);

        assertNull(vhost.exchange("mid"));
        assertEquals(List.of("qup"), up.bindings().stream().map(b -> b.destination().name()).toList());
        assertFalse(down.inUse(), "mid's binding to down is gone");
        assertTrue(q.bindings().isEmpty(), "mid's binding to q is gone");
        assertEquals(Set.of("qup"), routeThroughVhost(up, ""));
    }

    @Test
    void deleteExchangeTakesAnAutoDeleteSourceWithIt() {
        Exchange source = vhost.declareExchange("fanout", "source", false, true, false, FieldTable.EMPTY);
        Exchange target = vhost.declareExchange("fanout", "target", false, false, false, FieldTable.EMPTY);
        vhost.bind(source, target, "", FieldTable.EMPTY);
        vhost.deleteExchange(target);
        assertNull(vhost.exchange("source"), "its last binding went with target");
    }

    @Test
    void deleteQueueRemovesItsBindingsEverywhere() {
        Exchange direct = vhost.declareExchange("direct", "d", false, false, false, FieldTable.EMPTY);
        Exchange topic = vhost.declareExchange("topic", "t", false, false, false, FieldTable.EMPTY);
        Queue q = queue("q");
        Queue other = queue("other");
        vhost.bind(direct, q, "k", FieldTable.EMPTY);
        vhost.bind(topic, q, "#", FieldTable.EMPTY);
        vhost.bind(topic, other, "#", FieldTable.EMPTY);
        assertEquals(2, q.bindings().size());

        vhost.deleteQueue(q);

        assertNull(vhost.queue("q"));
        assertTrue(q.isDeleted());
        assertFalse(direct.hasBindings());
        assertEquals(List.of("other"), topic.bindings().stream().map(b -> b.destination().name()).toList());
        assertEquals(Set.of("other"), routeThroughVhost(topic, "k"));
        assertNotNull(vhost.exchange("d"), "a plain exchange stays without bindings");
    }

    @Test
    void deletingAQueueTwiceOrAStaleQueueIsHarmless() {
        Queue q = queue("q");
        vhost.deleteQueue(q);
        vhost.deleteQueue(q);
        Queue again = queue("q");
        vhost.deleteQueue(q);
        assertSame(again, vhost.queue("q"), "deleting the old object leaves the new queue of that name");
    }
}
