package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Vhosts, connections, health checks, the aliveness test and definitions over plain HTTP, each answer
 * compared with what RabbitMQ 3.10.8 sends.
 */
class ManagementEndpointsTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final ManagementHttp http = ManagementHttp.of(broker);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void vhostsAreCreatedWithTheCreatorsPermissionsAndDeletedWithWhatTheyHold() throws Exception {
        String vhost = "mgmt-vhost-" + suffix;
        String path = "/api/vhosts/" + vhost;
        try {
            assertEquals(201, http.put(path, null).statusCode());
            assertEquals(204, http.put(path, null).statusCode());
            JsonNode names = ManagementHttp.json(http.get("/api/exchanges/" + vhost + "?columns=name"));
            assertTrue(names.toString().contains("\"amq.topic\""), names.toString());
            // The creator may open it at once.
            var f = broker.factory();
            f.setVirtualHost(vhost);
            try (Connection c = f.newConnection()) {
                c.createChannel().queueDeclare("q-" + suffix, true, false, false, null);
            }
            assertEquals(200, http.get("/api/queues/" + vhost + "/q-" + suffix).statusCode());
            JsonNode defs = ManagementHttp.json(http.get("/api/definitions/" + vhost));
            assertTrue(defs.get("queues").toString().contains("q-" + suffix), defs.toString());
            assertTrue(defs.has("rabbit_version") && defs.has("exchanges") && defs.has("bindings"));
        } finally {
            assertEquals(204, http.delete(path).statusCode());
        }
        assertEquals(404, http.get(path).statusCode());
        assertEquals(404, http.delete(path).statusCode());
        assertEquals(404, http.get("/api/queues/" + vhost + "/q-" + suffix).statusCode());
    }

    @Test
    void aConnectionIsListedAndClosedWithTheGivenReason() throws Exception {
        Connection c = broker.factory().newConnection("mgmt-conn-" + suffix);
        try {
            CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
            c.addShutdownListener(closed::complete);
            JsonNode row = awaitConnection("mgmt-conn-" + suffix);
            assertEquals(broker.user(), row.get("user").asText());
            assertEquals(broker.vhost(), row.get("vhost").asText());
            assertEquals("mgmt-conn-" + suffix, row.path("client_properties").path("connection_name").asText());
            String name = row.get("name").asText();
            String encoded = ManagementHttp.segment(name);
            assertEquals(name, ManagementHttp.json(http.get("/api/connections/" + encoded)).get("name").asText());
            HttpResponse<String> r = http.call("DELETE", "/api/connections/" + encoded, null, "X-Reason",
                    "bye " + suffix);
            assertEquals(204, r.statusCode());
            ShutdownSignalException s = closed.get(30, TimeUnit.SECONDS);
            assertTrue(s.isHardError());
            com.rabbitmq.client.AMQP.Connection.Close close = (com.rabbitmq.client.AMQP.Connection.Close) s.getReason();
            assertEquals(320, close.getReplyCode());
            assertEquals("CONNECTION_FORCED - bye " + suffix, close.getReplyText());
        } finally {
            c.abort();
        }
    }

    @Test
    void channelsAndConsumersAreListed() throws Exception {
        String queue = "mgmt-consumed-" + suffix;
        Connection c = broker.factory().newConnection("mgmt-chan-" + suffix);
        try {
            com.rabbitmq.client.Channel ch = c.createChannel();
            ch.basicQos(7);
            ch.queueDeclare(queue, false, false, true, null);
            ch.basicConsume(queue, false, "tag-" + suffix, new com.rabbitmq.client.DefaultConsumer(ch));
            String connection = awaitConnection("mgmt-chan-" + suffix).get("name").asText();
            JsonNode consumer = awaitRow("/api/consumers/%2F", r -> r.path("consumer_tag").asText()
                    .equals("tag-" + suffix));
            assertEquals(queue, consumer.path("queue").path("name").asText());
            assertEquals("/", consumer.path("queue").path("vhost").asText());
            assertTrue(consumer.path("ack_required").asBoolean());
            assertEquals(7, consumer.path("prefetch_count").asInt());
            assertEquals(connection, consumer.path("channel_details").path("connection_name").asText());
            // RabbitMQ's channel statistics may show the channel before its consumer: await both.
            JsonNode channel = awaitRow("/api/channels", r -> r.path("connection_details").path("name").asText()
                    .equals(connection) && r.path("consumer_count").asInt() == 1);
            assertEquals(1, channel.path("consumer_count").asInt());
            assertEquals(connection + " (1)", channel.path("name").asText());
            String encoded = ManagementHttp.segment(connection);
            assertEquals(1, ManagementHttp.json(http.get("/api/connections/" + encoded + "/channels")).size());
        } finally {
            c.abort();
        }
    }

    /** The first row of a list that matches, awaited as RabbitMQ's statistics arrive late. */
    private JsonNode awaitRow(String path, java.util.function.Predicate<JsonNode> match) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode row : ManagementHttp.json(http.get(path))) {
                if (match.test(row)) {
                    return row;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching row in " + path + ": " + http.get(path).body());
    }

    /** RabbitMQ lists a connection once its statistics have been emitted: wait for it. */
    private JsonNode awaitConnection(String connectionName) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode row : ManagementHttp.json(http.get("/api/connections"))) {
                if (row.path("client_properties").path("connection_name").asText().equals(connectionName)) {
                    return row;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("connection " + connectionName + " never listed");
    }

    @Test
    void healthChecksAnswerOkOr503() {
        assertEquals("{\"status\":\"ok\"}", http.get("/api/health/checks/alarms").body());
        assertEquals("{\"status\":\"ok\"}", http.get("/api/health/checks/local-alarms").body());
        assertEquals("{\"status\":\"ok\"}", http.get("/api/health/checks/virtual-hosts").body());
        assertEquals("{\"status\":\"ok\",\"reason\":\"single node cluster\"}",
                http.get("/api/health/checks/node-is-quorum-critical").body());
        assertEquals("{\"status\":\"ok\",\"port\":" + broker.port() + "}",
                http.get("/api/health/checks/port-listener/" + broker.port()).body());
        HttpResponse<String> missing = http.get("/api/health/checks/port-listener/1");
        assertEquals(503, missing.statusCode());
        JsonNode body = ManagementHttp.json(missing);
        assertEquals("failed", body.get("status").asText());
        assertEquals("No active listener", body.get("reason").asText());
        assertEquals(1, body.get("missing").asInt());
        assertTrue(body.get("ports").toString().contains(Integer.toString(broker.port())));
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"Invalid port\"}",
                http.get("/api/health/checks/port-listener/x").body());
        assertEquals("{\"status\":\"ok\",\"protocol\":\"amqp\"}",
                http.get("/api/health/checks/protocol-listener/amqp091").body());
        HttpResponse<String> mqtt = http.get("/api/health/checks/protocol-listener/mqtt");
        assertEquals(503, mqtt.statusCode());
        assertEquals("mqtt", ManagementHttp.json(mqtt).get("missing").asText());
    }

    @Test
    void alivenessTestRoundTripsAMessage() {
        try {
            assertEquals("{\"status\":\"ok\"}", http.get("/api/aliveness-test/%2F").body());
            assertEquals(404, http.get("/api/aliveness-test/no-vhost-" + suffix).statusCode());
        } finally {
            http.delete("/api/queues/%2F/aliveness-test");
        }
    }

    @Test
    void definitionsExportHasEverySection() {
        JsonNode defs = ManagementHttp.json(http.get("/api/definitions"));
        for (String section : new String[] {"rabbit_version", "users", "vhosts", "permissions", "topic_permissions",
                "parameters", "global_parameters", "policies", "queues", "exchanges", "bindings"}) {
            assertTrue(defs.has(section), section + " in " + defs.fieldNames());
        }
    }
}
