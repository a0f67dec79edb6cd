package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's own CLI for the management API, Debian's /usr/bin/rabbitmqadmin, driving declare, list,
 * publish, get, purge, delete, export and import: what it prints is parsed from its raw_json format.
 */
class RabbitmqadminTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void requireTheCli() {
        ClientScripts.requireRabbitmqadmin();
    }

    /** Runs rabbitmqadmin against the broker's API; fails on a non-zero exit. Returns standard output. */
    private String admin(String... args) throws IOException, InterruptedException {
        URI api = URI.create(broker.managementUri());
        List<String> cmd = new ArrayList<>(List.of(ClientScripts.RABBITMQADMIN, "-H", api.getHost(), "-P",
                Integer.toString(api.getPort()), "-u", broker.user(), "-p", broker.password()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rabbitmqadmin hung: " + cmd);
        assertEquals(0, p.exitValue(), "rabbitmqadmin " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    private JsonNode list(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-f", "raw_json", "list"));
        all.addAll(List.of(args));
        return ManagementHttp.JSON.readTree(admin(all.toArray(String[]::new)));
    }

    private static boolean hasName(JsonNode rows, String name) {
        for (JsonNode r : rows) {
            if (r.path("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void declareListPublishGetPurgeDelete() throws Exception {
        String queue = "ra-q-" + suffix;
        String exchange = "ra-x-" + suffix;
        try {
            admin("declare", "exchange", "name=" + exchange, "type=topic", "durable=false");
            admin("declare", "queue", "name=" + queue, "durable=false");
            admin("declare", "binding", "source=" + exchange, "destination=" + queue, "routing_key=a.#");
            assertTrue(hasName(list("queues", "name"), queue));
            assertTrue(hasName(list("exchanges", "name", "type"), exchange));
            boolean bound = false;
            for (JsonNode b : list("bindings", "source", "destination", "routing_key")) {
                bound |= b.path("source").asText().equals(exchange) && b.path("routing_key").asText().equals("a.#");
            }
            assertTrue(bound);

            assertTrue(admin("publish", "exchange=" + exchange, "routing_key=a.b", "payload=hello-" + suffix)
                    .contains("Message published"));
            JsonNode got = ManagementHttp.JSON.readTree(admin("-f", "raw_json", "get", "queue=" + queue,
                    "ackmode=ack_requeue_true"));
            assertEquals("hello-" + suffix, got.get(0).get("payload").asText());
            assertEquals("a.b", got.get(0).get("routing_key").asText());
            assertTrue(admin("purge", "queue", "name=" + queue).contains("queue purged"));
            JsonNode empty = ManagementHttp.JSON.readTree(admin("-f", "raw_json", "get", "queue=" + queue,
                    "ackmode=ack_requeue_false"));
            assertEquals(0, empty.size(), empty.toString());
        } finally {
            admin("delete", "queue", "name=" + queue);
            admin("delete", "exchange", "name=" + exchange);
        }
        assertTrue(!hasName(list("queues", "name"), queue));
    }

    @Test
    void exportAndImportRoundTrip(@TempDir Path dir) throws Exception {
        String vhost = "ra-vhost-" + suffix;
        Path file = dir.resolve("import.json");
        Files.writeString(file, """
                {"vhosts":[{"name":"%1$s"}],
                 "exchanges":[{"name":"ix","vhost":"%1$s","type":"direct","durable":true,"auto_delete":false,
                               "internal":false,"arguments":{}}],
                 "queues":[{"name":"iq","vhost":"%1$s","durable":true,"auto_delete":false,
                            "arguments":{"x-max-length":3}}],
                 "bindings":[{"source":"ix","vhost":"%1$s","destination":"iq","destination_type":"queue",
                              "routing_key":"k","arguments":{}}]}
                """.formatted(vhost));
        try {
            assertTrue(admin("import", file.toString()).contains("Uploaded definitions"));
            JsonNode queues = list("-V", vhost, "queues", "name", "durable", "arguments");
            assertTrue(hasName(queues, "iq"), queues.toString());
            assertEquals(3, queues.get(0).path("arguments").path("x-max-length").asInt());

            Path exported = dir.resolve("export.json");
            admin("export", exported.toString());
            JsonNode defs = ManagementHttp.JSON.readTree(exported.toFile());
            boolean found = false;
            for (JsonNode b : defs.get("bindings")) {
                found |= b.path("vhost").asText().equals(vhost) && b.path("source").asText().equals("ix");
            }
            assertTrue(found, "the imported binding is exported");
            // Reading its own export back changes nothing and is accepted.
            admin("import", exported.toString());
            assertTrue(hasName(list("-V", vhost, "queues", "name"), "iq"));
        } finally {
            admin("delete", "vhost", "name=" + vhost);
        }
    }
}
