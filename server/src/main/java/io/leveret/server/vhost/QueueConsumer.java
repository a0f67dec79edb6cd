package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;

/**
 * A consumer attached to a queue. The unacknowledged count is touched only on the queue's thread.
 * Its priority is the {@code x-priority} argument of basic.consume (0 without one): RabbitMQ's consumer
 * priorities.
 */
public final class QueueConsumer {
    private final ConsumerChannel channel;
    private final String tag;
    private final boolean noAck;
    private final boolean exclusive;
    private final int prefetch;
    private final FieldTable arguments;
    private final long priority;
    int unacked;

    public QueueConsumer(ConsumerChannel channel, String tag, boolean noAck, boolean exclusive, int prefetch,
                         FieldTable arguments) {
        this.channel = channel;
        this.tag = tag;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.prefetch = prefetch;
        this.arguments = arguments;
        this.priority = priorityOf(arguments);
    }

    /**
     * The {@code x-priority} of basic.consume arguments, 0 when absent; any integer type is taken, as
     * RabbitMQ takes it (basic.consume refuses other types before a consumer is made).
     */
    public static long priorityOf(FieldTable arguments) {
        FieldValue v = arguments == null ? null : arguments.field(PRIORITY);
        return v != null && v.isInteger() ? v.longValue() : 0;
    }

    /** The basic.consume argument for consumer priorities. */
    public static final String PRIORITY = "x-priority";

    public long priority() {
        return priority;
    }

    public ConsumerChannel channel() {
        return channel;
    }

    public String tag() {
        return tag;
    }

    public boolean noAck() {
        return noAck;
    }

    /** basic.qos prefetch_count in effect when it subscribed (0 = none). */
    public int prefetch() {
        return prefetch;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public FieldTable arguments() {
        return arguments;
    }

    boolean hasCredit() {
        return noAck || prefetch == 0 || unacked < prefetch;
    }
}
