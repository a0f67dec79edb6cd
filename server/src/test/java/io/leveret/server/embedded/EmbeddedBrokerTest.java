package io.leveret.server.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.leveret.server.config.ConfigException;
import io.leveret.server.config.ConfigLoader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {

    @Test
    void servesOnAFreePortAndLeavesNeitherPortNorDataDirBehind() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start();
        int port = broker.port();
        Path dataDir = broker.dataDir();
        assertNotEquals(0, port);
        assertTrue(Files.isDirectory(dataDir));
        roundTrip(broker.uri(), "q-embedded");
        broker.close();
        broker.close(); // a second close does nothing
        assertFalse(Files.exists(dataDir), "temporary data dir deleted");
        try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 1000));
        }
    }

    @Test
    void closeTellsConnectedClientsAsRabbitMqDoesAtShutdown() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start();
        ConnectionFactory f = factory(broker.uri());
        f.setAutomaticRecoveryEnabled(false);
        Connection c = f.newConnection();
        java.util.concurrent.CompletableFuture<com.rabbitmq.client.ShutdownSignalException> closed =
                new java.util.concurrent.CompletableFuture<>();
        c.addShutdownListener(closed::complete);
        long start = System.nanoTime();
        broker.close();
        long millis = (System.nanoTime() - start) / 1_000_000;
        com.rabbitmq.client.ShutdownSignalException why = closed.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertFalse(why.isInitiatedByApplication());
        com.rabbitmq.client.AMQP.Connection.Close close = (com.rabbitmq.client.AMQP.Connection.Close) why.getReason();
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", close.getReplyText());
        assertTrue(millis < 2000, "close answered by the client at once, not after a timeout: " + millis + " ms");
    }

    @Test
    void createsUsersVhostsAndPermissionsBesideGuest() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().vhost("orders").user("alice", "s3cret", "monitoring")
                .permission("alice", "orders", ".*", ".*", ".*").start()) {
            roundTrip(broker.uri("alice", "s3cret", "orders"), "q-alice");
            roundTrip(broker.uri(), "q-guest");
            ConnectionFactory wrong = new ConnectionFactory();
            wrong.setUri(broker.uri("alice", "wrong", "orders"));
            assertThrows(PossibleAuthenticationFailureException.class, () -> wrong.newConnection().close());
        }
    }

    @Test
    void servesTheManagementApiOnAFreeLoopbackPortUnlessTurnedOff() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().user("alice", "s3cret", "monitoring").start()) {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + broker.managementPort()
                            + "/api/whoami")).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                            .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("{\"name\":\"alice\",\"tags\":[\"monitoring\"]}", r.body());
        }
        try (EmbeddedBroker broker = EmbeddedBroker.builder().set("management.enabled", "false").start()) {
            assertEquals(-1, broker.managementPort());
        }
    }

    @Test
    void aBadKeyFailsAsOnTheCommandLine() {
        ConfigException embedded = assertThrows(ConfigException.class,
                () -> EmbeddedBroker.builder().set("no_such_key", "1").start());
        ConfigException commandLine = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--set", "no_such_key=1"}, Map.of()));
        assertEquals(commandLine.getMessage(), embedded.getMessage());
        ConfigException badValue = assertThrows(ConfigException.class,
                () -> EmbeddedBroker.builder().set("heartbeat", "often").start());
        assertTrue(badValue.getMessage().contains("heartbeat"), badValue.getMessage());
    }

    @Test
    void anyKeyIsApplied() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().set("default_user", "bob").set("default_pass", "pw")
                .set("default_vhost", "v 1").set("heartbeat", "7").start()) {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(broker.uri());
            assertEquals("amqp://bob:pw@127.0.0.1:" + broker.port() + "/v%201", broker.uri());
            try (Connection c = f.newConnection()) {
                assertEquals(7, c.getHeartbeat());
            }
        }
    }

    @Test
    void aGivenDataDirOutlivesTheBrokerAndIsRecovered(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir).start();
             Connection c = factory(broker.uri()).newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("kept", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "kept", MessageProperties.PERSISTENT_TEXT_PLAIN, "stays".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(5000);
        }
        assertTrue(Files.isDirectory(dir));
        try (EmbeddedBroker broker = EmbeddedBroker.builder().dataDir(dir).start();
             Connection c = factory(broker.uri()).newConnection(); Channel ch = c.createChannel()) {
            GetResponse r = ch.basicGet("kept", true);
            assertArrayEquals("stays".getBytes(StandardCharsets.UTF_8), r.getBody());
        }
    }

    @Test
    void aDefinitionsFileIsImported(@TempDir Path dir) throws Exception {
        Path defs = dir.resolve("defs.json");
        Files.writeString(defs, """
                {"vhosts":[{"name":"from-file"}],
                 "permissions":[{"user":"guest","vhost":"from-file","configure":".*","write":".*","read":".*"}],
                 "queues":[{"name":"declared","vhost":"from-file","durable":true,"auto_delete":false,"arguments":{}}]}
                """);
        try (EmbeddedBroker broker = EmbeddedBroker.builder().definitions(defs).start();
             Connection c = factory(broker.uri("guest", "guest", "from-file")).newConnection();
             Channel ch = c.createChannel()) {
            assertEquals(0, ch.queueDeclarePassive("declared").getMessageCount());
        }
    }

    static ConnectionFactory factory(String uri) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(uri);
        return f;
    }

    private static void roundTrip(String uri, String queue) throws Exception {
        try (Connection c = factory(uri).newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, false, false, true, null);
            ch.basicPublish("", queue, null, "hello".getBytes(StandardCharsets.UTF_8));
            GetResponse r = null;
            for (int i = 0; i < 100 && r == null; i++) {
                r = ch.basicGet(queue, true);
            }
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), r.getBody());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
