package io.leveret.store.definitions;

import java.util.Objects;

/** A user's permissions in one vhost, as RabbitMQ's configure/write/read regular expressions. */
public record PermissionDefinition(String user, String vhost, String configure, String write, String read) {
    public PermissionDefinition {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(configure, "configure");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(read, "read");
    }
}
