package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/** A durable queue. Exclusive queues die with their connection, so they are never stored. */
public record QueueDefinition(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                              Blob arguments) {
    public QueueDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
