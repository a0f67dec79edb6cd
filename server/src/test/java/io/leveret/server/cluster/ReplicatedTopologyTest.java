package io.leveret.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.leveret.server.Broker;
import io.leveret.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers in one JVM on 127.0.0.2-4, with real AMQP clients: topology declared on one node is on every
 * node, deleted on one it is gone everywhere, a user added on one logs in on another, a node that was down
 * catches up, a node without a majority refuses a declare with RabbitMQ's timeout error and changes nothing,
 * exclusive queues stay on their node, and a classic queue is served only on its home node.
 */
class ReplicatedTopologyTest {
    private static final List<String> HOSTS = LoopbackHosts.HOSTS;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final Map<String, Broker> brokers = new ConcurrentHashMap<>();
    private final List<Connection> connections = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private int raftPort;

    @AfterEach
    void stop() {
        for (Connection c : connections) {
            try {
                c.abort(1000);
            } catch (RuntimeException e) {
                // closed already
            }
        }
        brokers.values().parallelStream().forEach(Broker::close);
    }

    private void start(String host) throws Exception {
        List<String> args = new ArrayList<>();
        for (String set : List.of("data_dir=" + dir.resolve(host), "listeners.tcp.default=" + host + ":0",
                "management.tcp.ip=" + host, "management.tcp.port=0", "prometheus.tcp.ip=" + host,
                "prometheus.tcp.port=0", "nodename=leveret@" + host, "cluster_name=topology",
                "cluster_formation.classic_config.nodes.1=leveret@" + HOSTS.get(0),
                "cluster_formation.classic_config.nodes.2=leveret@" + HOSTS.get(1),
                "cluster_formation.classic_config.nodes.3=leveret@" + HOSTS.get(2),
                "distribution.listener.interface=" + host, "distribution.listener.port_range.min=" + raftPort,
                "cluster.metadata_timeout=3000", "log.console.level=warning")) {
            args.add("--set");
            args.add(set);
        }
        brokers.put(host, Broker.start(ConfigLoader.load(args.toArray(String[]::new), Map.of())));
    }

    /** All three, started together as a cluster's nodes would be; returns once guest can log in on each. */
    private void startAll() throws Exception {
        raftPort = LoopbackHosts.sharedPort();
        startAllOnPort();
    }

    private void startAllOnPort() throws Exception {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String host : HOSTS) {
            starts.add(CompletableFuture.runAsync(() -> {
                try {
                    start(host);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        for (String host : HOSTS) {
            connect(host, "guest", "guest").close();
        }
    }

    /** Connects, retrying while the user is not there yet (the cluster's first boot commits it). */
    private Connection connect(String host, String user, String password) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(brokers.get(host).ports().get(0));
        f.setUsername(user);
        f.setPassword(password);
        f.setAutomaticRecoveryEnabled(false);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                Connection c = f.newConnection();
                connections.add(c);
                return c;
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** What a channel operation does to a channel: nothing (null), or the close it causes. */
    private interface ChannelOp {
        void run(Channel ch) throws IOException;
    }

    private static ShutdownSignalException closedBy(Connection c, ChannelOp op) throws IOException {
        Channel ch = c.createChannel();
        try {
            op.run(ch);
            ch.close();
            return null;
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) {
                return s;
            }
            throw e;
        } catch (ShutdownSignalException e) {
            return e;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    private void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private boolean queueThere(String host, String queue) {
        return succeeds(host, ch -> ch.queueDeclarePassive(queue));
    }

    private boolean exchangeThere(String host, String exchange) {
        return succeeds(host, ch -> ch.exchangeDeclarePassive(exchange));
    }

    /** Whether {@code op} succeeds on a connection of its own to {@code host}. */
    private boolean succeeds(String host, ChannelOp op) {
        try {
            Connection c = connect(host, "guest", "guest");
            try {
                return closedBy(c, op) == null;
            } finally {
                connections.remove(c);
                c.abort(1000);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> http(String host, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":"
                        + brokers.get(host).managementPort() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void topologyAndUsersChangedOnOneNodeAreChangedOnEvery() throws Exception {
        startAll();
        String one = HOSTS.get(0);
        String two = HOSTS.get(1);
        String three = HOSTS.get(2);

        Connection c1 = connect(one, "guest", "guest");
        Channel ch1 = c1.createChannel();
        ch1.exchangeDeclare("orders", "direct", true);
        ch1.queueDeclare("orders.new", true, false, false, null);
        ch1.queueBind("orders.new", "orders", "new");
        ch1.queueDeclare("mine", false, true, false, null); // exclusive: this connection's alone
        for (String host : List.of(two, three)) {
            await("exchange and queue on " + host, () -> exchangeThere(host, "orders")
                    && queueThere(host, "orders.new"));
        }
        JsonNode bindings = JSON.readTree(http(three, "GET", "/api/queues/%2F/orders.new/bindings", null).body());
        assertTrue(bindings.toString().contains("\"source\":\"orders\""), bindings.toString());
        JsonNode queue = JSON.readTree(http(two, "GET", "/api/queues/%2F/orders.new", null).body());
        assertEquals("leveret@" + one, queue.path("node").asText(), "the queue's home node: " + queue);
        assertEquals(false, queueThere(two, "mine"), "an exclusive queue stays on its node");

        // On a node that is not its home, the queue is known but not served: loud errors, nothing dropped.
        Connection c2 = connect(two, "guest", "guest");
        ShutdownSignalException consume = closedBy(c2, ch -> ch.basicConsume("orders.new", true,
                (tag, m) -> { }, tag -> { }));
        assertEquals("PRECONDITION_FAILED - queue 'orders.new' in vhost '/' is on node 'leveret@" + one
                        + "', and this node serves only its own classic queues: connect to 'leveret@" + one
                        + "' to publish to it or consume from it",
                ((com.rabbitmq.client.AMQP.Channel.Close) consume.getReason()).getReplyText());
        ShutdownSignalException publish = closedBy(c2, ch -> {
            ch.basicPublish("orders", "new", null, "hello".getBytes(StandardCharsets.UTF_8));
            ch.queueDeclarePassive("orders.new"); // a round trip: the publish's error arrives first
        });
        assertEquals(406, ((com.rabbitmq.client.AMQP.Channel.Close) publish.getReason()).getReplyCode());
        ch1.basicPublish("orders", "new", null, "served".getBytes(StandardCharsets.UTF_8));
        await("the message on the home node", () -> {
            try {
                return ch1.basicGet("orders.new", true) != null;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        // Deleted on the third node: gone everywhere.
        Connection c3 = connect(three, "guest", "guest");
        Channel ch3 = c3.createChannel();
        ch3.queueDelete("orders.new");
        ch3.exchangeDelete("orders");
        for (String host : HOSTS) {
            await("the delete on " + host, () -> !exchangeThere(host, "orders") && !queueThere(host, "orders.new"));
        }

        // A user added over HTTP on the second node logs in on the first.
        assertEquals(201, http(two, "PUT", "/api/users/alice", "{\"password\":\"wonderland\",\"tags\":\"\"}")
                .statusCode());
        assertEquals(201, http(two, "PUT", "/api/permissions/%2F/alice",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode());
        // A policy set on the third node applies on the first.
        assertEquals(201, http(three, "PUT", "/api/policies/%2F/short",
                "{\"pattern\":\"^short\\\\.\",\"definition\":{\"max-length\":1},\"apply-to\":\"queues\"}")
                .statusCode());
        await("the policy on " + one, () -> {
            try {
                return http(one, "GET", "/api/policies/%2F/short", null).statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Connection alice = connect(one, "alice", "wonderland");
        assertEquals(null, closedBy(alice, ch -> ch.queueDeclare("alices", true, false, false, null)));
        await("alice's queue on " + three, () -> queueThere(three, "alices"));
    }

    @Test
    void aNodeThatRanAloneBringsItsDefinitionsAndMessagesIntoTheCluster() throws Exception {
        String one = HOSTS.get(0);
        Broker alone = Broker.start(ConfigLoader.load(new String[] {"--set", "data_dir=" + dir.resolve(one),
                "--set", "listeners.tcp.default=" + one + ":0", "--set", "management.enabled=false",
                "--set", "prometheus.tcp.port=0", "--set", "log.console.level=warning"}, Map.of()));
        brokers.put(one, alone);
        Channel before = connect(one, "guest", "guest").createChannel();
        before.queueDeclare("kept", true, false, false, null);
        before.basicPublish("", "kept", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN,
                "from before".getBytes(StandardCharsets.UTF_8));
        before.queueDeclarePassive("kept"); // a round trip: the publish is in
        brokers.remove(one).close();

        startAll();
        for (String host : HOSTS) {
            await("the queue of the node that ran alone, on " + host, () -> queueThere(host, "kept"));
        }
        com.rabbitmq.client.GetResponse got = connect(one, "guest", "guest").createChannel().basicGet("kept", true);
        assertEquals("from before", new String(got.getBody(), StandardCharsets.UTF_8));
        JsonNode queue = JSON.readTree(http(HOSTS.get(2), "GET", "/api/queues/%2F/kept", null).body());
        assertEquals("leveret@" + one, queue.path("node").asText(), "its home is the node it was on: " + queue);
    }

    /**
     * A restarted member builds its model from its own store, which knows how far into the metadata log it is, and
     * the log's replay does not make again what the store has: replaying the delete and the redeclare of a queue
     * would empty it, and a model read from a log replayed halfway lacks the queue and drops its messages at boot.
     */
    @Test
    void aRestartedNodeKeepsTheMessagesOfAQueueRedeclaredLateInALongMetadataLog() throws Exception {
        startAll();
        String one = HOSTS.get(0);
        Channel ch = connect(one, "guest", "guest").createChannel();
        for (int i = 0; i < 300; i++) {
            ch.exchangeDeclare("filler-" + i, "fanout", true);
        }
        ch.queueDeclare("late", true, false, false, null);
        ch.queueDelete("late");
        ch.queueDeclare("late", true, false, false, null);
        ch.confirmSelect();
        for (int i = 0; i < 100; i++) {
            ch.basicPublish("", "late", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN,
                    ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(WAIT.toMillis());
        brokers.remove(one).close();
        start(one);
        Channel after = connect(one, "guest", "guest").createChannel();
        assertEquals(100, after.queueDeclarePassive("late").getMessageCount(),
                "the restarted node's messages for a queue declared after 300 other changes");
    }

    @Test
    void aRestartedNodeCatchesUpAndANodeWithoutAMajorityChangesNothing() throws Exception {
        startAll();
        String one = HOSTS.get(0);
        String two = HOSTS.get(1);
        String three = HOSTS.get(2);

        brokers.remove(three).close();
        Channel ch1 = connect(one, "guest", "guest").createChannel();
        ch1.queueDeclare("while-down", true, false, false, null);
        start(three);
        await("the queue declared while " + three + " was down", () -> queueThere(three, "while-down"));

        // The home node down: RabbitMQ's 404 for a durable classic queue whose node is down.
        Channel ch3 = connect(three, "guest", "guest").createChannel();
        ch3.queueDeclare("on-three", true, false, false, null);
        await("the queue of " + three + " on " + one, () -> queueThere(one, "on-three"));
        brokers.remove(three).close();
        await(one + " seeing " + three + " down", () -> {
            try {
                JsonNode nodes = JSON.readTree(http(one, "GET", "/api/nodes", null).body());
                return !nodes.get(2).path("running").asBoolean(true);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        ShutdownSignalException down = closedBy(connect(one, "guest", "guest"),
                ch -> ch.queueDeclarePassive("on-three"));
        assertEquals("NOT_FOUND - home node 'leveret@" + three + "' of durable queue 'on-three' in vhost '/' is down "
                + "or inaccessible", ((com.rabbitmq.client.AMQP.Channel.Close) down.getReason()).getReplyText());

        // Two of three down: no majority, so a declare fails with RabbitMQ's timeout and changes nothing.
        brokers.remove(two).close();
        Connection alone = connect(one, "guest", "guest");
        long started = System.nanoTime();
        ShutdownSignalException refused = closedBy(alone, ch -> ch.queueDeclare("lonely", true, false, false, null));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(refused != null && refused.isHardError(), "a connection error: " + refused);
        com.rabbitmq.client.AMQP.Connection.Close close = (com.rabbitmq.client.AMQP.Connection.Close) refused.getReason();
        assertEquals(541, close.getReplyCode());
        assertEquals("INTERNAL_ERROR - failed to declare queue 'lonely' in vhost '/' because the operation timed out",
                close.getReplyText());
        assertTrue(millis >= 2500 && millis < 15_000, "answered after the metadata timeout: " + millis + " ms");
        assertEquals(false, queueThere(one, "lonely"), "a declare that failed leaves nothing behind");
        HttpResponse<String> user = http(one, "PUT", "/api/users/bob", "{\"password\":\"b\",\"tags\":\"\"}");
        assertEquals(503, user.statusCode(), user.body());
        assertTrue(user.body().contains("failed to add user 'bob' because the operation timed out"), user.body());
        assertEquals(404, http(one, "GET", "/api/users/bob", null).statusCode(), "and no user bob");
    }
}
