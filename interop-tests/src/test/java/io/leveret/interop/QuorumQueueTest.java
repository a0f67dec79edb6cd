package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quorum queues (x-queue-type=quorum) as a client of one RabbitMQ 3.10.8 node sees them: durable only, the
 * arguments they refuse and check, x-delivery-count on every delivery, the delivery limit and dead-lettering,
 * the length limits (reject-publish takes one message past the limit, then refuses until the queue is below 80%
 * of it), no global qos, single active consumer and consumer priorities, the management API's type, leader,
 * members and online. Every expectation here was taken from RabbitMQ 3.10.8 and passes against it.
 */
class QuorumQueueTest extends BrokerTestSupport {

    static Map<String, Object> quorum(Object... keysAndValues) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-queue-type", "quorum");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            args.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return args;
    }

    private String declareQuorum(String prefix, Object... keysAndValues) throws Exception {
        String q = unique(prefix);
        channel.queueDeclare(q, true, false, false, quorum(keysAndValues));
        deleteQueueAfterTest(q);
        return q;
    }

    private Reply declareFails(String q, boolean durable, boolean exclusive, boolean autoDelete,
                               Map<String, Object> args) throws Exception {
        Channel ch = connection.createChannel();
        deleteQueueAfterTest(q);
        return closeCausedBy(ch, () -> ch.queueDeclare(q, durable, exclusive, autoDelete, args));
    }

    static Stream<Arguments> refusedDeclares() {
        String of = " of queue type rabbit_quorum_queue";
        return Stream.of(
                Arguments.of("non-durable", false, false, false, quorum(), "invalid property 'non-durable' for Q"),
                Arguments.of("exclusive", true, true, false, quorum(), "invalid property 'exclusive-owner' for Q"),
                Arguments.of("exclusive, non-durable", false, true, false, quorum(),
                        "invalid property 'exclusive-owner' for Q"),
                Arguments.of("auto-delete", true, false, true, quorum(), "invalid property 'auto-delete' for Q"),
                Arguments.of("all three", false, true, true, quorum(), "invalid property 'auto-delete' for Q"),
                Arguments.of("x-max-priority", true, false, false, quorum("x-max-priority", 5),
                        "invalid arg 'x-max-priority' for Q" + of),
                Arguments.of("arguments before properties", false, false, false, quorum("x-max-priority", 5),
                        "invalid arg 'x-max-priority' for Q" + of),
                Arguments.of("x-queue-mode", true, false, false, quorum("x-queue-mode", "lazy"),
                        "invalid arg 'x-queue-mode' for Q" + of),
                Arguments.of("RabbitMQ's order, not the table's", true, false, false,
                        quorum("x-queue-mode", "lazy", "x-max-priority", 5), "invalid arg 'x-max-priority' for Q" + of),
                Arguments.of("a bad value checked in order", true, false, false,
                        quorum("x-max-priority", 5, "x-message-ttl", -1),
                        "invalid arg 'x-message-ttl' for Q: {value_negative,-1}"),
                Arguments.of("x-max-age", true, false, false, quorum("x-max-age", "1D"),
                        "invalid arg 'x-max-age' for Q" + of),
                Arguments.of("x-stream-max-segment-size-bytes", true, false, false,
                        quorum("x-stream-max-segment-size-bytes", 5), "invalid arg 'x-stream-max-segment-size-bytes' for Q" + of),
                Arguments.of("x-initial-cluster-size", true, false, false, quorum("x-initial-cluster-size", 1),
                        "invalid arg 'x-initial-cluster-size' for Q" + of),
                Arguments.of("x-queue-master-locator", true, false, false,
                        quorum("x-queue-master-locator", "min-masters"), "invalid arg 'x-queue-master-locator' for Q" + of),
                Arguments.of("group size 0", true, false, false, quorum("x-quorum-initial-group-size", 0),
                        "invalid arg 'x-quorum-initial-group-size' for Q: {value_zero,0}"),
                Arguments.of("group size -1", true, false, false, quorum("x-quorum-initial-group-size", -1),
                        "invalid arg 'x-quorum-initial-group-size' for Q: {value_negative,-1}"),
                Arguments.of("group size text", true, false, false, quorum("x-quorum-initial-group-size", "3"),
                        "invalid arg 'x-quorum-initial-group-size' for Q: \"expected integer, got longstr\""),
                Arguments.of("leader locator", true, false, false, quorum("x-queue-leader-locator", "foo"),
                        "invalid arg 'x-queue-leader-locator' for Q: invalid_queue_locator_arg"),
                Arguments.of("dead-letter strategy", true, false, false, quorum("x-dead-letter-strategy", "foo"),
                        "invalid arg 'x-dead-letter-strategy' for Q: invalid_dlx_strategy"),
                Arguments.of("x-overflow", true, false, false, quorum("x-overflow", "foo"),
                        "invalid arg 'x-overflow' for Q: invalid_overflow"),
                Arguments.of("x-max-in-memory-length", true, false, false, quorum("x-max-in-memory-length", -1),
                        "invalid arg 'x-max-in-memory-length' for Q: {value_negative,-1}"),
                Arguments.of("x-single-active-consumer", true, false, false,
                        quorum("x-single-active-consumer", "true"),
                        "invalid arg 'x-single-active-consumer' for Q: {unacceptable_type,longstr}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedDeclares")
    void declaresRabbitMqRefusesAreRefusedWithItsText(String what, boolean durable, boolean exclusive,
                                                       boolean autoDelete, Map<String, Object> args,
                                                       String expected) throws Exception {
        String q = unique("qq-bad");
        Reply r = declareFails(q, durable, exclusive, autoDelete, args);
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - "
                + expected.replace("Q", "queue '" + q + "' in vhost '/'"), 50, 10), r);
    }

    @Test
    void aServerNamedQuorumQueueIsRefused() throws Exception {
        Reply r = declareFails("", true, false, false, quorum());
        assertEquals(Reply.channel(406,
                "PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_quorum_queue", 50, 10), r);
    }

    @Test
    void argumentsRabbitMqAcceptsDeclareAQuorumQueue() throws Exception {
        List<Map<String, Object>> accepted = List.of(quorum(), quorum("x-quorum-initial-group-size", 5),
                quorum("x-delivery-limit", -1), quorum("x-delivery-limit", "any"), quorum("x-message-ttl", 1000),
                quorum("x-expires", 100_000), quorum("x-overflow", "reject-publish-dlx"),
                quorum("x-max-in-memory-length", 3), quorum("x-single-active-consumer", true),
                quorum("x-queue-leader-locator", "balanced"), quorum("x-dead-letter-strategy", "at-least-once"),
                quorum("x-some-other", 1));
        for (Map<String, Object> args : accepted) {
            String q = unique("qq-ok");
            deleteQueueAfterTest(q);
            AMQP.Queue.DeclareOk ok = channel.queueDeclare(q, true, false, false, args);
            assertEquals(0, ok.getMessageCount(), args.toString());
            channel.queueDeclare(q, true, false, false, args); // the same again is equivalent
            channel.queueDeclarePassive(q);
            channel.queueDelete(q);
        }
    }

    @Test
    void redeclaringAcrossTypesIsAnInequivalence() throws Exception {
        String classic = unique("qq-eq");
        deleteQueueAfterTest(classic);
        channel.queueDeclare(classic, true, false, false, null);
        Channel ch = connection.createChannel();
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + classic
                        + "' in vhost '/': received the value 'quorum' of type 'longstr' but current is none", 50, 10),
                closeCausedBy(ch, () -> ch.queueDeclare(classic, true, false, false, quorum())));

        String explicit = unique("qq-eq");
        deleteQueueAfterTest(explicit);
        channel.queueDeclare(explicit, true, false, false, Map.of("x-queue-type", "classic"));
        Channel ch2 = connection.createChannel();
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '" + explicit
                        + "' in vhost '/': received 'quorum' but current is 'classic'", 50, 10),
                closeCausedBy(ch2, () -> ch2.queueDeclare(explicit, true, false, false, quorum())));

        String q = declareQuorum("qq-eq");
        String where = "for queue '" + q + "' in vhost '/'";
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of(), "inequivalent arg 'x-queue-type' " + where
                + ": received none but current is the value 'quorum' of type 'longstr'");
        cases.put(Map.of("x-queue-type", "classic"), "inequivalent arg 'x-queue-type' " + where
                + ": received 'classic' but current is 'quorum'");
        cases.put(quorum("x-quorum-initial-group-size", 3), "inequivalent arg 'x-quorum-initial-group-size' " + where
                + ": received the value '3' of type 'signedint' but current is none");
        cases.put(quorum("x-delivery-limit", 3), "inequivalent arg 'x-delivery-limit' " + where
                + ": received the value '3' of type 'signedint' but current is none");
        cases.put(quorum("x-dead-letter-strategy", "at-least-once"), "inequivalent arg 'x-dead-letter-strategy' "
                + where + ": received the value 'at-least-once' of type 'longstr' but current is none");
        for (var c : cases.entrySet()) {
            Channel each = connection.createChannel();
            assertEquals(Reply.channel(406, "PRECONDITION_FAILED - " + c.getValue(), 50, 10),
                    closeCausedBy(each, () -> each.queueDeclare(q, true, false, false, c.getKey())));
        }
        Channel nonDurable = connection.createChannel();
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' " + where
                        + ": received 'false' but current is 'true'", 50, 10),
                closeCausedBy(nonDurable, () -> nonDurable.queueDeclare(q, false, false, false, quorum())));
    }

    private static Object count(GetResponse r) {
        return r.getProps().getHeaders() == null ? null : r.getProps().getHeaders().get("x-delivery-count");
    }

    @Test
    void everyDeliveryCarriesItsCountAndAReturnIsRedelivered() throws Exception {
        String q = declareQuorum("qq-count");
        channel.basicPublish("", q, new AMQP.BasicProperties.Builder().deliveryMode(1).build(), utf8("m"));
        GetResponse first = awaitGet(channel, q, false);
        assertEquals(0L, count(first));
        assertFalse(first.getEnvelope().isRedeliver());
        assertEquals(1, first.getProps().getDeliveryMode(), "the delivery mode stays as published");
        channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        GetResponse second = awaitGet(channel, q, false);
        assertEquals(1L, count(second));
        assertTrue(second.getEnvelope().isRedeliver());
        channel.basicAck(second.getEnvelope().getDeliveryTag(), false);
    }

    /** Unlike a classic queue, which puts a requeued message back in its place. */
    @Test
    void aReturnedMessageGoesBehindTheOthersInTheOrderOfReturn() throws Exception {
        String q = declareQuorum("qq-order");
        publishConfirmed(q, 4, "m");
        GetResponse m0 = awaitGet(channel, q, false);
        GetResponse m1 = awaitGet(channel, q, false);
        GetResponse m2 = awaitGet(channel, q, false);
        channel.basicNack(m2.getEnvelope().getDeliveryTag(), false, true);
        channel.basicNack(m0.getEnvelope().getDeliveryTag(), false, true);
        awaitReady(channel, q, 3);
        assertEquals(List.of("m3", "m2", "m0"), drain(channel, q));
        channel.basicNack(m1.getEnvelope().getDeliveryTag(), false, true);
        awaitReady(channel, q, 1);
        assertEquals(List.of("m1"), drain(channel, q));

        String consumed = declareQuorum("qq-order");
        publishConfirmed(consumed, 4, "c");
        List<String> seen = new CopyOnWriteArrayList<>();
        Channel ch = connection.createChannel();
        ch.basicQos(2);
        ch.basicConsume(consumed, false, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body)
                    throws java.io.IOException {
                seen.add(text(body));
                // the first two come back once; everything after is acked
                if (seen.size() <= 2) {
                    ch.basicNack(env.getDeliveryTag(), false, true);
                } else {
                    ch.basicAck(env.getDeliveryTag(), false);
                }
            }
        });
        await("six deliveries", () -> seen.size() == 6);
        assertEquals(List.of("c0", "c1", "c2", "c3", "c0", "c1"), seen);
    }

    @Test
    void pastTheDeliveryLimitAMessageIsDeadLetteredAsDeliveryLimit() throws Exception {
        String dead = declareQueue("qq-dead");
        String q = declareQuorum("qq-limit", "x-delivery-limit", 1, "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dead);
        channel.basicPublish("", q, null, utf8("poison"));
        for (long expected = 0; expected <= 1; expected++) {
            GetResponse r = awaitGet(channel, q, false);
            assertEquals(expected, count(r));
            channel.basicReject(r.getEnvelope().getDeliveryTag(), true);
        }
        GetResponse d = awaitGet(channel, dead, true);
        assertEquals("poison", text(d.getBody()));
        Map<String, Object> headers = d.getProps().getHeaders();
        assertEquals("delivery_limit", headers.get("x-first-death-reason").toString());
        assertNull(headers.get("x-delivery-count"), "the dead-lettered copy is the message as published");
        assertNull(channel.basicGet(q, true));
    }

    @Test
    void aNegativeDeliveryLimitDropsAMessageAtItsFirstReturn() throws Exception {
        String q = declareQuorum("qq-limit", "x-delivery-limit", -1);
        channel.basicPublish("", q, null, utf8("once"));
        GetResponse r = awaitGet(channel, q, false);
        channel.basicReject(r.getEnvelope().getDeliveryTag(), true);
        awaitReady(channel, q, 0);
        assertNull(channel.basicGet(q, true));
    }

    @Test
    void aRejectedMessageIsDeadLetteredAsRejected() throws Exception {
        String dead = declareQueue("qq-dead");
        String q = declareQuorum("qq-rej", "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead);
        channel.basicPublish("", q, null, utf8("no"));
        GetResponse r = awaitGet(channel, q, false);
        channel.basicReject(r.getEnvelope().getDeliveryTag(), false);
        GetResponse d = awaitGet(channel, dead, true);
        assertEquals("rejected", d.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    private void publishConfirmed(String q, int n, String prefix) throws Exception {
        Channel ch = confirmChannel();
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", q, null, utf8(prefix + i));
        }
        ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
        ch.close();
    }

    @Test
    void dropHeadKeepsTheNewestWithinCountAndBytes() throws Exception {
        String dead = declareQueue("qq-dead");
        String byCount = declareQuorum("qq-len", "x-max-length", 2, "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dead);
        publishConfirmed(byCount, 4, "m");
        assertEquals(List.of("m2", "m3"), drain(channel, byCount));
        awaitReady(channel, dead, 2);
        GetResponse d = awaitGet(channel, dead, true);
        assertEquals("maxlen", d.getProps().getHeaders().get("x-first-death-reason").toString());

        String byBytes = declareQuorum("qq-len", "x-max-length-bytes", 5);
        publishConfirmed(byBytes, 4, "m");
        assertEquals(List.of("m2", "m3"), drain(channel, byBytes));

        // RabbitMQ 3.10's quorum queues take reject-publish-dlx as drop-head: every publish confirmed.
        String dlx = declareQuorum("qq-len", "x-max-length", 2, "x-overflow", "reject-publish-dlx");
        publishConfirmed(dlx, 4, "m");
        assertEquals(List.of("m2", "m3"), drain(channel, dlx));
    }

    /** Publishes one message and returns whether it was confirmed (true) or refused (false). */
    private static boolean confirmed(Channel ch, String q, String body) throws Exception {
        ch.basicPublish("", q, null, utf8(body));
        try {
            return ch.waitForConfirms(TIMEOUT.toMillis());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no confirm for " + body, e);
        }
    }

    @Test
    void rejectPublishTakesOneMorePastTheLimitThenRefusesUntilDownToFourFifths() throws Exception {
        String q = declareQuorum("qq-rp", "x-max-length", 10, "x-overflow", "reject-publish");
        Channel ch = confirmChannel();
        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            answers.add(confirmed(ch, q, "m" + i));
        }
        List<Boolean> expected = new ArrayList<>(java.util.Collections.nCopies(11, true));
        expected.add(false);
        assertEquals(expected, answers);
        awaitReady(channel, q, 11);
        takeAndAck(q, 2); // 9 ready: above 80% of 10
        assertFalse(confirmed(ch, q, "a"));
        takeAndAck(q, 1); // 8 ready
        assertTrue(confirmed(ch, q, "b"));
        assertTrue(confirmed(ch, q, "c")); // 9, and taking again up to the limit and one past it
        assertEquals(List.of("m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "b", "c"), drain(channel, q));
    }

    private void takeAndAck(String q, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            awaitGet(channel, q, true);
        }
        Thread.sleep(200); // RabbitMQ tells its publishers that the queue takes messages again asynchronously
    }

    @Test
    void aChannelWithGlobalQosCannotConsumeFromAQuorumQueue() throws Exception {
        String q = declareQuorum("qq-qos");
        Channel unlimited = connection.createChannel();
        unlimited.basicQos(0, true);
        unlimited.basicConsume(q, false, new DefaultConsumer(unlimited));
        var other = open();
        Channel ch = other.createChannel();
        ch.basicQos(10, true);
        Reply r = closeCausedBy(other, () -> ch.basicConsume(q, false, new DefaultConsumer(ch)));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - queue '" + q + "' in vhost '/' does not support global qos",
                60, 20), r);
    }

    /** A channel-wide prefetch set after the consumer came does not hold a quorum queue's deliveries back. */
    @Test
    void aGlobalQosSetAfterConsumingLeavesAQuorumConsumerUnlimited() throws Exception {
        String q = declareQuorum("qq-qos");
        String classic = declareQueue("qq-qos-classic");
        for (String queue : List.of(q, classic)) {
            List<String> got = new CopyOnWriteArrayList<>();
            Channel ch = connection.createChannel();
            ch.basicConsume(queue, false, recorder(ch, got, queue.equals(q) ? "quorum" : "classic"));
            ch.basicQos(1, true);
            publishConfirmed(queue, 3, "m");
            if (queue.equals(q)) {
                await("three deliveries", () -> got.size() == 3);
            } else {
                await("one delivery", () -> got.size() == 1);
                Thread.sleep(300); // and no more: the channel-wide limit holds the classic queue's back
                assertEquals(List.of("classic:m0"), got);
            }
        }
    }

    @Test
    void singleActiveConsumerAndConsumerPrioritiesApply() throws Exception {
        String sac = declareQuorum("qq-sac", "x-single-active-consumer", true);
        List<String> got = new CopyOnWriteArrayList<>();
        Channel a = connection.createChannel();
        Channel b = connection.createChannel();
        String tagA = a.basicConsume(sac, true, recorder(a, got, "a"));
        b.basicConsume(sac, true, recorder(b, got, "b"));
        publishConfirmed(sac, 2, "s");
        await("two deliveries", () -> got.size() == 2);
        a.basicCancel(tagA);
        publishConfirmed(sac, 1, "t");
        await("the third delivery", () -> got.size() == 3);
        assertEquals(List.of("a:s0", "a:s1", "b:t0"), got);

        String prio = declareQuorum("qq-prio");
        List<String> byPriority = new CopyOnWriteArrayList<>();
        Channel low = connection.createChannel();
        Channel high = connection.createChannel();
        low.basicConsume(prio, true, "", false, false, Map.of("x-priority", 1), recorder(low, byPriority, "low"));
        high.basicConsume(prio, true, "", false, false, Map.of("x-priority", 10), recorder(high, byPriority, "high"));
        publishConfirmed(prio, 3, "p");
        await("three deliveries", () -> byPriority.size() == 3);
        assertEquals(List.of("high:p0", "high:p1", "high:p2"), byPriority);
    }

    private static DefaultConsumer recorder(Channel ch, List<String> into, String name) {
        return new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] body) {
                into.add(name + ":" + text(body));
            }
        };
    }

    @Test
    void messagePrioritiesAreIgnoredAndTtlsExpire() throws Exception {
        String q = declareQuorum("qq-fifo");
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(i * 4).build(), utf8("m" + i));
        }
        awaitReady(channel, q, 3);
        assertEquals(List.of("m0", "m1", "m2"), drain(channel, q));

        String ttl = declareQuorum("qq-ttl", "x-message-ttl", 100);
        channel.basicPublish("", ttl, null, utf8("old"));
        channel.basicPublish("", ttl, new AMQP.BasicProperties.Builder().expiration("50").build(), utf8("older"));
        Thread.sleep(300); // well past both TTLs; nothing to await, as a quorum queue drops them when it looks
        assertNull(channel.basicGet(ttl, true));
    }

    @Test
    void aPolicyLimitsAQuorumQueue() throws Exception {
        ManagementHttp http = ManagementHttp.of(BrokerUnderTest.shared());
        String q = unique("qq-pol");
        String policy = unique("qq-pol");
        int status = http.put("/api/policies/%2F/" + policy, "{\"pattern\":\"^" + q
                + "$\",\"definition\":{\"max-length\":1,\"delivery-limit\":0},\"apply-to\":\"queues\"}")
                .statusCode();
        assertTrue(status == 201 || status == 204, "policy set: " + status);
        try {
            channel.queueDeclare(q, true, false, false, quorum());
            deleteQueueAfterTest(q);
            publishConfirmed(q, 2, "m");
            GetResponse r = awaitGet(channel, q, false);
            assertEquals("m1", text(r.getBody()));
            channel.basicReject(r.getEnvelope().getDeliveryTag(), true);
            awaitReady(channel, q, 0);
        } finally {
            http.delete("/api/policies/%2F/" + policy);
        }
    }

    /** On a quorum queue a policy's overflow wins over the queue's own x-overflow (on a classic one, the reverse). */
    @Test
    void aPolicysOverflowWinsOverTheQueuesOwn() throws Exception {
        ManagementHttp http = ManagementHttp.of(BrokerUnderTest.shared());
        String q = unique("qq-pov");
        String classic = unique("qq-pov-classic");
        String policy = unique("qq-pov");
        int status = http.put("/api/policies/%2F/" + policy, "{\"pattern\":\"^qq-pov\",\"definition\":"
                + "{\"overflow\":\"drop-head\"},\"apply-to\":\"queues\"}").statusCode();
        assertTrue(status == 201 || status == 204, "policy set: " + status);
        try {
            Thread.sleep(500); // RabbitMQ applies a new policy to queues declared right after it a moment later
            Map<String, Object> rejecting = Map.of("x-max-length", 1, "x-overflow", "reject-publish");
            channel.queueDeclare(q, true, false, false, quorum("x-max-length", 1, "x-overflow", "reject-publish"));
            deleteQueueAfterTest(q);
            channel.queueDeclare(classic, true, false, false, rejecting);
            deleteQueueAfterTest(classic);
            Channel ch = confirmChannel();
            List<Boolean> quorumAnswers = new ArrayList<>();
            List<Boolean> classicAnswers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                quorumAnswers.add(confirmed(ch, q, "m" + i));
                classicAnswers.add(confirmed(ch, classic, "m" + i));
            }
            assertEquals(List.of(true, true, true), quorumAnswers);
            assertEquals(List.of("m2"), drain(channel, q));
            assertEquals(List.of(true, false, false), classicAnswers);
            assertEquals(List.of("m0"), drain(channel, classic));
        } finally {
            http.delete("/api/policies/%2F/" + policy);
        }
    }

    @Test
    void aPolicysDeadLetterStrategyIsChecked() {
        ManagementHttp http = ManagementHttp.of(BrokerUnderTest.shared());
        String policy = unique("qq-dls");
        var bad = http.put("/api/policies/%2F/" + policy, "{\"pattern\":\"^nothing-matches\",\"definition\":"
                + "{\"dead-letter-strategy\":\"foo\"},\"apply-to\":\"queues\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("is not a valid dead letter strategy"), bad.body());
        var good = http.put("/api/policies/%2F/" + policy, "{\"pattern\":\"^nothing-matches\",\"definition\":"
                + "{\"dead-letter-strategy\":\"at-least-once\"},\"apply-to\":\"queues\"}");
        try {
            assertTrue(good.statusCode() == 201 || good.statusCode() == 204, good.body());
        } finally {
            http.delete("/api/policies/%2F/" + policy);
        }
    }

    @Test
    void theManagementApiDeclaresAndImportsQuorumQueuesAsRabbitMqDoes() throws Exception {
        ManagementHttp http = ManagementHttp.of(BrokerUnderTest.shared());
        String nonDurable = unique("qq-http");
        deleteQueueAfterTest(nonDurable);
        var refused = http.put("/api/queues/%2F/" + nonDurable,
                "{\"durable\":false,\"arguments\":{\"x-queue-type\":\"quorum\"}}");
        assertEquals(400, refused.statusCode());
        assertEquals("invalid property 'non-durable' for queue '" + nonDurable + "' in vhost '/'",
                ManagementHttp.json(refused).path("reason").asText());
        String priority = unique("qq-http");
        deleteQueueAfterTest(priority);
        var refusedArg = http.put("/api/queues/%2F/" + priority,
                "{\"durable\":true,\"arguments\":{\"x-queue-type\":\"quorum\",\"x-max-priority\":3}}");
        assertEquals(400, refusedArg.statusCode());
        assertEquals("invalid arg 'x-max-priority' for queue '" + priority + "' in vhost '/' of queue type"
                + " rabbit_quorum_queue", ManagementHttp.json(refusedArg).path("reason").asText());

        // An import leaves out a quorum queue that cannot be one and takes the rest.
        String autoDelete = unique("qq-import");
        String fine = unique("qq-import");
        deleteQueueAfterTest(autoDelete);
        deleteQueueAfterTest(fine);
        var imported = http.post("/api/definitions", "{\"queues\":["
                + "{\"name\":\"" + autoDelete + "\",\"vhost\":\"/\",\"durable\":true,\"auto_delete\":true,"
                + "\"arguments\":{\"x-queue-type\":\"quorum\"}},"
                + "{\"name\":\"" + fine + "\",\"vhost\":\"/\",\"durable\":true,\"auto_delete\":false,"
                + "\"arguments\":{\"x-queue-type\":\"quorum\"}}]}");
        assertEquals(204, imported.statusCode(), imported.body());
        assertEquals(404, http.get("/api/queues/%2F/" + autoDelete).statusCode());
        assertEquals("quorum", ManagementHttp.json(http.get("/api/queues/%2F/" + fine)).path("type").asText());
        channel.basicPublish("", fine, null, utf8("imported"));
        assertEquals(0L, count(awaitGet(channel, fine, true)));
    }

    @Test
    void managementShowsTheTypeAndThisNodeAsLeaderMemberAndOnline() throws Exception {
        ManagementHttp http = ManagementHttp.of(BrokerUnderTest.shared());
        String q = declareQuorum("qq-api");
        String classic = declareQueue("qq-api-classic");
        String node = ManagementHttp.json(http.get("/api/overview")).path("node").asText();
        assertFalse(node.isEmpty());
        JsonNode row = ManagementHttp.json(http.get("/api/queues/%2F/" + q));
        assertEquals("quorum", row.path("type").asText());
        assertEquals(node, row.path("leader").asText());
        assertEquals("[\"" + node + "\"]", row.path("members").toString());
        assertEquals("[\"" + node + "\"]", row.path("online").toString());
        assertEquals("{\"x-queue-type\":\"quorum\"}", row.path("arguments").toString());
        JsonNode classicRow = ManagementHttp.json(http.get("/api/queues/%2F/" + classic));
        assertEquals("classic", classicRow.path("type").asText());
        assertTrue(classicRow.path("leader").isMissingNode());

        JsonNode exported = null;
        for (JsonNode each : ManagementHttp.json(http.get("/api/definitions")).path("queues")) {
            if (each.path("name").asText().equals(q)) {
                exported = each;
            }
        }
        assertEquals("{\"x-queue-type\":\"quorum\"}", exported.path("arguments").toString());
        assertTrue(exported.path("durable").asBoolean());
    }
}
