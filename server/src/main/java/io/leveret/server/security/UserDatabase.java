package io.leveret.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The users that may log in, and the virtual hosts each may open. */
public final class UserDatabase {
    private record User(String name, byte[] password, java.util.Set<String> vhosts) {
    }

    private final Map<String, User> users = new ConcurrentHashMap<>();

    /** Adds (or replaces) a user with access to the given virtual hosts. */
    public void put(String name, String password, java.util.Set<String> vhosts) {
        users.put(name, new User(name, password.getBytes(StandardCharsets.UTF_8), java.util.Set.copyOf(vhosts)));
    }

    /** True when the user exists and the password matches (compared in constant time). */
    public boolean authenticate(String name, String password) {
        User u = users.get(name);
        return u != null && MessageDigest.isEqual(u.password(), password.getBytes(StandardCharsets.UTF_8));
    }

    public boolean mayAccess(String name, String vhost) {
        User u = users.get(name);
        return u != null && u.vhosts().contains(vhost);
    }
}
