package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.store.Blob;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which policy applies (RabbitMQ 3.10's rabbit_policy:match), how a policy merges with an operator policy
 * (rabbit_policy:get) and with a queue's own arguments (rabbit_amqqueue_process:process_args_policy), and the
 * checks of a definition with RabbitMQ's reasons (each text below was read from RabbitMQ 3.10.8's
 * {@code rabbitmqctl import_definitions} with the same policy).
 */
class PoliciesTest {

    static Policy policy(String name, String pattern, Policy.ApplyTo applyTo, int priority, Map<String, ?> def) {
        return Policy.of(name, pattern, applyTo, priority, FieldTable.of(def), false, Blob.EMPTY);
    }

    static Policy operator(String name, String pattern, int priority, Map<String, ?> def) {
        return Policy.of(name, pattern, Policy.ApplyTo.ALL, priority, FieldTable.of(def), true, Blob.EMPTY);
    }

    private static String reason(Map<String, ?> def, boolean operator) {
        return assertThrows(IllegalArgumentException.class, () -> Policy.of("p", ".*", Policy.ApplyTo.ALL, 0,
                FieldTable.of(def), operator, Blob.EMPTY)).getMessage();
    }

    @Test
    void thePatternMatchesAnywhereInTheNameAsErlangsReRunDoes() {
        Policy p = policy("p", "ttl", Policy.ApplyTo.ALL, 0, Map.of("max-length", 1L));
        assertTrue(p.matches(true, "a.ttl.b"));
        assertTrue(p.matches(false, "ttl"));
        assertFalse(p.matches(true, "TTL"));
        Policy anchored = policy("p", "^orders\\.", Policy.ApplyTo.ALL, 0, Map.of("max-length", 1L));
        assertTrue(anchored.matches(true, "orders.eu"));
        assertFalse(anchored.matches(true, "x.orders.eu"));
    }

    @Test
    void applyToLimitsTheKindOfObject() {
        Policy queues = policy("q", ".*", Policy.ApplyTo.QUEUES, 0, Map.of("max-length", 1L));
        Policy exchanges = policy("x", ".*", Policy.ApplyTo.EXCHANGES, 0, Map.of("alternate-exchange", "ae"));
        assertTrue(queues.matches(true, "a"));
        assertFalse(queues.matches(false, "a"));
        assertTrue(exchanges.matches(false, "a"));
        assertFalse(exchanges.matches(true, "a"));
    }

    @Test
    void theHighestPriorityAppliesAloneAndTiesGoToTheFirstName() {
        Policies ps = Policies.NONE
                .with(policy("low", "^q", Policy.ApplyTo.ALL, 1, Map.of("max-length", 1L, "message-ttl", 5L)))
                .with(policy("high", "^q\\.high", Policy.ApplyTo.ALL, 9, Map.of("max-length", 3L)));
        assertEquals(FieldTable.of(Map.of("max-length", 3L)), ps.effective(true, "q.high.1"),
                "nothing of the lower policy, not even a key the higher one lacks");
        assertEquals(FieldTable.of(Map.of("max-length", 1L, "message-ttl", 5L)), ps.effective(true, "q.other"));
        assertEquals(FieldTable.EMPTY, ps.effective(true, "other"));

        Policies tie = Policies.NONE.with(policy("b", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 2L)))
                .with(policy("a", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 1L)));
        assertEquals("a", tie.match(true, "x", false).name());
    }

    @Test
    void settingAPolicyOfTheSameNameReplacesItAndClearingRemovesIt() {
        Policies ps = Policies.NONE.with(policy("p", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 1L)))
                .with(policy("p", ".*", Policy.ApplyTo.ALL, 0, Map.of("max-length", 7L)))
                .with(operator("p", ".*", 0, Map.of("max-length", 9L)));
        assertEquals(2, ps.all().size(), "a policy and an operator policy may share a name");
        assertEquals(7L, ps.effective(true, "q").field("max-length").longValue());
        Policies cleared = ps.without("p", false);
        assertEquals(9L, cleared.effective(true, "q").field("max-length").longValue());
        assertNull(cleared.without("p", true).match(true, "q", true));
    }

    @Test
    void anOperatorPolicyMergesWithThePolicyTheLowerValueWinning() {
        Policies ps = Policies.NONE
                .with(policy("p", ".*", Policy.ApplyTo.ALL, 0,
                        Map.of("max-length", 10L, "message-ttl", 100L, "dead-letter-exchange", "dlx")))
                .with(operator("op", ".*", 0, Map.of("max-length", 5L, "message-ttl", 1000L, "expires", 60000L)));
        FieldTable e = ps.effective(true, "q");
        assertEquals(5L, e.field("max-length").longValue());
        assertEquals(100L, e.field("message-ttl").longValue());
        assertEquals(60000L, e.field("expires").longValue(), "a key only the operator policy sets");
        assertEquals("dlx", e.field("dead-letter-exchange").stringValue());
    }

    @Test
    void lengthsAndTtlsTakeTheLowerOfArgumentAndPolicyTheDeadLetterSettingsTheArgument() {
        FieldTable args = FieldTable.of(Map.of("x-max-length", 5, "x-message-ttl", 100,
                "x-dead-letter-exchange", "mine", "x-overflow", "reject-publish"));
        FieldTable policy = FieldTable.of(Map.of("max-length", 3L, "message-ttl", 1000L, "max-length-bytes", 64L,
                "dead-letter-exchange", "theirs", "dead-letter-routing-key", "k", "overflow", "drop-head",
                "expires", 5000L, "delivery-limit", 4L));
        QueueArguments a = QueueArguments.effective(args, policy);
        assertEquals(3, a.maxLength());
        assertEquals(100, a.messageTtl());
        assertEquals(64, a.maxLengthBytes());
        assertEquals(5000, a.expires());
        assertEquals(4, a.deliveryLimit());
        assertEquals("mine", a.deadLetterExchange());
        assertEquals("k", a.deadLetterRoutingKey(), "the policy's routing key with the argument's exchange");
        assertEquals(QueueArguments.Overflow.REJECT_PUBLISH, a.overflow());

        QueueArguments fromPolicy = QueueArguments.effective(FieldTable.EMPTY, policy);
        assertEquals("theirs", fromPolicy.deadLetterExchange());
        assertEquals(QueueArguments.Overflow.DROP_HEAD, fromPolicy.overflow());
        assertEquals(QueueArguments.Overflow.REJECT_PUBLISH_DLX, QueueArguments.effective(FieldTable.EMPTY,
                FieldTable.of(Map.of("overflow", "reject-publish-dlx"))).overflow());
        assertEquals(QueueArguments.parse(args), QueueArguments.effective(args, FieldTable.EMPTY));
        assertEquals(2, QueueArguments.effective(FieldTable.of(Map.of("x-delivery-limit", 2)), policy).deliveryLimit());
    }

    @Test
    void definitionsAreCheckedWithRabbitMqsReasons() {
        assertEquals("-1 is not a valid message TTL", reason(Map.of("message-ttl", -1L), false));
        assertEquals("0 is not a valid queue expiry", reason(Map.of("expires", 0L), false));
        assertEquals("<<\"x\">> is not a valid overflow value", reason(Map.of("overflow", "x"), false));
        assertEquals("<<\"10\">> is not a valid maximum length", reason(Map.of("max-length", "10"), false));
        assertEquals("-5 is not a valid maximum length in bytes", reason(Map.of("max-length-bytes", -5L), false));
        assertEquals("1 is not a valid dead letter exchange name", reason(Map.of("dead-letter-exchange", 1L), false));
        assertEquals("true is not a valid dead letter routing key",
                reason(Map.of("dead-letter-routing-key", true), false));
        assertEquals("1 is not a valid alternate exchange name", reason(Map.of("alternate-exchange", 1L), false));
        assertEquals("-1 is not a valid delivery limit", reason(Map.of("delivery-limit", -1L), false));
        assertEquals("[{<<\"foo\">>,1}] are not recognised policy settings", reason(Map.of("foo", 1L), false));
        assertEquals("no policy provided", reason(Map.of(), false));
        assertEquals("[{<<\"dead-letter-exchange\">>,<<\"x\">>}] are not recognised policy settings",
                reason(Map.of("dead-letter-exchange", "x"), true), "operator policies take limits only");
        assertEquals("pattern should be regular expression but is invalid: Unclosed group near index 1",
                assertThrows(IllegalArgumentException.class, () -> Policy.of("p", "(", Policy.ApplyTo.ALL, 0,
                        FieldTable.of(Map.of("max-length", 1L)), false, Blob.EMPTY)).getMessage());
        assertEquals("apply-to 'bogus' unrecognised; should be 'queues', 'exchanges' or 'all'",
                assertThrows(IllegalArgumentException.class, () -> Policy.ApplyTo.of("bogus")).getMessage());
        // What RabbitMQ accepts, and a RabbitMQ export may hold, imports: mirroring keys have no effect here.
        policy("ha", ".*", Policy.ApplyTo.ALL, 0, Map.of("ha-mode", "all", "queue-mode", "lazy", "max-length", 1L));
    }
}
