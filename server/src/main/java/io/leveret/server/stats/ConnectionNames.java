package io.leveret.server.stats;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** The names the management API gives connections and channels, which are also their statistics keys. */
public final class ConnectionNames {
    private ConnectionNames() {
    }

    /** RabbitMQ's {@code "127.0.0.1:54321 -> 127.0.0.1:5672"}: the peer, then our end. */
    public static String of(SocketAddress peer, SocketAddress local) {
        return address(peer) + " -> " + address(local);
    }

    /** RabbitMQ's {@code "<connection name> (<channel number>)"}. */
    public static String channel(String connection, int number) {
        return connection + " (" + number + ")";
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
            return host + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
