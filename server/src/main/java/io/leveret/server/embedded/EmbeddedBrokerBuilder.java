package io.leveret.server.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings for an {@link EmbeddedBroker}. Without any call it listens on 127.0.0.1 at a free port, keeps its
 * data in a temporary folder, and has RabbitMQ's first-boot vhost "/" and user guest/guest.
 */
public final class EmbeddedBrokerBuilder {
    /** A user to create: password hashed as RabbitMQ does (salted SHA-256). */
    record UserSpec(String name, String password, List<String> tags) {
    }

    record PermissionSpec(String user, String vhost, String configure, String write, String read) {
    }

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<UserSpec> users = new ArrayList<>();
    private final List<String> vhosts = new ArrayList<>();
    private final List<PermissionSpec> permissions = new ArrayList<>();
    private Path dataDir;
    private Path definitions;

    EmbeddedBrokerBuilder() {
        settings.put("listeners.tcp.default", "127.0.0.1:0");
        // The Prometheus endpoint cannot be switched off, and the management API is on unless
        // management.enabled=false: free loopback ports keep parallel brokers apart.
        settings.put("prometheus.tcp.ip", "127.0.0.1");
        settings.put("prometheus.tcp.port", "0");
        settings.put("management.tcp.ip", "127.0.0.1");
        settings.put("management.tcp.port", "0");
    }

    /** The AMQP port on 127.0.0.1; 0 (the default) picks a free one, see {@link EmbeddedBroker#port()}. */
    public EmbeddedBrokerBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return set("listeners.tcp.default", "127.0.0.1:" + port);
    }

    /** Keeps the store in {@code dir}, which then outlives the broker (a second broker on it recovers it). */
    public EmbeddedBrokerBuilder dataDir(Path dir) {
        this.dataDir = dir;
        return this;
    }

    /** Imports a RabbitMQ definitions file at start, as the load_definitions key does. */
    public EmbeddedBrokerBuilder definitions(Path file) {
        this.definitions = file;
        return this;
    }

    /** Creates a vhost at start. */
    public EmbeddedBrokerBuilder vhost(String name) {
        vhosts.add(name);
        return this;
    }

    /** Creates a user at start, with tags such as "administrator"; grant access with {@link #permission}. */
    public EmbeddedBrokerBuilder user(String name, String password, String... tags) {
        users.add(new UserSpec(name, password, List.of(tags)));
        return this;
    }

    /** Grants a user configure, write and read (regular expressions, as in set_permissions) on a vhost. */
    public EmbeddedBrokerBuilder permission(String user, String vhost, String configure, String write, String read) {
        permissions.add(new PermissionSpec(user, vhost, configure, write, read));
        return this;
    }

    /**
     * Sets any key of conf/leveret.conf, as {@code --set key=value} does; an unknown key or bad value makes
     * {@link #start()} throw the same {@link io.leveret.server.config.ConfigException} the command line reports.
     */
    public EmbeddedBrokerBuilder set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Starts the broker; it serves when this returns. */
    public EmbeddedBroker start() {
        return EmbeddedBroker.start(Map.copyOf(settings), dataDir, definitions, List.copyOf(users),
                List.copyOf(vhosts), List.copyOf(permissions));
    }
}
