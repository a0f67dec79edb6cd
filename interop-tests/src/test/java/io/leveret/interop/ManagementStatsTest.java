package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code message_stats} and rates in the management API, as RabbitMQ's management plugin shows them: a known
 * traffic (publishes with confirms through an exchange of the test's own, acknowledged gets, an empty get,
 * deliveries without acks) counted on the queue, the exchange, the channels, the connection, the vhost and
 * the overview. Both brokers sample every few seconds, so each answer is awaited.
 */
class ManagementStatsTest {
    /** RabbitMQ samples every 5 s; a count may take two samples to show. */
    private static final Duration SAMPLED = Duration.ofSeconds(30);
    private static final int PUBLISHED = 10;
    private static final int GOT = 3;

    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final ManagementHttp http = ManagementHttp.of(broker);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String queue = "stats-q-" + suffix;
    private final String exchange = "stats-x-" + suffix;
    private final String vhostPath = ManagementHttp.segment(broker.vhost());

    @AfterEach
    void cleanUp() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDelete(queue);
            ch.exchangeDelete(exchange);
        }
    }

    private JsonNode await(String path, Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + SAMPLED.toNanos();
        JsonNode last;
        do {
            last = ManagementHttp.json(http.get(path));
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not within " + SAMPLED + ": GET " + path + " answered " + last);
    }

    private static long stat(JsonNode row, String key) {
        return row.path("message_stats").path(key).asLong(-1);
    }

    @Test
    void trafficIsCountedOnEveryObjectItCrosses() throws Exception {
        String connectionName = "stats-conn-" + suffix;
        try (Connection c = broker.factory().newConnection(connectionName)) {
            Channel publisher = c.createChannel();
            publisher.exchangeDeclare(exchange, "fanout", false);
            publisher.queueDeclare(queue, false, false, false, null);
            publisher.queueBind(queue, exchange, "");
            publisher.confirmSelect();
            for (int i = 0; i < PUBLISHED; i++) {
                publisher.basicPublish(exchange, "", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.waitForConfirmsOrDie(10_000);

            Channel consumer = c.createChannel();
            for (int i = 0; i < GOT; i++) {
                GetResponse r = consumer.basicGet(queue, false);
                consumer.basicAck(r.getEnvelope().getDeliveryTag(), false);
            }
            CountDownLatch rest = new CountDownLatch(PUBLISHED - GOT);
            consumer.basicConsume(queue, true, (tag, d) -> rest.countDown(), tag -> { });
            assertTrue(rest.await(10, TimeUnit.SECONDS));
            Channel empty = c.createChannel();
            assertEquals(null, empty.basicGet(queue, true));

            JsonNode q = await("/api/queues/" + vhostPath + "/" + queue, row -> stat(row, "publish") == PUBLISHED
                    && stat(row, "deliver_get") == PUBLISHED && stat(row, "ack") == GOT && stat(row, "get_empty") == 1
                    // RabbitMQ may answer a row without its lengths until the queue's next statistics event.
                    && row.path("messages").asLong(-1) == 0 && row.has("messages_details"));
            assertEquals(GOT, stat(q, "get"));
            assertEquals(PUBLISHED - GOT, stat(q, "deliver_no_ack"));
            assertEquals(0, stat(q, "redeliver"));
            assertTrue(q.path("message_stats").path("publish_details").path("rate").isNumber(), q.toString());
            assertTrue(q.path("messages_details").path("rate").isNumber(), q.toString());

            JsonNode x = await("/api/exchanges/" + vhostPath + "/" + exchange,
                    row -> stat(row, "publish_in") == PUBLISHED && stat(row, "publish_out") == PUBLISHED);
            assertTrue(x.path("message_stats").path("publish_in_details").path("rate").isNumber(), x.toString());

            String connection = name(await("/api/connections", rows -> name(rows, connectionName) != null),
                    connectionName);
            String encoded = ManagementHttp.segment(connection);
            JsonNode channels = await("/api/connections/" + encoded + "/channels", rows -> {
                JsonNode pub = channel(rows, 1);
                JsonNode con = channel(rows, 2);
                return pub != null && stat(pub, "publish") == PUBLISHED && stat(pub, "confirm") == PUBLISHED
                        && con != null && stat(con, "deliver_get") == PUBLISHED;
            });
            JsonNode con = channel(channels, 2);
            assertEquals(GOT, stat(con, "ack"));
            assertEquals(GOT, stat(con, "get"));
            assertEquals(PUBLISHED - GOT, stat(con, "deliver_no_ack"));
            assertEquals(1, stat(channel(channels, 3), "get_empty"));

            JsonNode conn = await("/api/connections/" + encoded,
                    row -> row.path("recv_oct").asLong() > 0 && row.path("send_oct").asLong() > 0);
            assertTrue(conn.path("recv_oct_details").path("rate").isNumber(), conn.toString());
        }

        JsonNode vhost = await("/api/vhosts/" + vhostPath, row -> stat(row, "publish") >= PUBLISHED);
        assertTrue(vhost.path("message_stats").path("publish_details").path("rate").isNumber(), vhost.toString());
        JsonNode overview = await("/api/overview", o -> stat(o, "publish") >= PUBLISHED);
        assertEquals("basic", overview.get("rates_mode").asText());
        assertTrue(overview.path("queue_totals").path("messages_details").path("rate").isNumber(), overview.toString());
    }

    @Test
    void anAgeAndIncrementGiveSamplesAndABadOneIsRefused() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, false, false, false, null);
            ch.basicPublish("", queue, null, new byte[1]);
            JsonNode q = await("/api/queues/" + vhostPath + "/" + queue + "?msg_rates_age=60&msg_rates_incr=5"
                    + "&lengths_age=60&lengths_incr=5", row -> stat(row, "publish") == 1);
            JsonNode details = q.path("message_stats").path("publish_details");
            assertTrue(details.path("samples").isArray() && details.path("samples").size() > 0, q.toString());
            JsonNode sample = details.path("samples").get(0);
            assertTrue(sample.path("sample").isNumber() && sample.path("timestamp").isNumber(), q.toString());
            assertTrue(details.path("avg").isNumber() && details.path("avg_rate").isNumber(), q.toString());
            assertTrue(q.path("messages_details").path("samples").isArray(), q.toString());
        }
        // RabbitMQ names the error differently for its paginated lists and for the rest.
        assertRefused("/api/queues/" + vhostPath + "?msg_rates_age=0&msg_rates_incr=5", "invalid_range_parameters");
        assertRefused("/api/exchanges?msg_rates_age=0&msg_rates_incr=5", "invalid_range_parameters");
        assertRefused("/api/queues/" + vhostPath + "/" + queue + "?msg_rates_age=0&msg_rates_incr=5", "bad_request");
        assertRefused("/api/channels?msg_rates_age=0&msg_rates_incr=5", "bad_request");
        assertEquals(400, http.get("/api/overview?lengths_age=2505&lengths_incr=5").statusCode());
        // What is not a whole number RabbitMQ does not read at all.
        assertEquals(200, http.get("/api/overview?msg_rates_age=abc&msg_rates_incr=5").statusCode());
    }

    @Test
    void churnRatesCountConnectionsChannelsAndQueueDeclarations() throws Exception {
        JsonNode before = ManagementHttp.json(http.get("/api/overview"));
        long declared = churn(before, "queue_declared");
        long closed = churn(before, "connection_closed");
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, false, false, false, null);
            ch.queueDeclare(queue, false, false, false, null);
        }
        JsonNode after = await("/api/overview", o -> churn(o, "queue_declared") >= declared + 2
                && churn(o, "connection_closed") >= closed + 1);
        JsonNode rates = after.path("churn_rates");
        for (String key : new String[] {"channel_closed", "channel_created", "connection_closed", "connection_created",
                "queue_created", "queue_declared", "queue_deleted"}) {
            assertTrue(rates.path(key).isIntegralNumber() && rates.path(key + "_details").path("rate").isNumber(),
                    key + " in " + rates);
        }
    }

    private static long churn(JsonNode overview, String key) {
        return overview.path("churn_rates").path(key).asLong(0);
    }

    @Test
    void aManagementUsersOverviewCountsOnlyItsVhostsAndShowsNoNode() throws Exception {
        String user = "stats-mu-" + suffix;
        String vhost = "stats-vh-" + suffix;
        String vhostSeg = ManagementHttp.segment(vhost);
        assertEquals(201, http.put("/api/vhosts/" + vhostSeg, "{}").statusCode());
        try {
            assertEquals(201, http.put("/api/users/" + user, "{\"password\":\"pw\",\"tags\":\"management\"}")
                    .statusCode());
            assertEquals(201, http.put("/api/permissions/" + vhostSeg + "/" + user,
                    "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode());
            var f = broker.factory();
            f.setVirtualHost(vhost);
            f.setUsername(user);
            f.setPassword("pw");
            try (Connection c = f.newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare(queue, false, false, false, null);
                for (int i = 0; i < 3; i++) {
                    ch.basicPublish("", queue, null, new byte[1]);
                }
            }
            ManagementHttp mine = http.as(user, "pw");
            JsonNode o = ManagementHttp.json(mine.get("/api/overview"));
            long deadline = System.nanoTime() + SAMPLED.toNanos();
            while (stat(o, "publish") != 3 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                o = ManagementHttp.json(mine.get("/api/overview"));
            }
            assertEquals(3, stat(o, "publish"), "its vhost's publishes, no one else's: " + o);
            assertEquals(1, o.path("object_totals").path("queues").asInt(), o.toString());
            assertEquals(3, o.path("queue_totals").path("messages").asInt(), o.toString());
            assertFalse(o.has("node") || o.has("listeners") || o.path("object_totals").has("consumers"),
                    "RabbitMQ shows the node and consumer totals to monitoring users only: " + o);
            assertTrue(o.path("churn_rates").path("queue_created").asLong() >= 1, o.toString());
        } finally {
            http.delete("/api/vhosts/" + vhostSeg);
            http.delete("/api/users/" + user);
        }
    }

    @Test
    void withoutTrafficThereAreNoMessageStats() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            c.createChannel().queueDeclare(queue, false, false, false, null);
        }
        JsonNode q = ManagementHttp.json(http.get("/api/queues/" + vhostPath + "/" + queue));
        assertEquals(queue, q.get("name").asText());
        assertFalse(q.has("message_stats") && q.get("message_stats").size() > 0, q.toString());
    }

    private void assertRefused(String path, String error) {
        var refused = http.get(path);
        assertEquals(400, refused.statusCode(), path);
        JsonNode body = ManagementHttp.json(refused);
        assertEquals(error, body.get("error").asText(), path);
        assertEquals("Invalid range parameters: age 0, incr 5", body.get("reason").asText(), path);
    }

    @Test
    void consumerCapacityIsFullForAnIdleConsumerAndFallsWhileConsumersHoldTheQueueBack() throws Exception {
        String idle = queue + "-idle";
        String none = queue + "-none";
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, false, false, false, null);
            ch.queueDeclare(idle, false, false, false, null);
            ch.queueDeclare(none, false, false, false, null);
            ch.basicPublish("", none, null, new byte[1]);
            ch.basicConsume(idle, false, (tag, d) -> { }, tag -> { });
            // One unacknowledged delivery fills the prefetch; the other four wait for a consumer that never acks.
            ch.basicQos(1);
            for (int i = 0; i < 5; i++) {
                ch.basicPublish("", queue, null, new byte[1]);
            }
            ch.basicConsume(queue, false, (tag, d) -> { }, tag -> { });
            JsonNode idleRow = await("/api/queues/" + vhostPath + "/" + idle,
                    row -> row.path("consumer_capacity").asDouble(-1) == 1.0 && row.path("consumer_details").size() == 1);
            JsonNode consumer = idleRow.get("consumer_details").get(0);
            assertEquals(idle, consumer.path("queue").path("name").asText(), idleRow.toString());
            assertTrue(consumer.path("ack_required").asBoolean() && consumer.path("consumer_tag").isTextual(),
                    idleRow.toString());
            JsonNode held = await("/api/queues/" + vhostPath + "/" + queue, row -> row.path("consumer_capacity")
                    .isNumber() && row.path("consumer_capacity").asDouble() < 1.0);
            assertEquals(held.get("consumer_capacity").asDouble(), held.get("consumer_utilisation").asDouble(), 0.01);
            await("/api/queues/" + vhostPath + "/" + none, row -> row.path("consumer_capacity").isNumber()
                    && row.path("consumer_capacity").asDouble() == 0.0);
            ch.queueDelete(idle);
            ch.queueDelete(none);
        }
    }

    /** The management name of the connection whose client named it {@code clientName}, or null. */
    private static String name(JsonNode connections, String clientName) {
        for (JsonNode row : connections) {
            if (clientName.equals(row.path("client_properties").path("connection_name").asText())) {
                return row.get("name").asText();
            }
        }
        return null;
    }

    private static JsonNode channel(JsonNode rows, int number) {
        for (JsonNode row : rows) {
            if (row.path("number").asInt() == number) {
                return row;
            }
        }
        return null;
    }
}
