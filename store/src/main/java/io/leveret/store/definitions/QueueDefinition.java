package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/**
 * A durable queue. Exclusive queues die with their connection, so they are never stored. {@code type} is the
 * queue type's name as RabbitMQ's x-queue-type spells it ({@value #CLASSIC} or {@value #QUORUM}); records
 * written before queue types existed read as classic. {@code node} is the queue's home in a cluster, the node
 * that declared it and holds its messages (NAME@HOST); empty on a single node.
 */
public record QueueDefinition(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                              Blob arguments, String type, String node) {
    public static final String CLASSIC = "classic";
    public static final String QUORUM = "quorum";

    public QueueDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(node, "node");
    }

    /** A classic queue without a home node: a single node's. */
    public QueueDefinition(String vhost, String name, boolean durable, boolean exclusive, boolean autoDelete,
                           Blob arguments) {
        this(vhost, name, durable, exclusive, autoDelete, arguments, CLASSIC, "");
    }
}
