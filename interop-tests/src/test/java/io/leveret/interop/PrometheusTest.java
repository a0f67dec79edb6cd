package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Known numbers of publishes, returns, drops, gets, deliveries and acks through the Java client move the
 * Prometheus counters (rabbitmq_prometheus's names and labels) by exactly those numbers, and the queue's
 * gauges follow it. Against an external broker (RabbitMQ shared with other users) the global counters may
 * move more than ours did, so there they are checked as "at least"; the queue's own series are ours alone.
 * RabbitMQ refreshes per-queue gauges once per statistics interval: the test waits for them.
 */
class PrometheusTest extends BrokerTestSupport {
    private static final String CLASSIC = "{protocol=\"amqp091\",queue_type=\"rabbit_classic_queue\"}";
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
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** A per-queue series: RabbitMQ labels vhost first, Leveret's writer sorts them; either order is found. */
    private static Double queueSeries(Map<String, Double> m, String family, String queue) {
        Double a = m.get(family + "{vhost=\"/\",queue=\"" + queue + "\"}");
        return a != null ? a : m.get(family + "{queue=\"" + queue + "\",vhost=\"/\"}");
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
        assertMoved(before, after, "rabbitmq_queues_declared_total", 1);
        assertMoved(before, after, "rabbitmq_queues_created_total", 1);
        assertMoved(before, after, "rabbitmq_channels_opened_total", 2);
        consumerChannel.close();
        ch.close();
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
