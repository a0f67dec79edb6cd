package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A definitions file exported by RabbitMQ 3.10.8 ({@code rabbitmqctl export_definitions}, committed in
 * src/test/resources/definitions; the users' passwords are pw-sha256, pw-sha512, pw-md5 and guest) imports
 * unchanged: its users log in with their original passwords, its topology routes, its permissions and limits
 * hold; importing again changes nothing; {@code export-definitions} writes it back losslessly.
 */
class DefinitionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path fixture;

    @BeforeAll
    static void copyFixture() throws IOException {
        PrivateLeveret.assumeLocal();
        fixture = Files.createTempFile("rabbitmq-export", ".json");
        try (InputStream in = DefinitionsTest.class.getResourceAsStream("/definitions/rabbitmq-3.10.8-export.json")) {
            Files.write(fixture, in.readAllBytes());
        }
    }

    @Test
    void rabbitMqExportImportsAndItsUsersLogInWithTheirPasswords() throws Exception {
        try (PrivateLeveret broker = PrivateLeveret.start(List.of(), "load_definitions = " + fixture)) {
            for (String[] u : new String[][] {{"fx_sha256", "pw-sha256"}, {"fx_sha512", "pw-sha512"},
                    {"fx_md5", "pw-md5"}}) {
                try (Connection c = broker.factory(u[0], u[1], "fx-vhost").newConnection()) {
                    assertTrue(c.isOpen(), u[0]);
                }
            }
            try (Connection c = broker.factory("fx_sha256", "pw-sha256", "fx-vhost").newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclarePassive("fx.q.eu");
                ch.queueDeclarePassive("fx.ttl.q");
                ch.exchangeDeclarePassive("fx.main");
                ch.confirmSelect();
                ch.basicPublish("fx.orders", "eu.de", null, "to eu".getBytes(StandardCharsets.UTF_8));
                ch.basicPublish("fx.orders", "us.ny", null, "to us".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(10_000);
                GetResponse eu = BrokerTestSupport.awaitGet(ch, "fx.q.eu", true);
                assertEquals("to eu", new String(eu.getBody(), StandardCharsets.UTF_8));
                GetResponse us = BrokerTestSupport.awaitGet(ch, "fx.q.us", true);
                assertEquals("to us", new String(us.getBody(), StandardCharsets.UTF_8));
                // Its topic permission on amq.topic came along.
                Reply r = BrokerTestSupport.closeCausedBy(ch, () -> ch.basicPublish("amq.topic", "other", null,
                        new byte[0]));
                assertEquals(403, r.code());
            }
            try (Connection c = broker.factory("fx_md5", "pw-md5", "fx-vhost").newConnection()) {
                Channel ch = c.createChannel();
                Reply r = BrokerTestSupport.closeCausedBy(ch, () -> ch.queueDeclare("fx.new", true, false, false, null));
                assertEquals("ACCESS_REFUSED - access to queue 'fx.new' in vhost 'fx-vhost' refused for user 'fx_md5'",
                        r.text(), "configure '' allows nothing");
            }
        }
    }

    @Test
    void reimportIsIdempotentAndExportRoundTripsLosslessly() throws Exception {
        Path dir = Files.createTempDirectory("leveret-defs");
        String conf = "load_definitions = " + fixture;
        try (PrivateLeveret broker = PrivateLeveret.start(dir, List.of(), conf)) {
            // RabbitMQ exported a binding to the internal exchange fx.audit but not the exchange itself:
            // that one binding cannot be kept, and the log says so.
            assertTrue(broker.log().contains("binding destination exchange 'fx.audit' is not stored in vhost 'fx-vhost'"),
                    broker.log());
        }
        Path first = dir.resolve("first.json");
        assertEquals(0, export(dir, first), "export of a stopped broker");
        Path second = dir.resolve("second.json");
        Path running = dir.resolve("running.json");
        try (PrivateLeveret broker = PrivateLeveret.start(dir, List.of(), conf)) {
            assertEquals(0, export(dir, running), "export of a running broker (it holds data_dir's lock)");
            assertEquals(JSON.readTree(first.toFile()), JSON.readTree(running.toFile()), "the running broker's definitions");
            try (Connection c = broker.factory("fx_sha256", "pw-sha256", "fx-vhost").newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare("fx.declared.while.running", true, false, false, null);
                ch.queueBind("fx.declared.while.running", "fx.orders", "live.#");
            }
            assertEquals(0, export(dir, running));
            JsonNode live = JSON.readTree(running.toFile());
            assertTrue(live.get("queues").toString().contains("fx.declared.while.running"), live.toString());
            assertTrue(live.get("bindings").toString().contains("live.#"), live.toString());
            Channel ch = broker.factory("fx_sha256", "pw-sha256", "fx-vhost").newConnection().createChannel();
            ch.queueDelete("fx.declared.while.running");
            ch.getConnection().close();
        }
        assertEquals(0, export(dir, second));
        assertEquals(JSON.readTree(first.toFile()), JSON.readTree(second.toFile()), "a second import changed nothing");

        JsonNode exported = JSON.readTree(first.toFile());
        JsonNode original = JSON.readTree(fixture.toFile());
        ArrayNode bindings = (ArrayNode) original.get("bindings");
        for (int i = bindings.size() - 1; i >= 0; i--) {
            if (bindings.get(i).get("destination").asText().equals("fx.audit")) {
                bindings.remove(i);
            }
        }
        for (String section : List.of("users", "permissions", "topic_permissions", "parameters", "policies",
                "bindings")) {
            assertEquals(comparable(original.get(section), section), comparable(exported.get(section), section),
                    section);
        }
        assertEquals(comparable(original.get("queues"), "queues"), comparable(exported.get("queues"), "queues"));
        assertEquals(comparable(original.get("exchanges"), "exchanges"),
                comparable(exported.get("exchanges"), "exchanges"));

        // Our own export into a fresh broker and out again: the same file.
        Path dir2 = Files.createTempDirectory("leveret-defs2");
        try (PrivateLeveret broker = PrivateLeveret.start(dir2, List.of(), "load_definitions = " + first)) {
            try (Connection c = broker.factory("fx_sha512", "pw-sha512", "fx-vhost").newConnection()) {
                assertTrue(c.isOpen());
            }
        }
        Path third = dir2.resolve("third.json");
        assertEquals(0, export(dir2, third));
        assertEquals(JSON.readTree(first.toFile()), JSON.readTree(third.toFile()));
    }

    /**
     * RabbitMQ exports bindings whose source is a built-in exchange (and never the built-in exchanges
     * themselves); they are imported, route, and are exported again.
     */
    @Test
    void bindingsFromStandardExchangesAreImportedAndExported() throws Exception {
        Path dir = Files.createTempDirectory("leveret-defs-std");
        Path file = dir.resolve("std.json");
        // The shape of `rabbitmqctl export_definitions` from RabbitMQ 3.10.8 for these objects.
        Files.writeString(file, """
                {"vhosts": [{"name": "/"}],
                 "queues": [{"name": "std.q", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {}}],
                 "exchanges": [{"name": "std.x", "vhost": "/", "type": "fanout", "durable": true,
                                "auto_delete": false, "internal": false, "arguments": {}}],
                 "bindings": [
                   {"source": "amq.direct", "vhost": "/", "destination": "std.q", "destination_type": "queue",
                    "routing_key": "k", "arguments": {}},
                   {"source": "amq.fanout", "vhost": "/", "destination": "std.x", "destination_type": "exchange",
                    "routing_key": "", "arguments": {}},
                   {"source": "std.x", "vhost": "/", "destination": "std.q", "destination_type": "queue",
                    "routing_key": "", "arguments": {}}]}
                """);
        try (PrivateLeveret broker = PrivateLeveret.start(dir, List.of(), "load_definitions = " + file)) {
            assertTrue(broker.log().contains("imported definitions from " + file + ": 6 definitions, 0 skipped"),
                    broker.log());
            try (Connection c = broker.factory("guest", "guest", "/").newConnection()) {
                Channel ch = c.createChannel();
                ch.confirmSelect();
                ch.basicPublish("amq.direct", "k", null, "direct".getBytes(StandardCharsets.UTF_8));
                ch.basicPublish("amq.fanout", "", null, "fanout".getBytes(StandardCharsets.UTF_8));
                ch.waitForConfirmsOrDie(10_000);
                assertEquals("direct", new String(BrokerTestSupport.awaitGet(ch, "std.q", true).getBody(),
                        StandardCharsets.UTF_8));
                assertEquals("fanout", new String(BrokerTestSupport.awaitGet(ch, "std.q", true).getBody(),
                        StandardCharsets.UTF_8));
            }
        }
        Path out = dir.resolve("out.json");
        export(dir, out);
        JsonNode exported = JSON.readTree(out.toFile());
        assertEquals(comparable(JSON.readTree(file.toFile()).get("bindings"), "bindings"),
                comparable(exported.get("bindings"), "bindings"));
        assertEquals(List.of("std.x"), exported.get("exchanges").findValuesAsText("name"));
    }

    /** A section without RabbitMQ-only fields (queue type, vhost limits), sorted, for comparison. */
    private static List<String> comparable(JsonNode section, String name) throws IOException {
        assertNotNull(section, name);
        ObjectMapper sorted = JSON.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        List<String> out = new ArrayList<>();
        for (JsonNode e : (ArrayNode) section) {
            ObjectNode copy = e.deepCopy();
            copy.remove("type");
            if (!name.equals("users")) {
                copy.remove("limits"); // a vhost's limits: Leveret exports them as the vhost-limits parameter only
            }
            if (name.equals("exchanges")) {
                copy.put("type", e.get("type").asText());
            }
            out.add(sorted.writeValueAsString(JSON.convertValue(copy, Object.class)));
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private record ExportRun(int code, String output) {
    }

    private static int export(Path dir, Path out) throws Exception {
        ExportRun r = exportRun(dir, out);
        assertEquals(0, r.code(), r.output());
        return r.code();
    }

    private static ExportRun exportRun(Path dir, Path out) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                PrivateLeveret.jar().toString(), "export-definitions", "--config", dir.resolve("leveret.conf").toString(),
                out.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new ExportRun(p.exitValue(), output);
    }
}
