package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A definitions file RabbitMQ 3.10.8 exported (the fixture {@link DefinitionsTest} imports at boot) goes in
 * through {@code POST /api/definitions} on a running Leveret and comes back out of {@code GET /api/definitions}
 * unchanged, ordering aside: users with their hashes and limits, vhosts, permissions, topic permissions,
 * queues, exchanges, bindings, policies and parameters (a vhost's description and tags excepted: Leveret does not
 * keep them). Leveret only: the import adds users and vhosts that a
 * shared reference node must not get.
 */
class ManagementDefinitionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECTIONS = List.of("users", "vhosts", "permissions", "topic_permissions",
            "queues", "exchanges", "bindings", "policies", "parameters", "global_parameters");

    @Test
    void aRabbitMqExportGoesInThroughTheApiAndComesBackOutUnchanged() throws Exception {
        PrivateLeveret.assumeLocal();
        JsonNode fixture;
        try (InputStream in = getClass().getResourceAsStream("/definitions/rabbitmq-3.10.8-export.json")) {
            fixture = JSON.readTree(in);
        }
        try (PrivateLeveret broker = PrivateLeveret.start(List.of(), "")) {
            ManagementHttp http = new ManagementHttp("http://127.0.0.1:" + broker.managementPort(), "guest", "guest");
            var posted = http.post("/api/definitions", JSON.writeValueAsString(fixture));
            assertEquals(204, posted.statusCode(), posted.body());

            JsonNode exported = ManagementHttp.json(http.get("/api/definitions"));
            for (String section : SECTIONS) {
                Set<JsonNode> out = elements(exported.get(section));
                for (JsonNode in : fixture.get(section)) {
                    if (isDanglingAuditBinding(in)) {
                        continue;
                    }
                    if (section.equals("vhosts")) {
                        // Leveret keeps no description or tags for a vhost: they come back empty.
                        in = in.deepCopy();
                        ((com.fasterxml.jackson.databind.node.ObjectNode) in.get("metadata")).put("description", "");
                    }
                    assertTrue(out.contains(in), section + ": " + in + " is not in the export " + out);
                }
            }
            // What the export holds beyond the fixture is what a fresh broker had: vhost "/" and guest's
            // permissions there (guest itself is in the fixture, with RabbitMQ's hash for it).
            assertEquals(fixture.get("users").size(), exported.get("users").size(), exported.get("users").toString());
            assertEquals(fixture.get("vhosts").size(), exported.get("vhosts").size(), exported.get("vhosts").toString());
            assertEquals(fixture.get("queues").size(), exported.get("queues").size());
            assertEquals(fixture.get("exchanges").size(), exported.get("exchanges").size());

            // And the imported users log in with their original passwords.
            try (Connection c = broker.factory("fx_sha512", "pw-sha512", "fx-vhost").newConnection()) {
                c.createChannel().queueDeclarePassive("fx.q.eu");
            }
        }
    }

    /**
     * RabbitMQ exported a binding to the exchange fx.audit without the exchange (see {@link DefinitionsTest}):
     * it has no destination to bind, so it cannot come back out.
     */
    private static boolean isDanglingAuditBinding(JsonNode element) {
        return "fx.audit".equals(element.path("destination").asText());
    }

    private static Set<JsonNode> elements(JsonNode array) throws IOException {
        Set<JsonNode> out = new HashSet<>();
        array.forEach(out::add);
        return out;
    }
}
