package io.leveret.interop;

import static io.leveret.interop.BrokerTestSupport.await;
import static io.leveret.interop.BrokerTestSupport.closeCausedBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes made over the management API while clients are connected, and what those clients see, as RabbitMQ
 * 3.10.8 showed it: a cleared permission refuses the next check a channel has not made before (and every check
 * on a new channel) without closing the connection; a deleted user's or vhost's connections are closed with
 * 320; a new password or a lower limit leaves open connections alone; a policy applies to a queue that exists.
 * Runs against Leveret and the reference alike.
 */
class RuntimeSecurityTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String user = "rt-u-" + suffix;
    private final String vhost = "rt-v-" + suffix;
    private final String queue = "rt-q-" + suffix;
    private ManagementHttp http;

    @BeforeEach
    void addUser() {
        http = ManagementHttp.of(broker);
        assertEquals(201, http.put("/api/users/" + user, "{\"password\":\"pw\",\"tags\":\"\"}").statusCode());
        grant("%2F");
    }

    @AfterEach
    void cleanUp() throws Exception {
        http.delete("/api/users/" + user);
        http.delete("/api/vhosts/" + vhost);
        http.delete("/api/policies/%2F/" + queue);
        try (Connection c = broker.factory().newConnection()) {
            c.createChannel().queueDelete(queue);
        }
    }

    private void grant(String rawVhost) {
        int status = http.put("/api/permissions/" + rawVhost + "/" + user,
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode();
        assertTrue(status == 201 || status == 204, "status " + status);
    }

    private ConnectionFactory as(String password, String vhostName) {
        ConnectionFactory f = broker.factory();
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhostName);
        return f;
    }

    private String refused(String kind, String name) {
        return "ACCESS_REFUSED - access to " + kind + " '" + name + "' in vhost '/' refused for user '" + user + "'";
    }

    @Test
    void aClearedPermissionRefusesTheNextUncachedCheckWhileTheConnectionStays() throws Exception {
        try (Connection c = as("pw", "/").newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, false, false, false, null);
            assertEquals(204, http.delete("/api/permissions/%2F/" + user).statusCode());
            // Passed on this channel before: RabbitMQ's per-channel cache still lets it through.
            ch.queueDeclare(queue, false, false, false, null);
            Reply r = closeCausedBy(ch, () -> ch.queueDeclare(queue + "-2", false, false, false, null));
            assertEquals(Reply.channel(403, refused("queue", queue + "-2"), 50, 10), r);
            Channel fresh = c.createChannel();
            Reply again = closeCausedBy(fresh, () -> fresh.queueDeclare(queue, false, false, false, null));
            assertEquals(Reply.channel(403, refused("queue", queue), 50, 10), again);
            assertTrue(c.isOpen());
            // Granted again: a refusal is not cached, so the next check passes.
            grant("%2F");
            c.createChannel().queueDeclare(queue, false, false, false, null);
        }
    }

    @Test
    void deletingAUserClosesItsConnectionsWith320() throws Exception {
        Connection c = as("pw", "/").newConnection();
        assertEquals(204, http.delete("/api/users/" + user).statusCode());
        await("the deleted user's connection to close", () -> !c.isOpen());
        Reply r = Reply.of(c.getCloseReason());
        assertEquals(Reply.connection(320, "CONNECTION_FORCED - user '" + user + "' is deleted", 0, 0), r);
    }

    @Test
    void aNewPasswordLeavesOpenConnectionsAndHoldsForTheNextLogin() throws Exception {
        try (Connection c = as("pw", "/").newConnection()) {
            assertEquals(204, http.put("/api/users/" + user, "{\"password\":\"new\",\"tags\":\"\"}").statusCode());
            c.createChannel().queueDeclare(queue, false, false, false, null);
            assertThrows(AuthenticationFailureException.class, () -> as("pw", "/").newConnection());
            as("new", "/").newConnection().close();
        }
    }

    @Test
    void deletingAVhostClosesItsConnectionsWith320() throws Exception {
        assertEquals(201, http.put("/api/vhosts/" + vhost, "{}").statusCode());
        grant(vhost);
        Connection c = as("pw", vhost).newConnection();
        c.createChannel().queueDeclare("in-" + vhost, true, false, false, null);
        assertEquals(204, http.delete("/api/vhosts/" + vhost).statusCode());
        await("the vhost's connection to close", () -> !c.isOpen());
        // RabbitMQ 3.10.8 says "is deleted" when the delete closes the connection and "is down" when the vhost's
        // processes stopping got there first; both were seen against the reference.
        Reply r = Reply.of(c.getCloseReason());
        assertEquals(320, r.code());
        assertTrue(r.text().equals("CONNECTION_FORCED - vhost '" + vhost + "' is deleted")
                || r.text().equals("CONNECTION_FORCED - vhost '" + vhost + "' is down"), r::toString);
    }

    @Test
    void aUserChannelLimitHoldsForTheNextChannelOnly() throws Exception {
        Connection c = as("pw", "/").newConnection();
        try {
            Channel first = c.createChannel();
            assertEquals(204, http.put("/api/user-limits/" + user + "/max-channels", "{\"value\":1}").statusCode());
            first.queueDeclare(queue, false, false, false, null);
            Reply r = closeCausedBy(c, c::createChannel);
            assertEquals(Reply.connection(530, "NOT_ALLOWED - number of channels opened for user '" + user
                    + "' has reached the maximum allowed user limit of (1)", 0, 0), r);
        } finally {
            c.abort();
        }
    }

    @Test
    void aVhostConnectionLimitHoldsForTheNextConnectionOnly() throws Exception {
        assertEquals(201, http.put("/api/vhosts/" + vhost, "{}").statusCode());
        grant(vhost);
        try (Connection c = as("pw", vhost).newConnection()) {
            assertEquals(204, http.put("/api/vhost-limits/" + vhost + "/max-connections", "{\"value\":1}")
                    .statusCode());
            IOException e = assertThrows(IOException.class, () -> as("pw", vhost).newConnection());
            assertEquals("NOT_ALLOWED - access to vhost '" + vhost + "' refused for user '" + user
                    + "': connection limit (1) is reached", Reply.of((com.rabbitmq.client.ShutdownSignalException)
                    e.getCause()).text());
            assertTrue(c.isOpen());
        }
    }

    @Test
    void aPolicyAppliesToAQueueThatAlreadyExists() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            ch.queueDeclare(queue, false, false, false, null);
            assertEquals(201, http.put("/api/policies/%2F/" + queue, "{\"pattern\":\"^" + queue
                    + "$\",\"definition\":{\"max-length\":2},\"apply-to\":\"queues\"}").statusCode());
            ch.confirmSelect();
            for (int i = 0; i < 5; i++) {
                ch.basicPublish("", queue, null, new byte[] {(byte) i});
            }
            ch.waitForConfirmsOrDie(10_000);
            await("the queue to be cut to the policy's max-length", () -> messageCount(ch) == 2);
            // The queue's row names the policy and what it sets (RabbitMQ shows it from its next sample).
            await("the queue's row to name its policy", () -> {
                var row = ManagementHttp.json(http.get("/api/queues/%2F/" + queue));
                return queue.equals(row.path("policy").asText())
                        && row.path("effective_policy_definition").path("max-length").asInt() == 2
                        && row.path("operator_policy").isNull();
            });
            assertEquals(204, http.delete("/api/policies/%2F/" + queue).statusCode());
            for (int i = 0; i < 3; i++) {
                ch.basicPublish("", queue, null, new byte[] {(byte) i});
            }
            ch.waitForConfirmsOrDie(10_000);
            await("the queue to take messages past the cleared limit", () -> messageCount(ch) == 5);
        }
    }

    private int messageCount(Channel ch) {
        try {
            return ch.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
