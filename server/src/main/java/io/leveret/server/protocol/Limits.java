package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.VirtualHost;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connection, channel and queue limits: {@code connection_max} for the whole broker, each vhost's
 * {@code max-connections} and {@code max-queues} (RabbitMQ's vhost-limits parameter), and each user's
 * {@code max-connections} and {@code max-channels} (RabbitMQ's user limits, counted across all the user's
 * connections); a negative limit is no limit, 0 allows none. Counters are shared by every connection's
 * loop, so they are atomic and taken before they are checked (increment, then give back if over), which
 * never lets two loops both take the last slot; a count is taken when a connection opens its vhost (a
 * channel opens) and given back when it goes.
 */
public final class Limits {
    /** A vhost's limits; -1 means none. */
    public record VhostLimits(int maxConnections, int maxQueues) {
        public static final VhostLimits NONE = new VhostLimits(-1, -1);
    }

    /** A user's limits; -1 means none. */
    public record UserLimits(int maxConnections, int maxChannels) {
        public static final UserLimits NONE = new UserLimits(-1, -1);

        /** From the limits as stored by name; absent or negative is none. */
        public static UserLimits of(Map<String, Integer> byName) {
            return new UserLimits(byName.getOrDefault("max-connections", -1), byName.getOrDefault("max-channels", -1));
        }
    }

    private final int connectionMax;
    private final Map<String, UserLimits> userLimits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> userConnections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> userChannels = new ConcurrentHashMap<>();
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

    public void setUserLimits(String user, UserLimits limits) {
        userLimits.put(user, limits);
    }

    public UserLimits userLimits(String user) {
        return userLimits.getOrDefault(user, UserLimits.NONE);
    }

    /** The number of connections open now, across vhosts. */
    public int connections() {
        return connections.get();
    }

    /**
     * Takes a connection slot in {@code vhost} for {@code user} or refuses with RabbitMQ's 530 texts, in
     * RabbitMQ's order: the node's connection_max, then rabbit_reader's is_over_vhost_connection_limit and
     * is_over_user_connection_limit (all before the user's access to the vhost is checked).
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
        int userMax = userLimits(user).maxConnections();
        AtomicInteger userCount = userConnections.computeIfAbsent(user, u -> new AtomicInteger());
        if (userCount.incrementAndGet() > userMax && userMax >= 0) {
            userCount.decrementAndGet();
            count.decrementAndGet();
            connections.decrementAndGet();
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "connection refused for user '" + user
                    + "': user connection limit (" + userMax + ") is reached", m);
        }
    }

    void closeConnection(String vhost, String user) {
        connections.decrementAndGet();
        vhostConnections.get(vhost).decrementAndGet();
        userConnections.get(user).decrementAndGet();
    }

    /**
     * Takes a channel slot for {@code user} or refuses as rabbit_reader's create_channel does: a connection
     * error with no class or method.
     */
    void openChannel(String user) {
        int max = userLimits(user).maxChannels();
        AtomicInteger count = userChannels.computeIfAbsent(user, u -> new AtomicInteger());
        if (count.incrementAndGet() > max && max >= 0) {
            count.decrementAndGet();
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "number of channels opened for user '" + user
                    + "' has reached the maximum allowed user limit of (" + max + ")", 0, 0);
        }
    }

    void closeChannel(String user) {
        userChannels.get(user).decrementAndGet();
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
