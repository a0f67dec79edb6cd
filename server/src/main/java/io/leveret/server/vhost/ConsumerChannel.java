package io.leveret.server.vhost;

import java.util.List;

/**
 * The channel side of a consumer, as a queue sees it. Queues call these from their own thread; the
 * channel hops to its connection's event loop itself.
 */
public interface ConsumerChannel {

    /** False while the connection's socket is full: the queue then holds deliveries back. Thread-safe. */
    boolean acceptingDeliveries();

    /** {@link #tryAcquireChannelCredit()}: no credit left. */
    int NO_CREDIT = -1;
    /** {@link #tryAcquireChannelCredit()}: the channel has no channel-wide limit; nothing was counted. */
    int UNLIMITED = 0;
    /** {@link #tryAcquireChannelCredit()}: one unit of the channel-wide limit was taken. */
    int ACQUIRED = 1;

    /**
     * Takes one unit of the channel-wide prefetch (basic.qos global=true): {@link #NO_CREDIT},
     * {@link #UNLIMITED} or {@link #ACQUIRED}. Thread-safe.
     */
    int tryAcquireChannelCredit();

    /** Hands a batch of deliveries to the channel, in order. Called on the queue's thread. */
    void deliver(List<Delivery> deliveries);

    /** The queue was deleted under this consumer (consumer_cancel_notify). Called on the queue's thread. */
    void consumerCancelled(String consumerTag);
}
