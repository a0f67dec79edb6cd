package io.leveret.server.protocol;

import io.leveret.codec.ReplyCode;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * The connections that have opened a vhost, so that a runtime change can reach them: deleting a user or a
 * vhost closes its connections with 320 CONNECTION_FORCED, as RabbitMQ does. Added to and removed from by
 * each connection's own loop; read from any thread.
 */
public final class OpenConnections {
    private final Set<AmqpConnection> open = ConcurrentHashMap.newKeySet();

    void add(AmqpConnection c) {
        open.add(c);
    }

    void remove(AmqpConnection c) {
        open.remove(c);
    }

    /** How many connections are open now. */
    public int size() {
        return open.size();
    }

    /**
     * Closes, each on its own loop, every open connection whose user and vhost {@code which} accepts, with
     * {@code CONNECTION_FORCED - reason}; returns how many it asked to close.
     */
    public int closeWhere(BiPredicate<String, String> which, String reason) {
        List<AmqpConnection> chosen = open.stream().filter(c -> which.test(c.user(), c.vhostName())).toList();
        chosen.forEach(c -> c.closeForced(ReplyCode.CONNECTION_FORCED, reason));
        return chosen.size();
    }
}
