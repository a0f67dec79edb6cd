package io.leveret.server.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.server.security.Permission.Access;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Permission matching as rabbit_auth_backend_internal does it. */
class PermissionTest {

    @Test
    void expressionsMatchAnywhereUnlessAnchored() {
        Permission.Compiled p = new Permission("^c", "w", "^r$").compiled();
        assertTrue(p.allows(Access.CONFIGURE, "cq"));
        assertFalse(p.allows(Access.CONFIGURE, "qc"));
        assertTrue(p.allows(Access.WRITE, "a-w-b"), "unanchored, as PCRE's re:run");
        assertTrue(p.allows(Access.READ, "r"));
        assertFalse(p.allows(Access.READ, "rr"));
    }

    @Test
    void theEmptyExpressionAllowsNothing() {
        Permission.Compiled p = new Permission("", "", "").compiled();
        assertFalse(p.allows(Access.CONFIGURE, ""));
        assertFalse(p.allows(Access.WRITE, "anything"));
    }

    @Test
    void serverNamedQueuesAreCheckedLikeAnyOther() {
        Permission.Compiled p = new Permission("^(amq\\.gen.*|amq\\.default)$", ".*", ".*").compiled();
        assertTrue(p.allows(Access.CONFIGURE, "amq.gen-JzTY20BRgKO-HjmUJj0wLg"));
        assertFalse(p.allows(Access.CONFIGURE, "orders"));
    }

    @Test
    void aBadExpressionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Permission("(", ".*", ".*"));
    }

    @Test
    void topicPermissionsExpandUserAndVhost() {
        TopicPermission t = new TopicPermission("amq.topic", "^{username}\\.", "^{vhost}\\.");
        assertTrue(t.allows(true, "alice.x", "alice", "/"));
        assertFalse(t.allows(true, "bob.x", "alice", "/"));
        assertTrue(t.allows(false, "prod.x", "alice", "prod"));
        assertFalse(new TopicPermission("amq.topic", "", "").allows(true, "x", "u", "/"));
    }

    @Test
    void databaseKeepsPermissionsTopicPermissionsAndLoopbackUsers() {
        UserDatabase db = new UserDatabase();
        db.putUser(new User("u", PasswordHash.of(PasswordHash.Algorithm.SHA256, "p"), java.util.List.of("monitoring")));
        db.putUser(new User("ext", null, java.util.List.of()));
        assertFalse(db.authenticate("ext", ""), "no password, no PLAIN login");
        db.setPermission("u", "/", Permission.ALL);
        db.setTopicPermission("u", "/", new TopicPermission("amq.topic", "^a", "^b"));
        assertTrue(db.mayAccess("u", "/"));
        assertFalse(db.mayAccess("u", "other"));
        db.setLoopbackUsers(Set.of("u"));
        assertTrue(db.mayConnectFrom("u", new InetSocketAddress("127.0.0.1", 1)));
        assertTrue(db.mayConnectFrom("u", new InetSocketAddress("::1", 1)));
        assertFalse(db.mayConnectFrom("u", new InetSocketAddress("192.0.2.7", 1)));
        assertTrue(db.mayConnectFrom("ext", new InetSocketAddress("192.0.2.7", 1)));
        db.deleteUser("u");
        assertNull(db.permission("u", "/"));
        assertNull(db.topicPermission("u", "/", "amq.topic"));
    }
}
