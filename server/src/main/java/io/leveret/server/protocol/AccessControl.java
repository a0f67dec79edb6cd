package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.server.security.Permission;
import io.leveret.server.security.Permission.Access;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One channel's user in its vhost: the checks of RabbitMQ's access-control table, each refusing with
 * RabbitMQ's 403 text ({@code access to queue 'q' in vhost '/' refused for user 'u'}). As RabbitMQ's
 * rabbit_channel does, a channel remembers its last {@value #CACHE_SIZE} checks that passed and asks the
 * user database afresh for anything else: a permission changed or cleared at runtime refuses the next
 * check that is not in the cache (a new name, or any check on a new channel), while a repeated publish
 * to the same exchange keeps passing without a regular expression. Refusals are never cached, so a
 * permission granted later works at once. Confined to the connection's loop.
 */
final class AccessControl {
    /** RabbitMQ's MAX_PERMISSION_CACHE_SIZE: how many passed checks a channel remembers, oldest dropped first. */
    static final int CACHE_SIZE = 12;

    private final UserDatabase users;
    private final String user;
    private final String vhost;
    /** Passed checks, keyed by access, kind and name; insertion order, so the oldest goes first. */
    private final Map<String, Boolean> passed = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    AccessControl(UserDatabase users, String user, String vhost) {
        this.users = users;
        this.user = user;
        this.vhost = vhost;
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
        // Queues and exchanges share the expressions, so the cache key carries the kind.
        String key = (char) ('0' + access.ordinal()) + kind.substring(0, 1) + name;
        if (passed.containsKey(key)) {
            return;
        }
        Permission.Compiled permission = users.compiledPermission(user, vhost);
        if (permission == null || !permission.allows(access, name)) {
            throw ChannelException.accessRefused(m, "access to " + kind + " '" + name + "' in vhost '" + vhost
                    + "' refused for user '" + user + "'");
        }
        passed.put(key, Boolean.TRUE);
    }
}
