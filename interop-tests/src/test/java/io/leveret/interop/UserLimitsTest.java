package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Per-user limits ({@code rabbitmqctl set_user_limits u '{"max-connections": 1, "max-channels": 2}'}), here
 * from the user's {@code "limits"} in a definitions file. The texts, the order of the checks and the counting
 * of channels across all of a user's connections were taken from RabbitMQ 3.10.8 by hand (its user limits
 * are set through rabbitmqctl, so these tests run on a private Leveret only).
 */
class UserLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PrivateLeveret start(Path dir, TestDefinitions defs) throws IOException {
        Path file = Files.writeString(dir.resolve("defs.json"), defs.json());
        return PrivateLeveret.start(dir, List.of(), "load_definitions = " + file);
    }

    private static Reply refusal(ConnectionFactory f) {
        IOException e = assertThrows(IOException.class, f::newConnection);
        return Reply.of((ShutdownSignalException) e.getCause());
    }

    @Test
    void maxConnectionsCountsTheUsersConnectionsAcrossVhosts() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-user-limits");
        TestDefinitions defs = new TestDefinitions().vhost("/").vhost("other").user("u", "pw")
                .limits("{\"max-connections\":2}").permission("u", "/", ".*", ".*", ".*")
                .permission("u", "other", ".*", ".*", ".*").user("free", "pw").permission("free", "/", ".*", ".*", ".*");
        try (PrivateLeveret broker = start(dir, defs)) {
            Connection a = broker.factory("u", "pw", "/").newConnection();
            try (Connection b = broker.factory("u", "pw", "other").newConnection()) {
                assertEquals(Reply.connection(530,
                        "NOT_ALLOWED - connection refused for user 'u': user connection limit (2) is reached", 10, 40),
                        refusal(broker.factory("u", "pw", "/")));
                try (Connection other = broker.factory("free", "pw", "/").newConnection()) {
                    assertTrue(other.isOpen(), "another user is not limited by u's limit");
                }
            }
            BrokerTestSupport.await("u's closed connection to be counted out", () -> {
                try (Connection c = broker.factory("u", "pw", "other").newConnection()) {
                    return c.isOpen();
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(a.isOpen());
            a.close();
        }
    }

    @Test
    void maxChannelsCountsTheUsersChannelsAcrossConnectionsAndAClosedChannelFreesItsSlot() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-user-limits");
        TestDefinitions defs = new TestDefinitions().vhost("/").user("u", "pw")
                .limits("{\"max-connections\":2,\"max-channels\":2}").permission("u", "/", ".*", ".*", ".*");
        try (PrivateLeveret broker = start(dir, defs)) {
            ConnectionFactory f = broker.factory("u", "pw", "/");
            Connection c1 = f.newConnection();
            Connection c2 = f.newConnection();
            Channel ch1 = c1.createChannel();
            c2.createChannel();
            Reply r = BrokerTestSupport.closeCausedBy(c2, c2::createChannel);
            assertEquals(Reply.connection(530, "NOT_ALLOWED - number of channels opened for user 'u' has reached the "
                    + "maximum allowed user limit of (2)", 0, 0), r);
            assertTrue(c1.isOpen(), "only the connection that asked is closed");
            // c2's channel went with it, so c1 may have two; closing one frees its slot at once.
            ch1.close();
            c1.createChannel();
            c1.createChannel();
            r = BrokerTestSupport.closeCausedBy(c1, c1::createChannel);
            assertEquals(530, r.code());
        }
    }

    @Test
    void zeroAllowsNoneNegativeIsNoLimitAndTheLimitIsCheckedBeforeAccess() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-user-limits");
        TestDefinitions defs = new TestDefinitions().vhost("/").vhost("closed")
                .user("nobody", "pw").limits("{\"max-connections\":0}")
                .permission("nobody", "/", ".*", ".*", ".*")
                .user("unlimited", "pw").limits("{\"max-connections\":-1,\"max-channels\":-1}")
                .permission("unlimited", "/", ".*", ".*", ".*")
                .user("nochannels", "pw").limits("{\"max-channels\":0}")
                .permission("nochannels", "/", ".*", ".*", ".*");
        try (PrivateLeveret broker = start(dir, defs)) {
            String zero = "NOT_ALLOWED - connection refused for user 'nobody': user connection limit (0) is reached";
            assertEquals(Reply.connection(530, zero, 10, 40), refusal(broker.factory("nobody", "pw", "/")));
            // nobody has no permissions on "closed", but the limit is what RabbitMQ names first.
            assertEquals(Reply.connection(530, zero, 10, 40), refusal(broker.factory("nobody", "pw", "closed")));
            List<Connection> open = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Connection c = broker.factory("unlimited", "pw", "/").newConnection();
                    open.add(c);
                    for (int j = 0; j < 5; j++) {
                        c.createChannel();
                    }
                }
            } finally {
                for (Connection c : open) {
                    c.close();
                }
            }
            Connection c = broker.factory("nochannels", "pw", "/").newConnection();
            Reply r = BrokerTestSupport.closeCausedBy(c, c::createChannel);
            assertEquals("NOT_ALLOWED - number of channels opened for user 'nochannels' has reached the maximum "
                    + "allowed user limit of (0)", r.text());
            assertFalse(c.isOpen());
        }
    }

    @Test
    void limitsAreExportedInsideTheUserAndAReimportWithoutThemKeepsThem() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-user-limits");
        TestDefinitions defs = new TestDefinitions().vhost("/").user("u", "pw")
                .limits("{\"max-connections\":1,\"max-channels\":-1}").permission("u", "/", ".*", ".*", ".*")
                .user("plain", "pw").permission("plain", "/", ".*", ".*", ".*");
        try (PrivateLeveret broker = start(dir, defs)) {
            assertTrue(broker.isAlive());
        }
        JsonNode users = exportUsers(dir);
        assertEquals(JSON.readTree("{\"max-channels\":-1,\"max-connections\":1}"), users.get("u").get("limits"));
        assertEquals(JSON.createObjectNode(), users.get("plain").get("limits"));

        // As RabbitMQ 3.10's import: limits in the file are added to the stored ones; absent or {} clears none.
        TestDefinitions again = new TestDefinitions().vhost("/").user("u", "pw").limits("{\"max-channels\":3}")
                .permission("u", "/", ".*", ".*", ".*").user("plain", "pw").limits("{}");
        try (PrivateLeveret broker = start(dir, again)) {
            Connection c = broker.factory("u", "pw", "/").newConnection();
            try {
                assertEquals(Reply.connection(530,
                        "NOT_ALLOWED - connection refused for user 'u': user connection limit (1) is reached", 10, 40),
                        refusal(broker.factory("u", "pw", "/")));
            } finally {
                c.close();
            }
        }
        users = exportUsers(dir);
        assertEquals(JSON.readTree("{\"max-channels\":3,\"max-connections\":1}"), users.get("u").get("limits"));
    }

    @Test
    void anUnknownLimitStopsBootAsRabbitMqRefusesTheImport() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-user-limits");
        TestDefinitions defs = new TestDefinitions().vhost("/").user("u", "pw").limits("{\"max-queues\":3}");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start(dir, defs).close());
        assertTrue(e.getMessage().contains("unrecognised terms max-queues in user-limits"), e.getMessage());
    }

    /** The users of an export of the stopped broker in {@code dir}, by name. */
    private static JsonNode exportUsers(Path dir) throws Exception {
        Path out = dir.resolve("export.json");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                PrivateLeveret.jar().toString(), "export-definitions", "--config", dir.resolve("leveret.conf").toString(),
                out.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        com.fasterxml.jackson.databind.node.ObjectNode byName = JSON.createObjectNode();
        JSON.readTree(out.toFile()).get("users").forEach(u -> byName.set(u.get("name").asText(), u));
        return byName;
    }
}
