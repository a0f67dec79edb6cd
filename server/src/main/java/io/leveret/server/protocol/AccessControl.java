package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.server.security.Permission;
import io.leveret.server.security.Permission.Access;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.Exchange;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection's user in its vhost: the checks of RabbitMQ's access-control table, each refusing with
 * RabbitMQ's 403 text ({@code access to queue 'q' in vhost '/' refused for user 'u'}). The permissions are
 * read once at connection.open, as RabbitMQ's channels cache them; answers are cached per name so that a
 * publisher pays for the regular expression once per exchange. Confined to the connection's loop.
 */
final class AccessControl {
    /** A cache holds at most this many names per kind of access before it starts over. */
    private static final int CACHE_SIZE = 128;

    private final UserDatabase users;
    private final String user;
    private final String vhost;
    private final Permission.Compiled permission;
    private final Map<String, Boolean> configureCache = new HashMap<>();
    private final Map<String, Boolean> writeCache = new HashMap<>();
    private final Map<String, Boolean> readCache = new HashMap<>();

    AccessControl(UserDatabase users, String user, String vhost, Permission permission) {
        this.users = users;
        this.user = user;
        this.vhost = vhost;
        this.permission = permission.compiled();
    }

    void configureExchange(Method m, String name) {
        check(m, Access.CONFIGURE, "exchange", exchangeName(name));
    }

    void writeExchange(Method m, String name) {
        check(m, Access.WRITE, "exchange", exchangeName(name));
    }

    void readExchange(Method m, String name) {
        check(m, Access.READ, "exchange", exchangeName(name));
    }

    void configureQueue(Method m, String name) {
        check(m, Access.CONFIGURE, "queue", name);
    }

    void writeQueue(Method m, String name) {
        check(m, Access.WRITE, "queue", name);
    }

    void readQueue(Method m, String name) {
        check(m, Access.READ, "queue", name);
    }

    /**
     * Topic permissions (RabbitMQ's check_topic_access): on a topic exchange only, and only if the user has
     * topic permissions for it; {@code write} for a publish's routing key, otherwise a binding key.
     */
    void topic(Method m, Exchange x, boolean write, String routingKey) {
        if (!"topic".equals(x.type())) {
            return;
        }
        TopicPermission tp = users.topicPermission(user, vhost, x.name());
        if (tp != null && !tp.allows(write, routingKey, user, vhost)) {
            throw ChannelException.accessRefused(m, "access to topic '" + routingKey + "' in exchange '" + x.name()
                    + "' in vhost '" + vhost + "' refused for user '" + user + "'");
        }
    }

    /** The default exchange is "amq.default" to permissions, as in rabbit_access_control. */
    private static String exchangeName(String name) {
        return name.isEmpty() ? "amq.default" : name;
    }

    private void check(Method m, Access access, String kind, String name) {
        Map<String, Boolean> cache = switch (access) {
            case CONFIGURE -> configureCache;
            case WRITE -> writeCache;
            case READ -> readCache;
        };
        // Queues and exchanges share the expressions, so the cache key carries the kind.
        String key = kind.charAt(0) + name;
        Boolean allowed = cache.get(key);
        if (allowed == null) {
            if (cache.size() >= CACHE_SIZE) {
                cache.clear();
            }
            allowed = permission.allows(access, name);
            cache.put(key, allowed);
        }
        if (!allowed) {
            throw ChannelException.accessRefused(m, "access to " + kind + " '" + name + "' in vhost '" + vhost
                    + "' refused for user '" + user + "'");
        }
    }
}
