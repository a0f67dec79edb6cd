package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.store.definitions.QueueDefinition;

/**
 * A queue's type, as x-queue-type names it. A quorum queue on one node is a group of one: what its clients see
 * (durable only, its own arguments, x-delivery-count on every delivery, every message on disk) is RabbitMQ's,
 * and the queue's state is the same single-threaded machine as a classic queue's, fed one command at a time,
 * where a replicated log can later sit under it (issue #16).
 */
public enum QueueType {
    CLASSIC(QueueDefinition.CLASSIC, "rabbit_classic_queue"),
    QUORUM(QueueDefinition.QUORUM, "rabbit_quorum_queue");

    private final String wireName;
    private final String rabbitModule;

    QueueType(String wireName, String rabbitModule) {
        this.wireName = wireName;
        this.rabbitModule = rabbitModule;
    }

    /** The name x-queue-type, the management API and definitions use: {@code classic}, {@code quorum}. */
    public String wireName() {
        return wireName;
    }

    /** RabbitMQ's module for the type, as its reply texts and Prometheus labels name it. */
    public String rabbitModule() {
        return rabbitModule;
    }

    /** The type {@code arguments} ask for: quorum if x-queue-type says so, else classic. */
    public static QueueType of(FieldTable arguments) {
        FieldValue v = arguments.field("x-queue-type");
        return v != null && v.type() == 'S' && QUORUM.wireName.equals(v.stringValue()) ? QUORUM : CLASSIC;
    }

    /** The type a stored definition names; classic for a name this Leveret does not know. */
    public static QueueType named(String name) {
        return QUORUM.wireName.equals(name) ? QUORUM : CLASSIC;
    }
}
