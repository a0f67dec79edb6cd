package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Known numbers of publishes, returns, drops, gets, deliveries and acks through the Java client move the
 * Prometheus counters (rabbitmq_prometheus's names and labels) by exactly those numbers, each under the type of
 * the queue it concerned, and the queue's gauges follow it; so do messages dead-lettered (or dropped) for each
 * reason. Against an external broker (RabbitMQ shared with other users) the global counters may move more than
 * ours did, so there they are checked as "at least"; the queue's own series are ours alone. RabbitMQ refreshes
 * per-queue gauges once per statistics interval, and its quorum queues count asynchronously: the test waits.
 * Series are keyed with their labels sorted by name, since RabbitMQ and Leveret's writer order them differently.
 */
class PrometheusTest extends BrokerTestSupport {
    private static final String CLASSIC = "{protocol=\"amqp091\",queue_type=\"rabbit_classic_queue\"}";
    private static final String QUORUM = "{protocol=\"amqp091\",queue_type=\"rabbit_quorum_queue\"}";
    private static final String STREAM = "{protocol=\"amqp091\",queue_type=\"rabbit_stream_queue\"}";
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final String AMQP = "{protocol=\"amqp091\"}";
    private static final long METRICS_TIMEOUT_MILLIS = 30_000;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Series (name plus label text, labels in the order served) to value. */
    private Map<String, Double> scrape(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(BrokerUnderTest.shared().prometheusUri()
                + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> out = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(sortedLabels(line.substring(0, space)), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** {@code series} with its labels in name order. */
    private static String sortedLabels(String series) {
        int brace = series.indexOf('{');
        if (brace < 0) {
            return series;
        }
        TreeMap<String, String> labels = new TreeMap<>();
        Matcher m = LABEL.matcher(series.substring(brace));
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        StringJoiner out = new StringJoiner(",", series.substring(0, brace) + "{", "}");
        labels.forEach((k, v) -> out.add(k + "=\"" + v + "\""));
        return out.toString();
    }

    private static Double queueSeries(Map<String, Double> m, String family, String queue) {
        return m.get(family + "{queue=\"" + queue + "\",vhost=\"/\"}");
    }

    /** A rabbitmq_global_messages_dead_lettered_* series, keyed as {@link #scrape} keys it. */
    private static String deadLettered(String reason, String queueType, String strategy) {
        return "rabbitmq_global_messages_dead_lettered_" + reason + "_total{dead_letter_strategy=\"" + strategy
                + "\",queue_type=\"rabbit_" + queueType + "_queue\"}";
    }

    /** Waits until {@code series} has moved by at least {@code by} since {@code before}. */
    private void awaitMoved(Map<String, Double> before, String series, long by) {
        long deadline = System.currentTimeMillis() + METRICS_TIMEOUT_MILLIS;
        double moved = 0;
        while (System.currentTimeMillis() < deadline) {
            try {
                moved = scrape("/metrics").getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (moved >= by) {
                return;
            }
            sleepBriefly();
        }
        throw new AssertionError(series + " moved by " + moved + ", not " + by + ", within " + METRICS_TIMEOUT_MILLIS
                + " ms");
    }

    private void awaitQueueGauges(String queue, long ready, long unacked) {
        long deadline = System.currentTimeMillis() + METRICS_TIMEOUT_MILLIS;
        Map<String, Double> m = Map.of();
        while (System.currentTimeMillis() < deadline) {
            try {
                m = scrape("/metrics/per-object");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Double r = queueSeries(m, "rabbitmq_queue_messages_ready", queue);
            Double u = queueSeries(m, "rabbitmq_queue_messages_unacked", queue);
            Double t = queueSeries(m, "rabbitmq_queue_messages", queue);
            if (r != null && r == ready && u != null && u == unacked && t != null && t == ready + unacked) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("queue " + queue + " never showed ready=" + ready + " unacked=" + unacked + " in "
                + "/metrics/per-object: ready=" + queueSeries(m, "rabbitmq_queue_messages_ready", queue) + " unacked="
                + queueSeries(m, "rabbitmq_queue_messages_unacked", queue));
    }

    private static void assertMoved(Map<String, Double> before, Map<String, Double> after, String series, long by) {
        double delta = after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
        assertTrue(after.containsKey(series), "no series " + series);
        if (BrokerUnderTest.isExternal()) {
            assertTrue(delta >= by, series + " moved by " + delta + ", at least " + by + " expected");
        } else {
            assertEquals(by, delta, series);
        }
    }

    @Test
    void countersAndGaugesMoveByExactlyWhatTheClientDid() throws Exception {
        Map<String, Double> before = scrape("/metrics");
        Channel ch = confirmChannel();
        String q = declareQueue("prom");
        AtomicInteger returned = new AtomicInteger();
        ch.addReturnListener(r -> returned.incrementAndGet());
        for (int i = 0; i < 7; i++) {
            ch.basicPublish("", q, null, utf8("m" + i));
        }
        String nowhere = unique("nowhere");
        for (int i = 0; i < 2; i++) {
            ch.basicPublish("amq.direct", nowhere, true, null, utf8("returned"));
        }
        for (int i = 0; i < 3; i++) {
            ch.basicPublish("amq.direct", nowhere, false, null, utf8("dropped"));
        }
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        await("2 returns", () -> returned.get() == 2);
        awaitQueueGauges(q, 7, 0);

        assertTrue(ch.basicGet(q, true) != null);
        assertTrue(ch.basicGet(q, true) != null);
        long tag = ch.basicGet(q, false).getEnvelope().getDeliveryTag();
        awaitQueueGauges(q, 4, 1);
        ch.basicAck(tag, false);

        CountDownLatch four = new CountDownLatch(4);
        Channel consumerChannel = connection.createChannel();
        consumerChannel.basicConsume(q, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                       byte[] body) throws IOException {
                four.countDown();
                if (four.getCount() == 0) {
                    getChannel().basicAck(envelope.getDeliveryTag(), true);
                }
            }
        });
        assertTrue(four.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        awaitQueueGauges(q, 0, 0);
        assertEquals(null, ch.basicGet(q, true));
        // The empty get's counter moves as the get-empty is sent: ask once more to be sure it was counted.
        ch.queueDeclarePassive(q);

        Map<String, Double> after = scrape("/metrics");
        assertMoved(before, after, "rabbitmq_global_messages_received_total" + AMQP, 12);
        assertMoved(before, after, "rabbitmq_global_messages_received_confirm_total" + AMQP, 12);
        assertMoved(before, after, "rabbitmq_global_messages_confirmed_total" + AMQP, 12);
        assertMoved(before, after, "rabbitmq_global_messages_routed_total" + AMQP, 7);
        assertMoved(before, after, "rabbitmq_global_messages_unroutable_returned_total" + AMQP, 2);
        assertMoved(before, after, "rabbitmq_global_messages_unroutable_dropped_total" + AMQP, 3);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_get_auto_ack_total" + CLASSIC, 2);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_get_manual_ack_total" + CLASSIC, 1);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_consume_manual_ack_total" + CLASSIC, 4);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_consume_auto_ack_total" + CLASSIC, 0);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_total" + CLASSIC, 7);
        assertMoved(before, after, "rabbitmq_global_messages_get_empty_total" + CLASSIC, 1);
        assertMoved(before, after, "rabbitmq_global_messages_acknowledged_total" + CLASSIC, 5);
        assertMoved(before, after, "rabbitmq_global_messages_redelivered_total" + CLASSIC, 0);
        for (String type : new String[] {QUORUM, STREAM}) {
            assertMoved(before, after, "rabbitmq_global_messages_delivered_total" + type, 0);
            assertMoved(before, after, "rabbitmq_global_messages_get_empty_total" + type, 0);
            assertMoved(before, after, "rabbitmq_global_messages_acknowledged_total" + type, 0);
        }
        assertMoved(before, after, "rabbitmq_queues_declared_total", 1);
        assertMoved(before, after, "rabbitmq_queues_created_total", 1);
        assertMoved(before, after, "rabbitmq_channels_opened_total", 2);
        consumerChannel.close();
        ch.close();
    }

    @Test
    void aQuorumQueuesMessagesAreCountedUnderItsType() throws Exception {
        Map<String, Double> before = scrape("/metrics");
        String q = unique("prom-quorum");
        channel.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
        deleteQueueAfterTest(q);
        Channel ch = confirmChannel();
        for (int i = 0; i < 4; i++) {
            ch.basicPublish("", q, null, utf8("m" + i));
        }
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));

        awaitGet(ch, q, true);
        ch.basicReject(awaitGet(ch, q, false).getEnvelope().getDeliveryTag(), true);
        // The other two and the returned one, which comes back redelivered.
        CountDownLatch three = new CountDownLatch(3);
        Channel consumerChannel = connection.createChannel();
        consumerChannel.basicQos(10);
        String tag = consumerChannel.basicConsume(q, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                       byte[] body) throws IOException {
                three.countDown();
                if (three.getCount() == 0) {
                    getChannel().basicAck(envelope.getDeliveryTag(), true);
                }
            }
        });
        assertTrue(three.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        consumerChannel.basicCancel(tag);
        awaitMoved(before, "rabbitmq_global_messages_acknowledged_total" + QUORUM, 3);
        assertEquals(null, ch.basicGet(q, true));
        awaitMoved(before, "rabbitmq_global_messages_get_empty_total" + QUORUM, 1);

        Map<String, Double> after = scrape("/metrics");
        assertMoved(before, after, "rabbitmq_global_messages_delivered_get_auto_ack_total" + QUORUM, 1);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_get_manual_ack_total" + QUORUM, 1);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_consume_manual_ack_total" + QUORUM, 3);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_consume_auto_ack_total" + QUORUM, 0);
        assertMoved(before, after, "rabbitmq_global_messages_delivered_total" + QUORUM, 5);
        assertMoved(before, after, "rabbitmq_global_messages_redelivered_total" + QUORUM, 1);
        assertMoved(before, after, "rabbitmq_global_messages_acknowledged_total" + QUORUM, 3);
        assertMoved(before, after, "rabbitmq_global_messages_get_empty_total" + QUORUM, 1);
        for (String type : new String[] {CLASSIC, STREAM}) {
            assertMoved(before, after, "rabbitmq_global_messages_delivered_total" + type, 0);
            assertMoved(before, after, "rabbitmq_global_messages_redelivered_total" + type, 0);
            assertMoved(before, after, "rabbitmq_global_messages_acknowledged_total" + type, 0);
            assertMoved(before, after, "rabbitmq_global_messages_get_empty_total" + type, 0);
        }
        consumerChannel.close();
        ch.close();
    }

    @Test
    void deadLetteringIsCountedByReasonQueueTypeAndStrategy() throws Exception {
        Map<String, Double> before = scrape("/metrics");
        Channel ch = confirmChannel();
        String target = declareQueue("prom-dead");
        Map<String, Object> toTarget = Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", target);

        // Classic, no dead-letter exchange: two expire and are dropped.
        String expiring = unique("prom-ttl");
        channel.queueDeclare(expiring, false, false, false, Map.of("x-message-ttl", 1));
        deleteQueueAfterTest(expiring);
        // Classic, to the target: three into a queue of one, the two oldest go.
        String full = unique("prom-maxlen");
        channel.queueDeclare(full, false, false, false, with(toTarget, "x-max-length", 1));
        deleteQueueAfterTest(full);
        // Classic, no dead-letter exchange: three rejected at once.
        String rejecting = declareQueue("prom-reject");
        // Quorum, to the target: two rejected, and two that expire.
        String quorumRejecting = unique("prom-q-reject");
        channel.queueDeclare(quorumRejecting, true, false, false, with(toTarget, "x-queue-type", "quorum"));
        deleteQueueAfterTest(quorumRejecting);
        String quorumExpiring = unique("prom-q-ttl");
        channel.queueDeclare(quorumExpiring, true, false, false,
                with(with(toTarget, "x-queue-type", "quorum"), "x-message-ttl", 1));
        deleteQueueAfterTest(quorumExpiring);
        // Quorum, no dead-letter exchange, no second delivery: two returned once are dropped.
        String limited = unique("prom-q-limit");
        channel.queueDeclare(limited, true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 0));
        deleteQueueAfterTest(limited);

        publish(ch, expiring, 2);
        publish(ch, full, 3);
        publish(ch, rejecting, 3);
        publish(ch, quorumRejecting, 2);
        publish(ch, quorumExpiring, 2);
        publish(ch, limited, 2);
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));

        awaitGet(ch, rejecting, false);
        awaitGet(ch, rejecting, false);
        ch.basicNack(awaitGet(ch, rejecting, false).getEnvelope().getDeliveryTag(), true, false);
        for (int i = 0; i < 2; i++) {
            ch.basicReject(awaitGet(ch, quorumRejecting, false).getEnvelope().getDeliveryTag(), false);
            ch.basicReject(awaitGet(ch, limited, false).getEnvelope().getDeliveryTag(), true);
        }

        awaitMoved(before, deadLettered("expired", "classic", "disabled"), 2);
        awaitMoved(before, deadLettered("maxlen", "classic", "at_most_once"), 2);
        awaitMoved(before, deadLettered("rejected", "classic", "disabled"), 3);
        awaitMoved(before, deadLettered("rejected", "quorum", "at_most_once"), 2);
        awaitMoved(before, deadLettered("expired", "quorum", "at_most_once"), 2);
        awaitMoved(before, deadLettered("delivery_limit", "quorum", "disabled"), 2);
        awaitReady(ch, target, 6);

        Map<String, Double> after = scrape("/metrics");
        assertMoved(before, after, deadLettered("expired", "classic", "disabled"), 2);
        assertMoved(before, after, deadLettered("expired", "classic", "at_most_once"), 0);
        assertMoved(before, after, deadLettered("maxlen", "classic", "at_most_once"), 2);
        assertMoved(before, after, deadLettered("maxlen", "classic", "disabled"), 0);
        assertMoved(before, after, deadLettered("rejected", "classic", "disabled"), 3);
        assertMoved(before, after, deadLettered("rejected", "classic", "at_most_once"), 0);
        assertMoved(before, after, deadLettered("rejected", "quorum", "at_most_once"), 2);
        assertMoved(before, after, deadLettered("rejected", "quorum", "disabled"), 0);
        assertMoved(before, after, deadLettered("rejected", "quorum", "at_least_once"), 0);
        assertMoved(before, after, deadLettered("expired", "quorum", "at_most_once"), 2);
        assertMoved(before, after, deadLettered("expired", "quorum", "at_least_once"), 0);
        assertMoved(before, after, deadLettered("delivery_limit", "quorum", "disabled"), 2);
        assertMoved(before, after, deadLettered("delivery_limit", "quorum", "at_most_once"), 0);
        assertMoved(before, after, deadLettered("delivery_limit", "quorum", "at_least_once"), 0);
        assertMoved(before, after, deadLettered("maxlen", "quorum", "at_most_once"), 0);
        assertMoved(before, after, deadLettered("confirmed", "quorum", "at_least_once"), 0);
        // RabbitMQ has no classic delivery_limit series; Leveret's own x-delivery-limit on classic queues makes one
        // once it counts (another suite on the same broker may have), so here it only must not move.
        String classicLimit = deadLettered("delivery_limit", "classic", "disabled");
        assertEquals(before.getOrDefault(classicLimit, 0.0), after.getOrDefault(classicLimit, 0.0), classicLimit);
        for (String absent : new String[] {deadLettered("maxlen", "quorum", "at_least_once"),
                deadLettered("confirmed", "classic", "disabled"), deadLettered("expired", "stream", "disabled")}) {
            assertFalse(after.containsKey(absent), "RabbitMQ 3.10.8 has no series " + absent);
        }
        ch.close();
    }

    private static void publish(Channel ch, String queue, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            ch.basicPublish("", queue, null, utf8(queue + " " + i));
        }
    }

    private static Map<String, Object> with(Map<String, Object> args, String key, Object value) {
        Map<String, Object> out = new HashMap<>(args);
        out.put(key, value);
        return out;
    }

    @Test
    void identityAndBuildInfoAreThereForTheDashboard() throws Exception {
        Map<String, Double> m = scrape("/metrics");
        assertTrue(m.entrySet().stream().anyMatch(e -> e.getKey().startsWith("rabbitmq_identity_info{")
                && e.getKey().contains("rabbitmq_node=\"") && e.getKey().contains("rabbitmq_cluster=\"")
                && e.getValue() == 1.0), "rabbitmq_identity_info");
        assertTrue(m.entrySet().stream().anyMatch(e -> e.getKey().startsWith("rabbitmq_build_info{")
                && e.getKey().contains("rabbitmq_version=\"3.10.8\"") && e.getValue() == 1.0), "rabbitmq_build_info");
        for (String gauge : new String[] {"rabbitmq_connections", "rabbitmq_channels", "rabbitmq_queues",
                "rabbitmq_consumers", "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked",
                "rabbitmq_process_resident_memory_bytes", "rabbitmq_disk_space_available_bytes",
                "rabbitmq_disk_space_available_limit_bytes", "rabbitmq_process_open_fds"}) {
            assertTrue(m.containsKey(gauge), gauge);
        }
        assertTrue(m.get("rabbitmq_connections") >= 1, "this test's own connection is open");
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(BrokerUnderTest.shared().prometheusUri()
                + "/no-such-path")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, r.statusCode());
    }
}
