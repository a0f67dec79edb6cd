package io.leveret.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveret.server.Broker;
import io.leveret.server.config.ConfigLoader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers in one JVM on 127.0.0.2-4 (Linux routes all of 127/8 on lo), configured with RabbitMQ's
 * cluster keys and one shared distribution port, as three machines would be: GET /api/nodes on each lists
 * the three nodes, which run, and the metadata group's leader; a stopped node shows as not running.
 */
class ThreeBrokersTest {
    private static final List<String> HOSTS = LoopbackHosts.HOSTS;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final Map<String, Broker> brokers = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        brokers.values().parallelStream().forEach(Broker::close);
    }
    private Broker start(String host, int port) throws Exception {
        List<String> args = new ArrayList<>();
        for (String set : List.of("data_dir=" + dir.resolve(host), "listeners.tcp.default=" + host + ":0",
                "management.tcp.ip=" + host, "management.tcp.port=0", "prometheus.tcp.ip=" + host,
                "prometheus.tcp.port=0", "nodename=leveret@" + host, "cluster_name=three",
                "cluster_formation.peer_discovery_backend=rabbit_peer_discovery_classic_config",
                "cluster_formation.classic_config.nodes.1=leveret@" + HOSTS.get(0),
                "cluster_formation.classic_config.nodes.2=leveret@" + HOSTS.get(1),
                "cluster_formation.classic_config.nodes.3=leveret@" + HOSTS.get(2),
                "distribution.listener.interface=" + host, "distribution.listener.port_range.min=" + port)) {
            args.add("--set");
            args.add(set);
        }
        Broker broker = Broker.start(ConfigLoader.load(args.toArray(String[]::new), Map.of()));
        brokers.put(host, broker);
        return broker;
    }

    private JsonNode get(String host, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":"
                        + brokers.get(host).managementPort() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** In a cluster guest exists once the group has committed the first boot's seeding: that needs a majority. */
    private void awaitLogin(String host) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":"
                            + brokers.get(host).managementPort() + "/api/whoami"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            "guest:guest".getBytes(StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).build();
            int status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
            if (status == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("guest cannot log in on " + host + ": " + status);
            }
            Thread.sleep(100);
        }
    }

    private JsonNode awaitNodes(String host, Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode nodes = get(host, "/api/nodes");
            if (condition.test(nodes)) {
                return nodes;
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting on " + host + " for " + what + "; last answer " + nodes);
            }
            Thread.sleep(100);
        }
    }

    private static long count(JsonNode nodes, String field) {
        long n = 0;
        for (JsonNode node : nodes) {
            n += node.path(field).asBoolean(false) ? 1 : 0;
        }
        return n;
    }

    @Test
    void everyNodeListsTheClusterAndWhichNodesRun() throws Exception {
        int port = LoopbackHosts.sharedPort();
        for (String host : HOSTS) {
            start(host, port);
        }
        for (String host : HOSTS) {
            awaitLogin(host);
        }
        for (String host : HOSTS) {
            JsonNode nodes = awaitNodes(host, n -> count(n, "running") == 3 && count(n, "metadata_leader") == 1,
                    "three running nodes and a leader");
            List<String> names = new ArrayList<>();
            nodes.forEach(n -> names.add(n.path("name").asText()));
            assertEquals(List.of("leveret@127.0.0.2", "leveret@127.0.0.3", "leveret@127.0.0.4"), names);
            assertEquals("disc", nodes.get(2).path("type").asText());
            JsonNode self = get(host, "/api/nodes/leveret@" + host);
            assertEquals(true, self.path("running").asBoolean(), "this node in full: " + self);
            assertEquals(true, self.has("mem_limit"), "this node in full: " + self);
            assertEquals("three", get(host, "/api/overview").path("cluster_name").asText());
        }

        brokers.remove(HOSTS.get(2)).close();
        for (String host : HOSTS.subList(0, 2)) {
            JsonNode nodes = awaitNodes(host, n -> !n.get(2).path("running").asBoolean(true)
                            && count(n, "running") == 2 && count(n, "metadata_leader") == 1,
                    "127.0.0.4 shown as not running, a leader among the other two");
            assertEquals("leveret@127.0.0.4", nodes.get(2).path("name").asText());
        }
    }

    @Test
    void aRaftPortInUseIsAStartupErrorNamingTheKeysNotAnExit() throws Exception {
        int port = LoopbackHosts.sharedPort();
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName(HOSTS.get(0)))) {
            io.leveret.server.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                    io.leveret.server.config.ConfigException.class, () -> start(HOSTS.get(0), taken.getLocalPort()));
            assertEquals(true, e.getMessage().contains(HOSTS.get(0) + ":" + port)
                    && e.getMessage().contains("'distribution.listener.port_range.min'"), e.getMessage());
        }
        // Still here: Ratis did not end the JVM. The same node starts once the port is free again.
        start(HOSTS.get(0), port);
    }
}
