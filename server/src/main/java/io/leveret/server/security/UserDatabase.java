package io.leveret.server.security;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RabbitMQ's internal authentication and authorisation backend: users with salted password hashes and
 * tags, per-vhost permissions, topic permissions, and the loopback-only users. Read from every
 * connection's loop, written at boot and by imports; every map is concurrent.
 */
public final class UserDatabase {
    private record VhostUser(String user, String vhost) {
    }

    private record TopicKey(String user, String vhost, String exchange) {
    }

    private final Map<String, User> users = new ConcurrentHashMap<>();
    /** A permission with its expressions compiled once, for the checks channels make. */
    private record Grant(Permission permission, Permission.Compiled compiled) {
    }

    private final Map<VhostUser, Grant> permissions = new ConcurrentHashMap<>();
    private final Map<TopicKey, TopicPermission> topicPermissions = new ConcurrentHashMap<>();
    private volatile Set<String> loopbackUsers = Set.of();

    /**
     * Adds (or replaces, permissions and all) a user with a SHA-256 hash of {@code password} and full access
     * to {@code vhosts}.
     */
    public void put(String name, String password, Set<String> vhosts) {
        deleteUser(name);
        putUser(new User(name, PasswordHash.of(PasswordHash.Algorithm.SHA256, password), List.of()));
        vhosts.forEach(v -> setPermission(name, v, Permission.ALL));
    }

    public void putUser(User user) {
        users.put(user.name(), user);
    }

    /** Removes the user with its permissions and topic permissions, as RabbitMQ's delete_user. */
    public void deleteUser(String name) {
        users.remove(name);
        permissions.keySet().removeIf(k -> k.user().equals(name));
        topicPermissions.keySet().removeIf(k -> k.user().equals(name));
    }

    public User user(String name) {
        return users.get(name);
    }

    public Collection<User> users() {
        return List.copyOf(users.values());
    }

    public void setPermission(String user, String vhost, Permission permission) {
        permissions.put(new VhostUser(user, vhost), new Grant(permission, permission.compiled()));
    }

    public void clearPermission(String user, String vhost) {
        permissions.remove(new VhostUser(user, vhost));
    }

    /** The user's permissions in {@code vhost}, or null if it has none (and so may not open it). */
    public Permission permission(String user, String vhost) {
        Grant g = permissions.get(new VhostUser(user, vhost));
        return g == null ? null : g.permission();
    }

    /** The user's permissions in {@code vhost} compiled, or null if it has none: what an access check reads. */
    public Permission.Compiled compiledPermission(String user, String vhost) {
        Grant g = permissions.get(new VhostUser(user, vhost));
        return g == null ? null : g.compiled();
    }

    /** Every user's permissions in every vhost, as (user, vhost, permission) triples. */
    public List<UserPermission> permissions() {
        return permissions.entrySet().stream()
                .map(e -> new UserPermission(e.getKey().user(), e.getKey().vhost(), e.getValue().permission()))
                .toList();
    }

    /** Every topic permission, as (user, vhost, permission). */
    public List<UserTopicPermission> topicPermissions() {
        return topicPermissions.entrySet().stream()
                .map(e -> new UserTopicPermission(e.getKey().user(), e.getKey().vhost(), e.getValue()))
                .toList();
    }

    /** A user's permission in one vhost. */
    public record UserPermission(String user, String vhost, Permission permission) {
    }

    /** A user's topic permission in one vhost. */
    public record UserTopicPermission(String user, String vhost, TopicPermission permission) {
    }

    /** Removes the user's topic permission on {@code exchange}, or on every exchange if it is null. */
    public void clearTopicPermission(String user, String vhost, String exchange) {
        topicPermissions.keySet().removeIf(k -> k.user().equals(user) && k.vhost().equals(vhost)
                && (exchange == null || k.exchange().equals(exchange)));
    }

    /** Forgets every permission and topic permission in a deleted vhost. */
    public void deleteVhost(String vhost) {
        permissions.keySet().removeIf(k -> k.vhost().equals(vhost));
        topicPermissions.keySet().removeIf(k -> k.vhost().equals(vhost));
    }

    public void setTopicPermission(String user, String vhost, TopicPermission permission) {
        topicPermissions.put(new TopicKey(user, vhost, permission.exchange()), permission);
    }

    /** The user's topic permissions on an exchange, or null: without any, every routing key is allowed. */
    public TopicPermission topicPermission(String user, String vhost, String exchange) {
        return topicPermissions.get(new TopicKey(user, vhost, exchange));
    }

    /** The users that may only connect from a loopback address (RabbitMQ's loopback_users). */
    public void setLoopbackUsers(Set<String> names) {
        loopbackUsers = Set.copyOf(names);
    }

    /** True when the user exists, has a password, and {@code password} matches it. */
    public boolean authenticate(String name, String password) {
        User u = users.get(name);
        return u != null && u.password() != null && u.password().matches(password);
    }

    /**
     * RabbitMQ's check_user_loopback: a loopback-only user is refused unless the peer's address is a
     * loopback one. Addresses that are not IP (in-process channels, Unix sockets) count as local.
     */
    public boolean mayConnectFrom(String name, SocketAddress peer) {
        if (!loopbackUsers.contains(name)) {
            return true;
        }
        if (!(peer instanceof InetSocketAddress inet)) {
            return true;
        }
        InetAddress a = inet.getAddress();
        return a != null && a.isLoopbackAddress();
    }

    public boolean mayAccess(String name, String vhost) {
        return users.containsKey(name) && permissions.containsKey(new VhostUser(name, vhost));
    }
}
