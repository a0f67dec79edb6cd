package io.leveret.interop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Builds a small RabbitMQ definitions file for a test: users with RabbitMQ-format hashes, permissions, limits. */
final class TestDefinitions {
    private final List<String> users = new ArrayList<>();
    private final List<String> vhosts = new ArrayList<>();
    private final List<String> permissions = new ArrayList<>();
    private final List<String> topicPermissions = new ArrayList<>();
    private final List<String> parameters = new ArrayList<>();

    /** A user whose password is hashed as rabbit_password_hashing_sha256 does it. */
    TestDefinitions user(String name, String password, String... tags) {
        byte[] salt = new byte[4];
        new SecureRandom().nextBytes(salt);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            byte[] digest = md.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] all = new byte[4 + digest.length];
            System.arraycopy(salt, 0, all, 0, 4);
            System.arraycopy(digest, 0, all, 4, digest.length);
            users.add("{\"name\":" + q(name) + ",\"password_hash\":" + q(Base64.getEncoder().encodeToString(all))
                    + ",\"hashing_algorithm\":\"rabbit_password_hashing_sha256\",\"tags\":["
                    + String.join(",", List.of(tags).stream().map(TestDefinitions::q).toList()) + "]}");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Gives the user added last a {@code "limits"} object, as RabbitMQ exports it inside the user. */
    TestDefinitions limits(String limitsJson) {
        String last = users.remove(users.size() - 1);
        users.add(last.substring(0, last.length() - 1) + ",\"limits\":" + limitsJson + "}");
        return this;
    }

    TestDefinitions vhost(String name) {
        vhosts.add("{\"name\":" + q(name) + "}");
        return this;
    }

    TestDefinitions permission(String user, String vhost, String configure, String write, String read) {
        permissions.add("{\"user\":" + q(user) + ",\"vhost\":" + q(vhost) + ",\"configure\":" + q(configure)
                + ",\"write\":" + q(write) + ",\"read\":" + q(read) + "}");
        return this;
    }

    TestDefinitions topicPermission(String user, String vhost, String exchange, String write, String read) {
        topicPermissions.add("{\"user\":" + q(user) + ",\"vhost\":" + q(vhost) + ",\"exchange\":" + q(exchange)
                + ",\"write\":" + q(write) + ",\"read\":" + q(read) + "}");
        return this;
    }

    /** RabbitMQ's vhost-limits parameter. */
    TestDefinitions vhostLimits(String vhost, int maxConnections, int maxQueues) {
        parameters.add("{\"vhost\":" + q(vhost) + ",\"component\":\"vhost-limits\",\"name\":\"limits\",\"value\":"
                + "{\"max-connections\":" + maxConnections + ",\"max-queues\":" + maxQueues + "}}");
        return this;
    }

    String json() {
        return "{\"users\":[" + String.join(",", users) + "],\"vhosts\":[" + String.join(",", vhosts)
                + "],\"permissions\":[" + String.join(",", permissions) + "],\"topic_permissions\":["
                + String.join(",", topicPermissions) + "],\"parameters\":[" + String.join(",", parameters) + "]}";
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
