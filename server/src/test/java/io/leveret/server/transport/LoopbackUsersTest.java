package io.leveret.server.transport;

import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.ReplyCode;
import io.leveret.server.security.UserDatabase;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * loopback_users (RabbitMQ's check_user_loopback): guest from a non-loopback address is refused with the
 * same 403 text as a wrong password, the reason going to the log only. The address is a TEST-NET one that
 * the embedded channel only pretends to come from.
 */
class LoopbackUsersTest {
    private static final InetSocketAddress REMOTE = new InetSocketAddress("192.0.2.7", 40000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 40000);

    private static UserDatabase users(Set<String> loopbackOnly) {
        UserDatabase users = new UserDatabase();
        users.put("guest", "guest", Set.of("/"));
        users.put("alice", "pw", Set.of("/"));
        users.setLoopbackUsers(loopbackOnly);
        return users;
    }

    @Test
    void guestFromAfarIsRefusedWithRabbitMqsLoginText() {
        try (AmqpPeer peer = new AmqpPeer(REMOTE, users(Set.of("guest")))) {
            peer.start();
            peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                    AmqpPeer.plain("guest", "guest"), "en_US"));
            peer.expectConnectionClose(ReplyCode.ACCESS_REFUSED, "ACCESS_REFUSED - Login was refused using "
                    + "authentication mechanism PLAIN. For details see the broker logfile.");
        }
    }

    @Test
    void otherUsersFromAfarAndGuestFromLoopbackLogIn() {
        try (AmqpPeer peer = new AmqpPeer(REMOTE, users(Set.of("guest")))) {
            peer.start();
            peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                    AmqpPeer.plain("alice", "pw"), "en_US"));
            peer.expect(0, ConnectionMethod.Tune.class);
        }
        try (AmqpPeer peer = new AmqpPeer(LOCAL, users(Set.of("guest")))) {
            peer.start();
            peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                    AmqpPeer.plain("guest", "guest"), "en_US"));
            peer.expect(0, ConnectionMethod.Tune.class);
        }
    }

    @Test
    void loopbackUsersNoneLetsGuestInFromAnywhere() {
        try (AmqpPeer peer = new AmqpPeer(REMOTE, users(Set.of()))) {
            peer.start();
            peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                    AmqpPeer.plain("guest", "guest"), "en_US"));
            peer.expect(0, ConnectionMethod.Tune.class);
        }
    }
}
