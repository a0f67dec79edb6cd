package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.VirtualHost;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection and queue limits: {@code connection_max} for the whole broker, and each vhost's
 * {@code max-connections} and {@code max-queues} (RabbitMQ's vhost-limits parameter; a negative limit is
 * no limit, 0 allows none). Counters are shared by every connection's loop, so they are atomic; a count is
 * taken when a connection opens its vhost and given back when it goes.
 */
public final class Limits {
    /** A vhost's limits; -1 means none. */
    public record VhostLimits(int maxConnections, int maxQueues) {
        public static final VhostLimits NONE = new VhostLimits(-1, -1);
    }

    private final int connectionMax;
    private final AtomicInteger connections = new AtomicInteger();
    private final Map<String, VhostLimits> vhostLimits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> vhostConnections = new ConcurrentHashMap<>();

    /** @param connectionMax the broker-wide cap on open connections, {@link Integer#MAX_VALUE} for none */
    public Limits(int connectionMax) {
        this.connectionMax = connectionMax;
    }

    public static Limits none() {
        return new Limits(Integer.MAX_VALUE);
    }

    public void setVhostLimits(String vhost, VhostLimits limits) {
        vhostLimits.put(vhost, limits);
    }

    public VhostLimits vhostLimits(String vhost) {
        return vhostLimits.getOrDefault(vhost, VhostLimits.NONE);
    }

    /** The number of connections open now, across vhosts. */
    public int connections() {
        return connections.get();
    }

    /**
     * Takes a connection slot in {@code vhost} or refuses with RabbitMQ's 530 texts (rabbit_reader's
     * is_over_node_connection_limit and is_over_vhost_connection_limit, in that order).
     */
    void openConnection(Method m, String vhost, String user) {
        if (connections.incrementAndGet() > connectionMax) {
            connections.decrementAndGet();
            throw new ConnectionException(ReplyCode.NOT_ALLOWED,
                    "connection refused: node connection limit (" + connectionMax + ") is reached", m);
        }
        int max = vhostLimits(vhost).maxConnections();
        AtomicInteger count = vhostConnections.computeIfAbsent(vhost, v -> new AtomicInteger());
        if (count.incrementAndGet() > max && max >= 0) {
            count.decrementAndGet();
            connections.decrementAndGet();
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "access to vhost '" + vhost + "' refused for user '"
                    + user + "': connection limit (" + max + ") is reached", m);
        }
    }

    void closeConnection(String vhost) {
        connections.decrementAndGet();
        vhostConnections.get(vhost).decrementAndGet();
    }

    /** RabbitMQ's check_vhost_queue_limit, asked only when a declare would create a queue. */
    void checkQueueLimit(Method m, VirtualHost vhost, String name) {
        int max = vhostLimits(vhost.name()).maxQueues();
        if (max >= 0 && vhost.queues().size() >= max) {
            throw ChannelException.preconditionFailed(m, "cannot declare queue '" + name + "': queue limit in vhost '"
                    + vhost.name() + "' (" + max + ") is reached");
        }
    }
}
