package io.leveret.server.cluster.queues;

import java.util.Objects;

/** A replicated queue's key: its vhost and name, ordered so that every member walks queues in the same order. */
public record QueueName(String vhost, String name) implements Comparable<QueueName> {
    public QueueName {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public int compareTo(QueueName other) {
        int c = vhost.compareTo(other.vhost);
        return c != 0 ? c : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost + "'";
    }
}
