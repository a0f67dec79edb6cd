package io.leveret.server.protocol;

import io.leveret.server.vhost.Queue;

/** A delivery the client has not settled yet, by its channel's delivery tag. */
final class Unacked {
    final long deliveryTag;
    final Queue queue;
    final long seq;
    /** Whether settling it gives a unit back to the channel-wide prefetch; set for all when a limit starts. */
    boolean channelCredit;
    boolean settled;

    Unacked(long deliveryTag, Queue queue, long seq, boolean channelCredit) {
        this.deliveryTag = deliveryTag;
        this.queue = queue;
        this.seq = seq;
        this.channelCredit = channelCredit;
    }
}
