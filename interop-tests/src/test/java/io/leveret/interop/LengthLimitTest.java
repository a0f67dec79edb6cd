package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.Test;

/**
 * x-max-length and x-max-length-bytes with each x-overflow mode, as RabbitMQ 3.10.8 behaves; a requeue is never
 * refused, but with drop-head the limit is enforced right after it (rabbit_amqqueue_process:requeue_and_run).
 */
class LengthLimitTest extends BrokerTestSupport {

    private String declare(String prefix, Map<String, Object> args) throws Exception {
        String q = unique(prefix);
        channel.queueDeclare(q, false, false, false, args);
        deleteQueueAfterTest(q);
        return q;
    }

    @Test
    void dropHeadKeepsTheNewestAndDeadLettersTheOldest() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("maxlen", Map.of("x-max-length", 2, "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dlq));
        Channel ch = confirmChannel();
        for (String m : List.of("a", "b", "c", "d")) {
            ch.basicPublish("", q, null, utf8(m));
        }
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        awaitReady(channel, dlq, 2);
        assertEquals(List.of("c", "d"), drain(channel, q));
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("a", text(r.getBody()));
        Map<?, ?> d = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("maxlen", d.get("reason").toString());
        assertEquals("maxlen", r.getProps().getHeaders().get("x-first-death-reason").toString());
        assertEquals("b", text(awaitGet(channel, dlq, true).getBody()));
    }

    @Test
    void maxLengthBytesCountsBodies() throws Exception {
        String q = declare("maxbytes", Map.of("x-max-length-bytes", 10));
        Channel ch = confirmChannel();
        for (String m : List.of("12345", "67890", "abc")) {
            ch.basicPublish("", q, null, utf8(m));
        }
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(List.of("67890", "abc"), drain(channel, q));
    }

    @Test
    void unacknowledgedMessagesDoNotCount() throws Exception {
        String q = declare("maxlen", Map.of("x-max-length", 1));
        Channel ch = confirmChannel();
        ch.basicPublish("", q, null, utf8("a"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        GetResponse held = awaitGet(channel, q, false);
        ch.basicPublish("", q, null, utf8("b"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(1, channel.queueDeclarePassive(q).getMessageCount());
        channel.basicAck(held.getEnvelope().getDeliveryTag(), false);
    }

    @Test
    void rejectPublishNacksWhatDoesNotFit() throws Exception {
        String q = declare("reject", Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        Channel ch = confirmChannel();
        ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>(List.of(1L, 2L, 3L, 4L));
        ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
        ConcurrentSkipListSet<Long> nacked = new ConcurrentSkipListSet<>();
        ch.addConfirmListener((tag, multiple) -> record(outstanding, acked, tag, multiple),
                (tag, multiple) -> record(outstanding, nacked, tag, multiple));
        for (String m : List.of("a", "b", "c", "d")) {
            ch.basicPublish("", q, null, utf8(m));
        }
        assertFalse(ch.waitForConfirms(TIMEOUT.toMillis()));
        await("every publish confirmed", outstanding::isEmpty);
        assertEquals(List.of(1L, 2L), List.copyOf(acked));
        assertEquals(List.of(3L, 4L), List.copyOf(nacked));
        assertEquals(List.of("a", "b"), drain(channel, q));
        ch.basicPublish("", q, null, utf8("e"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()), "room again once the queue drained");
        assertEquals(List.of("e"), drain(channel, q));
    }

    /** A confirm settles {@code tag}, or with {@code multiple} every one still outstanding up to it. */
    private static void record(ConcurrentSkipListSet<Long> outstanding, ConcurrentSkipListSet<Long> into, long tag,
                               boolean multiple) {
        for (Long t : multiple ? List.copyOf(outstanding.headSet(tag, true)) : List.of(tag)) {
            if (outstanding.remove(t)) {
                into.add(t);
            }
        }
    }

    @Test
    void rejectPublishDlxDeadLettersWhatDoesNotFit() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("reject", Map.of("x-max-length", 1, "x-overflow", "reject-publish-dlx",
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
        Channel ch = confirmChannel();
        ch.basicPublish("", q, null, utf8("kept"));
        ch.basicPublish("", q, null, utf8("refused"));
        assertFalse(ch.waitForConfirms(TIMEOUT.toMillis()));
        assertEquals(List.of("kept"), drain(channel, q));
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("refused", text(r.getBody()));
        assertEquals("maxlen", r.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    @Test
    void rejectPublishWithoutConfirmsDropsSilently() throws Exception {
        String q = declare("reject", Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        channel.basicPublish("", q, null, utf8("a"));
        channel.basicPublish("", q, null, utf8("b"));
        awaitReady(channel, q, 1);
        assertEquals(List.of("a"), drain(channel, q));
    }
    /**
     * m1 and m2 are published and taken unacknowledged with basic.get, m3 and m4 published after them, then m1 and
     * m2 nacked back with requeue: they return ahead of m3 and m4.
     */
    private void requeueTwoBehindTwoMore(String q, String... bodies) throws Exception {
        Channel ch = confirmChannel();
        ch.basicPublish("", q, null, utf8(bodies[0]));
        ch.basicPublish("", q, null, utf8(bodies[1]));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        awaitGet(channel, q, false);
        long second = awaitGet(channel, q, false).getEnvelope().getDeliveryTag();
        ch.basicPublish("", q, null, utf8(bodies[2]));
        ch.basicPublish("", q, null, utf8(bodies[3]));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        channel.basicNack(second, true, true);
    }

    @Test
    void aRequeueOverMaxLengthDropsAndDeadLettersTheOldest() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("maxlen", Map.of("x-max-length", 2, "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dlq));
        requeueTwoBehindTwoMore(q, "m1", "m2", "m3", "m4");
        awaitReady(channel, dlq, 2);
        assertEquals(List.of("m3", "m4"), drain(channel, q));
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("m1", text(r.getBody()));
        assertEquals("maxlen", r.getProps().getHeaders().get("x-first-death-reason").toString());
        assertEquals("m2", text(awaitGet(channel, dlq, true).getBody()));
    }

    @Test
    void aRequeueOverMaxLengthBytesDropsTheOldest() throws Exception {
        String q = declare("maxbytes", Map.of("x-max-length-bytes", 6));
        requeueTwoBehindTwoMore(q, "m1", "m2", "m3", "m4");
        awaitReady(channel, q, 3);
        // Four 2-byte bodies are 8 bytes: the head goes, which is the requeued m1.
        assertEquals(List.of("m2", "m3", "m4"), drain(channel, q));
    }

    @Test
    void aRequeueIsNeverRefusedAndLeavesARejectPublishQueueOverItsLimit() throws Exception {
        String q = declare("reject", Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        requeueTwoBehindTwoMore(q, "m1", "m2", "m3", "m4");
        awaitReady(channel, q, 4);
        Channel ch = confirmChannel();
        ch.basicPublish("", q, null, utf8("m5"));
        assertFalse(ch.waitForConfirms(TIMEOUT.toMillis()), "still over its limit: the publish is refused");
        assertEquals(List.of("m1", "m2", "m3", "m4"), drain(channel, q));
    }
}
