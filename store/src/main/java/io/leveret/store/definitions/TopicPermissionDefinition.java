package io.leveret.store.definitions;

import java.util.Objects;

/** A user's topic permissions on one topic exchange of a vhost: RabbitMQ's write/read routing-key expressions. */
public record TopicPermissionDefinition(String user, String vhost, String exchange, String write, String read) {
    public TopicPermissionDefinition {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(write, "write");
        Objects.requireNonNull(read, "read");
    }
}
