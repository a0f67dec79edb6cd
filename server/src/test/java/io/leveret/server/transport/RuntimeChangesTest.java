package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import io.leveret.server.admin.Admin;
import io.leveret.server.admin.AdminException;
import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.protocol.Limits;
import io.leveret.server.protocol.OpenConnections;
import io.leveret.server.protocol.ResourceAlarms;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.definitions.Definitions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes made through {@link Admin} while a client is connected, with the effects RabbitMQ 3.10.8 showed
 * for the same steps (probed against the reference with the Java client): a cleared permission refuses the
 * next check a channel has not cached, and any check on a new channel, while the connection stays open; a
 * deleted user's or vhost's connection gets 320; a lowered limit holds for the next channel or queue.
 */
class RuntimeChangesTest {
    private final UserDatabase users = new UserDatabase();
    private final Limits limits = Limits.none();
    private final OpenConnections connections = new OpenConnections();
    private final Map<String, VirtualHost> vhosts = new ConcurrentHashMap<>();
    private Admin admin;
    private AmqpPeer peer;

    @BeforeEach
    void connect() {
        users.put("guest", "guest", Set.of("/"));
        peer = new AmqpPeer(null, v -> {
            vhosts.put("/", v);
            return new BrokerServices(AmqpPeer.SETTINGS, users, vhosts, limits, ResourceAlarms.none(),
                    List.of("PLAIN", "AMQPLAIN"), "", "leveret@localhost", connections, null);
        });
        admin = new Admin(null, users, limits, vhosts, connections, name -> null,
                new Definitions(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of()));
        peer.open();
        peer.openChannel(1);
    }

    @AfterEach
    void close() {
        peer.close();
    }

    private void declare(int channel, String queue) {
        peer.send(channel, new QueueMethod.Declare(0, queue, false, false, false, false, false, FieldTable.EMPTY));
    }

    private void expectChannelClose(int channel, int code, String text) {
        ChannelMethod.Close c = peer.expect(channel, ChannelMethod.Close.class);
        assertEquals(code, c.replyCode(), () -> "reply " + c);
        assertEquals(text, c.replyText());
    }

    @Test
    void aClearedPermissionRefusesTheNextUncachedCheckAndEveryCheckOnANewChannel() {
        peer.declareQueue(1, "q1");
        admin.clearPermission("guest", "/").join();
        peer.declareQueue(1, "q1"); // passed before on this channel: RabbitMQ's cache still says yes
        declare(1, "q2");
        expectChannelClose(1, ReplyCode.ACCESS_REFUSED,
                "ACCESS_REFUSED - access to queue 'q2' in vhost '/' refused for user 'guest'");
        peer.send(1, new ChannelMethod.CloseOk());
        peer.openChannel(2);
        declare(2, "q1");
        expectChannelClose(2, ReplyCode.ACCESS_REFUSED,
                "ACCESS_REFUSED - access to queue 'q1' in vhost '/' refused for user 'guest'");
        peer.expectNothing();
    }

    @Test
    void aPermissionGrantedLaterWorksAtOnceBecauseRefusalsAreNotCached() {
        admin.setPermission("guest", "/", new Permission("^a", ".*", ".*")).join();
        declare(1, "b1");
        expectChannelClose(1, ReplyCode.ACCESS_REFUSED,
                "ACCESS_REFUSED - access to queue 'b1' in vhost '/' refused for user 'guest'");
        peer.send(1, new ChannelMethod.CloseOk());
        peer.openChannel(2);
        peer.declareQueue(2, "a1");
        admin.setPermission("guest", "/", Permission.ALL).join();
        peer.declareQueue(2, "b1");
    }

    @Test
    void deletingTheUserClosesItsConnectionWith320() {
        admin.deleteUser("guest").join();
        peer.expectConnectionClose(ReplyCode.CONNECTION_FORCED, "CONNECTION_FORCED - user 'guest' is deleted");
        assertNull(users.user("guest"));
        assertNull(users.permission("guest", "/"));
    }

    @Test
    void aNewPasswordLeavesOpenConnectionsAndHoldsForTheNextLogin() {
        admin.putUser("guest", PasswordHash.of(PasswordHash.Algorithm.SHA512, "other"), List.of("administrator")).join();
        peer.declareQueue(1, "still-open");
        assertEquals(false, users.authenticate("guest", "guest"));
        assertEquals(true, users.authenticate("guest", "other"));
        assertEquals(List.of("administrator"), users.user("guest").tags());
        assertEquals(Permission.ALL, users.permission("guest", "/"), "a changed user keeps its permissions");
    }

    @Test
    void deletingTheVhostClosesItsConnectionsWithRabbitMqsText() {
        peer.declareQueue(1, "gone");
        admin.deleteVhost("/").join();
        peer.expectConnectionClose(ReplyCode.CONNECTION_FORCED, "CONNECTION_FORCED - vhost '/' is deleted");
        assertNull(vhosts.get("/"));
        assertNull(users.permission("guest", "/"));
        assertEquals(0, peer.vhost.queues().size());
    }

    @Test
    void aUserChannelLimitSetAtRuntimeHoldsForTheNextChannel() {
        admin.setUserLimit("guest", "max-channels", 1).join();
        peer.send(2, new ChannelMethod.Open(""));
        peer.expectConnectionClose(ReplyCode.NOT_ALLOWED, "NOT_ALLOWED - number of channels opened for user 'guest'"
                + " has reached the maximum allowed user limit of (1)");
        assertEquals(Map.of("guest", Map.of("max-channels", 1)), admin.userLimits());
    }

    @Test
    void aVhostQueueLimitSetAtRuntimeHoldsForTheNextQueue() {
        peer.declareQueue(1, "first");
        admin.setVhostLimit("/", "max-queues", 1).join();
        declare(1, "second");
        expectChannelClose(1, ReplyCode.PRECONDITION_FAILED,
                "PRECONDITION_FAILED - cannot declare queue 'second': queue limit in vhost '/' (1) is reached");
        admin.clearVhostLimit("/", "max-queues").join();
        assertEquals(Map.of(), admin.vhostLimits());
    }

    @Test
    void topicPermissionsSetAndClearedAtRuntime() {
        admin.setTopicPermission("guest", "/", new TopicPermission("amq.topic", "^allowed", ".*")).join();
        assertEquals("^allowed", users.topicPermission("guest", "/", "amq.topic").write());
        admin.clearTopicPermission("guest", "/", null).join();
        assertNull(users.topicPermission("guest", "/", "amq.topic"));
    }

    @Test
    void aPolicySetAtRuntimeAppliesToAnExistingQueue() throws Exception {
        peer.declareQueue(1, "ttl.q");
        admin.setPolicy("/", "ttl", new ObjectMapper().readTree(
                "{\"pattern\":\"^ttl\\\\.\",\"definition\":{\"max-length\":3},\"apply-to\":\"queues\"}"), false).join();
        peer.expectNothing(); // runs the queue's tasks: it takes its new settings on its own thread
        assertEquals(3, peer.vhost.queue("ttl.q").settings().maxLength());
        admin.clearPolicy("/", "ttl", false).join();
        peer.expectNothing();
        assertEquals(-1, peer.vhost.queue("ttl.q").settings().maxLength());
    }

    @Test
    void badChangesAreRefusedWithRabbitMqsReasonAndChangeNothing() throws Exception {
        AdminException bad = refusal(() -> admin.setPolicy("/", "p", new ObjectMapper().readTree(
                "{\"pattern\":\".*\",\"definition\":{\"max-length\":\"x\"}}"), false).join());
        assertEquals(AdminException.Kind.BAD_REQUEST, bad.kind());
        assertEquals("Validation failed\n\n<<\"x\">> is not a valid maximum length\n", bad.getMessage());
        assertNull(peer.vhost.policies().get("p", false));
        assertEquals(AdminException.Kind.NOT_FOUND,
                refusal(() -> admin.setPermission("nobody", "/", Permission.ALL).join()).kind());
        assertEquals(AdminException.Kind.NOT_FOUND,
                refusal(() -> admin.setPermission("guest", "nowhere", Permission.ALL).join()).kind());
        assertEquals(AdminException.Kind.BAD_REQUEST,
                refusal(() -> admin.setUserLimit("guest", "max-queues", 1).join()).kind());
        assertEquals(Map.of(), admin.userLimits());
        peer.declareQueue(1, "unaffected");
    }

    private static AdminException refusal(ThrowingRunnable r) {
        CompletionException e = assertThrows(CompletionException.class, r::run);
        return assertInstanceOf(AdminException.class, e.getCause());
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
