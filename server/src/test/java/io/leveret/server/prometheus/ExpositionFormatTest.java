package io.leveret.server.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.server.protocol.ResourceAlarms;
import io.leveret.server.stats.Counters;
import io.leveret.server.stats.GlobalCounts;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.Metric;
import io.leveret.server.stats.Occupancy;
import io.leveret.server.stats.Statistics;
import io.leveret.server.vhost.VirtualHost;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every line /metrics and /metrics/per-object serve is valid text exposition format 0.0.4. */
class ExpositionFormatTest {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|untyped|summary|histogram)");
    private static final String LABEL_VALUE = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE
            + ")(?:,[a-zA-Z_][a-zA-Z0-9_]*=" + LABEL_VALUE + ")*,?\\})? (-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)"
            + "(?: -?[0-9]+)?");

    private final List<VirtualHost> vhosts = List.of(new VirtualHost("/", ImmediateEventExecutor.INSTANCE),
            new VirtualHost("odd \"vhost\"\\", ImmediateEventExecutor.INSTANCE));
    private Statistics stats;
    private PrometheusServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vhosts.get(0).declareQueue("q1", false, false, FieldTable.EMPTY, null).stats().add(Metric.PUBLISH, 3);
        vhosts.get(1).declareQueue("q\n2", false, false, FieldTable.EMPTY, null);
        Counters c = new Counters();
        c.add(Metric.PUBLISH, 5);
        c.add(Metric.DELIVER_NO_ACK, 2);
        c.delivered(false, true, true);
        vhosts.get(0).stats().deadLettered(GlobalCounts.Reason.EXPIRED, false, false);
        vhosts.get(1).stats().deadLettered(GlobalCounts.Reason.EXPIRED, false, false);
        vhosts.get(1).stats().deadLettered(GlobalCounts.Reason.REJECTED, true, true);
        vhosts.get(0).stats().track(Kind.CHANNEL, "127.0.0.1:1 -> 127.0.0.1:2 (1)", c, new Occupancy() {
            @Override
            public int consumers() {
                return 2;
            }

            @Override
            public int unacked() {
                return 5;
            }
        });
        stats = Statistics.start(5000, true, () -> vhosts);
        server = PrometheusServer.start("127.0.0.1", 0,
                new RabbitMetrics(stats, () -> vhosts, ResourceAlarms.none(), "leveret@test", "leveret@test"), false);
    }

    @AfterEach
    void stop() {
        server.close();
        stats.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Checks every line; returns the samples, series text to value. */
    private static Map<String, Double> parse(String body) {
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new HashMap<>();
        assertTrue(body.endsWith("\n"), "the last line ends with a newline");
        for (String line : body.split("\n")) {
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                assertTrue(helped.add(m.group(1)), "one HELP per family: " + line);
            } else if ((m = TYPE.matcher(line)).matches()) {
                assertEquals(null, types.put(m.group(1), m.group(2)), "one TYPE per family: " + line);
                if (m.group(2).equals("counter")) {
                    assertTrue(m.group(1).endsWith("_total"), "RabbitMQ's counters end in _total: " + line);
                }
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                assertTrue(types.containsKey(m.group(1)), "a sample after its family's TYPE: " + line);
                String series = m.group(1) + (m.group(2) == null ? "" : m.group(2));
                assertEquals(null, samples.put(series, Double.parseDouble(m.group(3))), "a series once: " + line);
            } else {
                throw new AssertionError("not exposition format: '" + line + "'");
            }
        }
        return samples;
    }

    @Test
    void aggregatedMetricsAreValidAndSummed() throws Exception {
        HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
        Map<String, Double> s = parse(r.body());
        assertEquals(2.0, s.get("rabbitmq_queues"));
        assertEquals(3.0, s.get("rabbitmq_queue_messages_published_total"));
        assertEquals(5.0, s.get("rabbitmq_channel_messages_published_total"));
        assertEquals(1.0, s.get("rabbitmq_channels"));
        assertEquals(5.0, s.get("rabbitmq_channel_messages_unacked"));
        assertEquals(5.0, s.get("rabbitmq_global_messages_received_total{protocol=\"amqp091\"}"));
        assertEquals(2.0, s.get("rabbitmq_global_messages_delivered_consume_auto_ack_total{protocol=\"amqp091\","
                + "queue_type=\"rabbit_classic_queue\"}"));
        assertEquals(0.0, s.get("rabbitmq_global_messages_delivered_consume_manual_ack_total{protocol=\"amqp091\","
                + "queue_type=\"rabbit_classic_queue\"}"), "a quorum queue's delivery is not a classic one's");
        assertEquals(1.0, s.get("rabbitmq_global_messages_delivered_consume_manual_ack_total{protocol=\"amqp091\","
                + "queue_type=\"rabbit_quorum_queue\"}"));
        assertEquals(1.0, s.get("rabbitmq_global_messages_redelivered_total{protocol=\"amqp091\","
                + "queue_type=\"rabbit_quorum_queue\"}"));
        assertEquals(0.0, s.get("rabbitmq_global_messages_delivered_total{protocol=\"amqp091\","
                + "queue_type=\"rabbit_stream_queue\"}"));
        assertEquals(2.0, s.get("rabbitmq_global_messages_dead_lettered_expired_total{dead_letter_strategy=\"disabled\","
                + "queue_type=\"rabbit_classic_queue\"}"), "summed over vhosts");
        assertEquals(1.0, s.get("rabbitmq_global_messages_dead_lettered_rejected_total{"
                + "dead_letter_strategy=\"at_most_once\",queue_type=\"rabbit_quorum_queue\"}"));
        assertEquals(0.0, s.get("rabbitmq_global_messages_dead_lettered_confirmed_total{"
                + "dead_letter_strategy=\"at_least_once\",queue_type=\"rabbit_quorum_queue\"}"));
        assertFalse(s.keySet().stream().anyMatch(k -> k.startsWith("rabbitmq_global_messages_dead_lettered_maxlen_total")
                && k.contains("at_least_once")), "RabbitMQ has no at-least-once maxlen series");
        assertFalse(s.keySet().stream().anyMatch(k -> k.startsWith("rabbitmq_global_messages_dead_lettered_delivery_limit")
                && k.contains("rabbit_classic_queue")), "nor classic delivery-limit ones, unless Leveret counted some");
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("rabbitmq_identity_info{")
                && k.contains("rabbitmq_node=\"leveret@test\"") && k.contains("rabbitmq_cluster=\"leveret@test\"")
                && k.contains("rabbitmq_cluster_permanent_id=\"rabbitmq-cluster-id-")));
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("rabbitmq_build_info{")
                && k.contains("rabbitmq_version=\"3.10.8\"")));
    }

    @Test
    void perObjectMetricsAreValidAndLabelled() throws Exception {
        HttpResponse<String> r = get("/metrics/per-object");
        assertEquals(200, r.statusCode());
        Map<String, Double> s = parse(r.body());
        assertEquals(3.0, s.get("rabbitmq_queue_messages_published_total{queue=\"q1\",vhost=\"/\"}"));
        assertEquals(0.0, s.get("rabbitmq_queue_messages_ready{queue=\"q\\n2\",vhost=\"odd \\\"vhost\\\"\\\\\"}"),
                "quotes, backslashes and newlines in names are escaped");
        assertEquals(5.0, s.get("rabbitmq_channel_messages_published_total{channel=\"127.0.0.1:1 -> 127.0.0.1:2 (1)\"}"));
        assertEquals(2.0, s.get("rabbitmq_channel_consumers{channel=\"127.0.0.1:1 -> 127.0.0.1:2 (1)\"}"));
        assertEquals(5.0, s.get("rabbitmq_channel_messages_unacked{channel=\"127.0.0.1:1 -> 127.0.0.1:2 (1)\"}"));
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, get("/nothing").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }
}
