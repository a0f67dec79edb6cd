package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * x-message-ttl, per-message expiration, x-expires and dead-lettering (x-dead-letter-exchange,
 * x-dead-letter-routing-key, the x-death header), with RabbitMQ's semantics: the same tests pass against
 * RabbitMQ 3.10.8.
 */
class DeadLetterTest extends BrokerTestSupport {

    private String declare(String prefix, Map<String, Object> args) throws Exception {
        String q = unique(prefix);
        channel.queueDeclare(q, false, false, false, args);
        deleteQueueAfterTest(q);
        return q;
    }

    /** Publishes and waits for the confirm: the message is then in its queue. */
    private void publishConfirmed(String exchange, String key, AMQP.BasicProperties props, String body)
            throws Exception {
        Channel ch = confirmChannel();
        ch.basicPublish(exchange, key, props, utf8(body));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        ch.close();
    }

    private static AMQP.BasicProperties expiring(String ms) {
        return new AMQP.BasicProperties.Builder().expiration(ms).build();
    }

    @Test
    void queueTtlExpiresMessagesWithoutAConsumer() throws Exception {
        String q = declare("ttl", Map.of("x-message-ttl", 100));
        publishConfirmed("", q, null, "m");
        awaitReady(channel, q, 0);
    }

    @Test
    void perMessageExpirationExpiresWithoutAConsumer() throws Exception {
        String q = declare("ttl", Map.of());
        // Confirmed first, so that a count of one means "short" expired, not "long" still on its way.
        publishConfirmed("", q, expiring("100"), "short");
        publishConfirmed("", q, expiring("60000"), "long");
        awaitReady(channel, q, 1);
        assertEquals(List.of("long"), drain(channel, q));
    }

    @Test
    void aMessageThatBecomesTheHeadThroughBasicGetExpiresWithoutAnythingElseHappening() throws Exception {
        String q = declare("ttl", Map.of());
        publishConfirmed("", q, null, "no-ttl");
        publishConfirmed("", q, expiring("200"), "short");
        // Only the head expires; once basic.get takes it, the next head's deadline must fire on its own.
        assertEquals("no-ttl", text(channel.basicGet(q, true).getBody()));
        awaitReady(channel, q, 0);
    }

    @Test
    void ttlZeroReachesAWaitingConsumerOnly() throws Exception {
        String q = declare("ttl", Map.of("x-message-ttl", 0));
        // Confirmed: it is in the queue, with nobody waiting, before the consumer comes.
        publishConfirmed("", q, null, "nobody");
        Channel ch = connection.createChannel();
        Collector c = new Collector(ch);
        ch.basicConsume(q, true, c);
        channel.basicPublish("", q, null, utf8("taken"));
        assertEquals("taken", text(c.next().getBody()));
        assertNoMoreDeliveriesBeforeMarker(c, q, 1);
    }

    @Test
    void expiredMessageIsDeadLetteredWithXDeath() throws Exception {
        String dlx = declareExchange("dlx", BuiltinExchangeType.FANOUT);
        String dlq = declare("dlq", Map.of());
        channel.queueBind(dlq, dlx, "");
        String q = declare("src", Map.of("x-dead-letter-exchange", dlx));
        Map<String, Object> headers = new HashMap<>();
        headers.put("h", "v");
        channel.basicPublish("", q, new AMQP.BasicProperties.Builder().expiration("0").headers(headers).build(),
                utf8("m1"));
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("m1", text(r.getBody()));
        assertEquals(dlx, r.getEnvelope().getExchange());
        assertEquals(q, r.getEnvelope().getRoutingKey());
        assertNull(r.getProps().getExpiration());
        Map<String, Object> h = r.getProps().getHeaders();
        assertEquals("v", h.get("h").toString());
        assertEquals("expired", h.get("x-first-death-reason").toString());
        assertEquals(q, h.get("x-first-death-queue").toString());
        assertEquals("", h.get("x-first-death-exchange").toString());
        List<?> deaths = (List<?>) h.get("x-death");
        assertEquals(1, deaths.size());
        Map<?, ?> d = (Map<?, ?>) deaths.get(0);
        assertEquals(1L, d.get("count"));
        assertEquals("expired", d.get("reason").toString());
        assertEquals(q, d.get("queue").toString());
        assertEquals("", d.get("exchange").toString());
        assertEquals(List.of(q), ((List<?>) d.get("routing-keys")).stream().map(Object::toString).toList());
        assertEquals("0", d.get("original-expiration").toString());
        assertTrue(d.get("time") instanceof Date);
        assertTrue(Math.abs(((Date) d.get("time")).getTime() - System.currentTimeMillis()) < 60_000);
        assertEquals(7, d.size());
    }

    @Test
    void rejectedMessagesCountTheirDeaths() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("src", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
        channel.basicPublish("", q, null, utf8("m"));
        GetResponse g = awaitGet(channel, q, false);
        channel.basicReject(g.getEnvelope().getDeliveryTag(), false);
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("", r.getEnvelope().getExchange());
        assertEquals(dlq, r.getEnvelope().getRoutingKey());
        Map<?, ?> d = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("rejected", d.get("reason").toString());
        assertEquals(1L, d.get("count"));
        assertEquals(6, d.size(), "no original-expiration without an expiration: " + d);

        // The same message dies again in the same queue for the same reason: one entry, counted twice.
        channel.basicPublish("", q, r.getProps(), r.getBody());
        g = awaitGet(channel, q, false);
        channel.basicNack(g.getEnvelope().getDeliveryTag(), false, false);
        r = awaitGet(channel, dlq, true);
        List<?> deaths = (List<?>) r.getProps().getHeaders().get("x-death");
        assertEquals(1, deaths.size());
        assertEquals(2L, ((Map<?, ?>) deaths.get(0)).get("count"));
        assertEquals("rejected", r.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    /**
     * An x-death array written by brokers before RabbitMQ 3.5, with an entry per death, is compacted when the
     * message dies again, as RabbitMQ 3.10 does (the Java client's XDeathHeaderGrowth
     * .handlingOfXDeathHeadersFromEarlierVersions): one entry per queue and reason, the first one's fields,
     * its own count or, without one, the number of entries it stands for; counts are not added up. The
     * entries come out in reverse order of first appearance, the new death first.
     */
    @Test
    void legacyXDeathEntriesAreCompactedPerQueueAndReason() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("src", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
        List<Map<String, Object>> legacy = List.of(
                legacyDeath("qa", "expired", null, "a1"), legacyDeath("qb", "expired", 3L, "b1"),
                legacyDeath("qa", "expired", null, "a2"), legacyDeath("qb", "expired", 5L, "b2"),
                legacyDeath("qc", "rejected", 2L, "c1"), legacyDeath("qa", "rejected", null, "a3"),
                legacyDeath(q, "rejected", 7L, "d1"), legacyDeath(q, "rejected", 1L, "d2"),
                legacyDeath("qa", "expired", 9L, "a4"), legacyDeath("qa", "expired", null, "a5"));
        channel.basicPublish("", q, new AMQP.BasicProperties.Builder().headers(Map.of("x-death", legacy)).build(),
                utf8("m"));
        GetResponse g = awaitGet(channel, q, false);
        channel.basicReject(g.getEnvelope().getDeliveryTag(), false);
        GetResponse r = awaitGet(channel, dlq, true);
        List<?> deaths = (List<?>) r.getProps().getHeaders().get("x-death");
        // queue/reason/count/which entry: the death in q counts on from d1's 7; qa/expired had no count
        // in its first entry (a1), so it is the number of its entries (4); qb keeps b1's 3.
        assertEquals(List.of(q + "/rejected/8/d1", "qa/rejected/1/a3", "qc/rejected/2/c1", "qb/expired/3/b1",
                "qa/expired/4/a1"), deaths.stream().map(x -> {
                    Map<?, ?> d = (Map<?, ?>) x;
                    return d.get("queue") + "/" + d.get("reason") + "/" + d.get("count") + "/" + d.get("id");
                }).toList());
        for (Object d : deaths) {
            assertEquals(Long.class, ((Map<?, ?>) d).get("count").getClass(), "count is a long: " + d);
        }
        assertNull(r.getProps().getHeaders().get("x-first-death-queue"), "not a first death");

        // Dying again, the compacted array only gains a count: nothing is regrouped or reordered but the head.
        channel.basicPublish("", q, r.getProps(), r.getBody());
        g = awaitGet(channel, q, false);
        channel.basicReject(g.getEnvelope().getDeliveryTag(), false);
        r = awaitGet(channel, dlq, true);
        deaths = (List<?>) r.getProps().getHeaders().get("x-death");
        assertEquals(5, deaths.size());
        assertEquals(9L, ((Map<?, ?>) deaths.get(0)).get("count"));
    }

    private static Map<String, Object> legacyDeath(String queue, String reason, Long count, String id) {
        Map<String, Object> d = new HashMap<>();
        d.put("queue", queue);
        d.put("reason", reason);
        d.put("exchange", "legacy-" + id);
        d.put("routing-keys", List.of("k"));
        d.put("id", id);
        if (count != null) {
            d.put("count", count);
        }
        return d;
    }

    @Test
    void laterDeathsComeFirstInXDeath() throws Exception {
        String dlq = declare("dlq", Map.of());
        String q = declare("src", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq,
                "x-message-ttl", 0));
        channel.basicPublish("", q, null, utf8("m"));
        GetResponse r = awaitGet(channel, dlq, false);
        channel.basicReject(r.getEnvelope().getDeliveryTag(), false);
        String q2 = declare("src2", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
        channel.basicPublish("", q2, r.getProps(), r.getBody());
        GetResponse g = awaitGet(channel, q2, false);
        channel.basicReject(g.getEnvelope().getDeliveryTag(), false);
        r = awaitGet(channel, dlq, true);
        List<?> deaths = (List<?>) r.getProps().getHeaders().get("x-death");
        assertEquals(List.of(q2 + "/rejected", q + "/expired"), deaths.stream()
                .map(x -> ((Map<?, ?>) x).get("queue") + "/" + ((Map<?, ?>) x).get("reason")).toList());
        assertEquals("expired", r.getProps().getHeaders().get("x-first-death-reason").toString());
        assertEquals(q, r.getProps().getHeaders().get("x-first-death-queue").toString());
    }

    @Test
    void ccKeysAreKeptWithoutADeadLetterRoutingKeyAndDroppedWithOne() throws Exception {
        String dlx = declareExchange("dlx", BuiltinExchangeType.DIRECT);
        String dlqCc = declare("dlq-cc", Map.of());
        channel.queueBind(dlqCc, dlx, "cc-key");
        String keep = declare("src", Map.of("x-dead-letter-exchange", dlx, "x-message-ttl", 0));
        String other = unique("nowhere");
        channel.basicPublish("", keep, new AMQP.BasicProperties.Builder()
                .headers(Map.of("CC", List.of("cc-key"))).build(), utf8("m"));
        GetResponse r = awaitGet(channel, dlqCc, true);
        Map<?, ?> d = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
        assertEquals(List.of(keep, "cc-key"), ((List<?>) d.get("routing-keys")).stream().map(Object::toString).toList());
        assertNotNull(r.getProps().getHeaders().get("CC"));

        String dlq = declare("dlq", Map.of());
        channel.queueBind(dlq, dlx, "fixed");
        String fixed = declare("src", Map.of("x-dead-letter-exchange", dlx, "x-dead-letter-routing-key", "fixed",
                "x-message-ttl", 0));
        channel.basicPublish("", fixed, new AMQP.BasicProperties.Builder()
                .headers(Map.of("CC", List.of(other))).build(), utf8("m"));
        r = awaitGet(channel, dlq, true);
        assertFalse(r.getProps().getHeaders().containsKey("CC"));
    }

    /**
     * q dead-letters through a fanout back to itself and to a spy queue. When the message expires, its x-death
     * already names q, without a rejection: q is a cycle and is left out, the spy still gets it
     * (rabbit_dead_letter drops the cycling queues only). A marker published after shows that nothing comes
     * round again: q expires in order, so a message back in q would reach the spy ahead of the marker.
     */
    @Test
    void deadLetterCycleIsDropped() throws Exception {
        String dlx = declareExchange("dlx", BuiltinExchangeType.FANOUT);
        String spy = declare("spy", Map.of());
        channel.queueBind(spy, dlx, "");
        String q = declare("cycle", Map.of("x-dead-letter-exchange", dlx, "x-message-ttl", 50));
        channel.queueBind(q, dlx, "");
        publishConfirmed("", q, null, "round");
        awaitReady(channel, spy, 1);
        publishConfirmed("", q, null, "marker");
        List<String> seen = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        while (!seen.contains("marker")) {
            GetResponse r = awaitGet(channel, spy, true);
            seen.add(text(r.getBody()));
            Map<?, ?> d = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
            assertEquals(q, d.get("queue").toString());
            assertEquals("expired", d.get("reason").toString());
            counts.add((Long) d.get("count"));
        }
        assertEquals(List.of("round", "marker"), seen, "laps that reached the spy before the marker");
        assertEquals(List.of(1L, 1L), counts, "x-death counts of q/expired");
    }

    @Test
    void rejectionBreaksTheCycle() throws Exception {
        String q = declare("cycle", Map.of("x-dead-letter-exchange", ""));
        channel.basicPublish("", q, null, utf8("again"));
        GetResponse g = awaitGet(channel, q, false);
        channel.basicReject(g.getEnvelope().getDeliveryTag(), false);
        GetResponse r = awaitGet(channel, q, true);
        assertEquals("again", text(r.getBody()));
        assertEquals("rejected", r.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    @Test
    void missingDeadLetterExchangeDropsTheMessage() throws Exception {
        String dlx = unique("missing");
        String q = declare("src", Map.of("x-dead-letter-exchange", dlx, "x-message-ttl", 0));
        publishConfirmed("", q, null, "dropped");
        awaitReady(channel, q, 0);
        // Dropped, not kept for later: once the exchange exists, only the next dead letter reaches it.
        deleteExchangeAfterTest(dlx);
        channel.exchangeDeclare(dlx, BuiltinExchangeType.FANOUT);
        String dlq = declare("dlq", Map.of());
        channel.queueBind(dlq, dlx, "");
        publishConfirmed("", q, null, "dead-lettered");
        GetResponse r = awaitGet(channel, dlq, true);
        assertEquals("dead-lettered", text(r.getBody()));
        assertEquals("expired", r.getProps().getHeaders().get("x-first-death-reason").toString());
        assertEquals(q, r.getProps().getHeaders().get("x-first-death-queue").toString());
        assertEquals(List.of(), drain(channel, dlq));
    }

    @Test
    void unusedQueueExpires() throws Exception {
        long declared = System.nanoTime();
        String q = declare("expires", Map.of("x-expires", 300));
        long lived = awaitQueueGone(connection, q, declared);
        assertTrue(lived >= 300, "deleted " + lived + " ms after its declare, before x-expires ran out");
    }

    @Test
    void consumerKeepsAnExpiringQueueAlive() throws Exception {
        String q = declare("expires", Map.of("x-expires", 200));
        Channel ch = connection.createChannel();
        String tag = ch.basicConsume(q, true, new Collector(ch));
        // A twin without a consumer, declared after the consume: once it has expired, q's time has run out too.
        String twin = declare("expires-twin", Map.of("x-expires", 200));
        awaitQueueGone(connection, twin, System.nanoTime());
        assertTrue(queueExists(connection, q), "the consumer keeps q");
        long cancelled = System.nanoTime();
        ch.basicCancel(tag);
        long lived = awaitQueueGone(connection, q, cancelled);
        assertTrue(lived >= 200, "deleted " + lived + " ms after the cancel, before x-expires ran out");
    }
}
