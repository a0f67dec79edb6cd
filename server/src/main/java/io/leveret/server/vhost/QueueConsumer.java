package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;

/**
 * A consumer attached to a queue. The unacknowledged count is touched only on the queue's thread.
 *
 * @param prefetch the consumer's own limit (basic.qos global=false at consume time); 0 is unlimited
 */
public final class QueueConsumer {
    private final ConsumerChannel channel;
    private final String tag;
    private final boolean noAck;
    private final boolean exclusive;
    private final int prefetch;
    private final FieldTable arguments;
    int unacked;

    public QueueConsumer(ConsumerChannel channel, String tag, boolean noAck, boolean exclusive, int prefetch,
                         FieldTable arguments) {
        this.channel = channel;
        this.tag = tag;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.prefetch = prefetch;
        this.arguments = arguments;
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
