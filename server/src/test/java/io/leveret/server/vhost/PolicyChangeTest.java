package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Setting and clearing policies on a running vhost: each queue whose policy changed gets its new settings on
 * its own thread and acts on them at once, as RabbitMQ 3.10 does when {@code rabbitmqctl set_policy} changes
 * a live queue (each behaviour below was checked that way: a lowered max-length drops the oldest messages, a
 * new message-ttl leaves messages already queued alone, x-expires counts from the change). Tests with timers
 * run the queues on a real single-threaded executor; the others let the test thread play the queue's thread.
 */
class PolicyChangeTest {
    private final TestMessages messages = new TestMessages();
    private final List<EventExecutorGroup> executors = new ArrayList<>();
    private VirtualHost vhost = new VirtualHost("/", ImmediateEventExecutor.INSTANCE);

    @AfterEach
    void everyMessageFreed() throws Exception {
        for (Queue q : List.copyOf(vhost.queues())) {
            on(q, () -> {
                vhost.deleteQueue(q);
                return null;
            });
        }
        for (EventExecutorGroup e : executors) {
            e.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        messages.assertAllReleased();
    }

    private VirtualHost timedVhost() {
        DefaultEventExecutor executor = new DefaultEventExecutor();
        executors.add(executor);
        vhost = new VirtualHost("/", executor);
        return vhost;
    }

    /** Runs {@code task} on the queue's thread and waits for its answer. */
    private static <T> T on(Queue q, Callable<T> task) throws Exception {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        q.execute(() -> {
            try {
                f.complete(task.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    private void publish(Queue q, String... bodies) throws Exception {
        for (String b : bodies) {
            Message m = messages.message(q.name(), b);
            on(q, () -> {
                q.enqueue(m);
                return null;
            });
        }
    }

    /** Takes every ready message with basic.get (no-ack) and returns the bodies. */
    private static List<String> drain(Queue q) throws Exception {
        return on(q, () -> {
            List<String> out = new ArrayList<>();
            for (Delivery d = Gets.now(q, true); d != null; d = Gets.now(q, true)) {
                out.add(d.message().body().toString(java.nio.charset.StandardCharsets.UTF_8));
                d.message().release();
            }
            return out;
        });
    }

    @Test
    void aLoweredMaxLengthDropsTheOldestMessagesIntoThePolicysDeadLetterExchange() throws Exception {
        Queue q = vhost.declareQueue("work", false, false, FieldTable.EMPTY, null);
        Queue dead = vhost.declareQueue("dead", false, false, FieldTable.EMPTY, null);
        publish(q, "1", "2", "3", "4", "5");

        vhost.setPolicy(PoliciesTest.policy("limit", "^work$", Policy.ApplyTo.QUEUES, 0,
                Map.of("max-length", 2L, "dead-letter-exchange", "", "dead-letter-routing-key", "dead")));

        assertEquals(2, q.settings().maxLength());
        assertEquals(List.of("4", "5"), drain(q));
        assertEquals(List.of("1", "2", "3"), drain(dead), "dead-lettered as maxlen, oldest first");
        assertEquals(-1, dead.settings().maxLength(), "the pattern is anchored: 'dead' does not match");
        assertEquals(FieldTable.EMPTY, q.arguments(), "a redeclare still compares the declared arguments only");
    }

    @Test
    void clearingThePolicyLiftsItsLimitAndTheQueuesOwnArgumentStays() throws Exception {
        Queue q = vhost.declareQueue("work", false, false, FieldTable.of(Map.of("x-max-length", 4)), null);
        vhost.setPolicy(PoliciesTest.policy("limit", "work", Policy.ApplyTo.ALL, 0, Map.of("max-length", 1L)));
        publish(q, "1", "2");
        assertEquals(List.of("2"), drain(q));

        vhost.setPolicy(PoliciesTest.policy("limit", "work", Policy.ApplyTo.ALL, 0, Map.of("max-length", 10L)));
        assertEquals(4, q.settings().maxLength(), "the queue's own x-max-length is lower");

        vhost.clearPolicy("limit", false);
        assertEquals(QueueArguments.parse(q.arguments()), q.settings());
        publish(q, "1", "2", "3", "4", "5");
        assertEquals(List.of("2", "3", "4", "5"), drain(q));
    }

    @Test
    void aLoweredLimitDropsHeadsIfTheOldOrTheNewOverflowIsDropHead() throws Exception {
        Queue q = vhost.declareQueue("work", false, false, FieldTable.EMPTY, null);
        publish(q, "1", "2", "3", "4", "5");
        vhost.setPolicy(PoliciesTest.policy("p", ".*", Policy.ApplyTo.ALL, 0,
                Map.of("max-length", 2L, "overflow", "reject-publish")));
        assertEquals(List.of("4", "5"), drain(q), "dropped under the old overflow, drop-head");

        publish(q, "1", "2", "3", "4", "5");
        vhost.setPolicy(PoliciesTest.policy("p", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 3L,
                "overflow", "reject-publish-dlx")));
        assertEquals(List.of("1", "2"), drain(q), "reject-publish to reject-publish-dlx drops nothing");

        publish(q, "1", "2", "3");
        vhost.setPolicy(PoliciesTest.policy("p", ".*", Policy.ApplyTo.ALL, 0,
                Map.of("max-length", 1L, "overflow", "drop-head")));
        assertEquals(List.of("3"), drain(q), "dropped under the new overflow, drop-head");
    }

    @Test
    void aPolicyOnlyForExchangesLeavesQueuesAlone() throws Exception {
        Queue q = vhost.declareQueue("work", false, false, FieldTable.EMPTY, null);
        vhost.setPolicy(PoliciesTest.policy("x", ".*", Policy.ApplyTo.EXCHANGES, 0, Map.of("max-length", 1L)));
        publish(q, "1", "2");
        assertEquals(List.of("1", "2"), drain(q));
    }

    @Test
    void anOperatorPolicyCapsAPolicysLimit() throws Exception {
        Queue q = vhost.declareQueue("work", false, false, FieldTable.EMPTY, null);
        vhost.setPolicy(PoliciesTest.policy("p", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 3L)));
        vhost.setPolicy(PoliciesTest.operator("cap", ".*", 0, Map.of("max-length", 1L)));
        publish(q, "1", "2", "3");
        assertEquals(List.of("3"), drain(q));
        Queue later = vhost.declareQueue("later", false, false, FieldTable.EMPTY, null);
        assertEquals(1, later.settings().maxLength(), "a queue declared later gets the policies too");
    }

    @Test
    void aPolicysAlternateExchangeTakesWhatAnExchangeCannotRouteUnlessItHasItsOwn() {
        Exchange x = vhost.declareExchange("direct", "orders", false, false, false, FieldTable.EMPTY);
        Exchange own = vhost.declareExchange("direct", "own", false, false, false,
                FieldTable.of(Map.of("alternate-exchange", "own.ae")));
        Exchange ae = vhost.declareExchange("fanout", "ae", false, false, false, FieldTable.EMPTY);
        Exchange ownAe = vhost.declareExchange("fanout", "own.ae", false, false, false, FieldTable.EMPTY);
        vhost.bind(ae, vhost.declareQueue("unrouted", false, false, FieldTable.EMPTY, null), "", FieldTable.EMPTY);
        vhost.bind(ownAe, vhost.declareQueue("own.unrouted", false, false, FieldTable.EMPTY, null), "",
                FieldTable.EMPTY);

        assertEquals(Set.of(), route(x));
        vhost.setPolicy(PoliciesTest.policy("ae", "^(orders|own)$", Policy.ApplyTo.EXCHANGES, 0,
                Map.of("alternate-exchange", "ae")));
        assertEquals(Set.of("unrouted"), route(x));
        assertEquals(Set.of("own.unrouted"), route(own), "the argument wins (rabbit_policy:get_arg)");
        Exchange later = vhost.declareExchange("topic", "orders2", false, false, false, FieldTable.EMPTY);
        assertNull(later.alternateExchange(), "the pattern is anchored");

        vhost.clearPolicy("ae", false);
        assertEquals(Set.of(), route(x));
    }

    private Set<String> route(Exchange x) {
        return messages.routeThroughVhost(vhost, x, "nowhere");
    }

    @Test
    void aNewTtlAppliesToMessagesEnqueuedAfterTheChange() throws Exception {
        VirtualHost v = timedVhost();
        Queue q = v.declareQueue("work", false, false, FieldTable.EMPTY, null);
        publish(q, "before");
        v.setPolicy(PoliciesTest.policy("ttl", ".*", Policy.ApplyTo.QUEUES, 0, Map.of("message-ttl", 20L)));
        publish(q, "after");
        Thread.sleep(200);
        // Only the head expires (RabbitMQ): "after" waits behind "before", which has no deadline.
        assertEquals(2, (int) on(q, q::messageCount));
        Delivery first = on(q, () -> Gets.now(q, true));
        assertEquals("before", first.message().body().toString(java.nio.charset.StandardCharsets.UTF_8));
        first.message().release();
        assertNull(on(q, () -> Gets.now(q, true)), "'after' had expired");
    }

    @Test
    void anExpiresFromAPolicyDeletesTheUnusedQueueCountingFromTheChange() throws Exception {
        VirtualHost v = timedVhost();
        Queue q = v.declareQueue("idle", false, false, FieldTable.EMPTY, null);
        Queue kept = v.declareQueue("kept", false, false, FieldTable.of(Map.of("x-expires", 3_600_000)), null);
        RecordingChannel ch = new RecordingChannel();
        Queue busy = v.declareQueue("idle.busy", false, false, FieldTable.EMPTY, null);
        on(busy, () -> busy.addConsumer(new QueueConsumer(ch, "c", true, false, 0, FieldTable.EMPTY)));

        v.setPolicy(PoliciesTest.policy("exp", "^idle", Policy.ApplyTo.QUEUES, 0, Map.of("expires", 100L)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (v.queue("idle") != null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertNull(v.queue("idle"));
        assertTrue(on(q, q::isDeleted));
        assertSame(kept, v.queue("kept"));
        assertNotNull(v.queue("idle.busy"), "a queue with a consumer is in use");
    }
}
