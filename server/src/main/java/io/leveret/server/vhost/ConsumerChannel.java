package io.leveret.server.vhost;

import java.util.List;

/**
 * The channel side of a consumer, as a queue sees it. Queues call these from their own thread; the
 * channel hops to its connection's event loop itself.
 */
public interface ConsumerChannel {

    /** False while the connection's socket is full: the queue then holds deliveries back. Thread-safe. */
    boolean acceptingDeliveries();

    /** {@link #tryAcquireChannelCredit(boolean)}: no credit left. */
    int NO_CREDIT = -1;
    /** {@link #tryAcquireChannelCredit(boolean)}: no channel-wide limit, or a no-ack delivery under one; nothing was counted. */
    int UNLIMITED = 0;
    /** {@link #tryAcquireChannelCredit(boolean)}: one unit of the channel-wide limit was taken. */
    int ACQUIRED = 1;

    /**
     * Asks the channel-wide prefetch (basic.qos global=true) for one delivery: {@link #NO_CREDIT} while the
     * channel is at its limit, {@link #UNLIMITED} when it has none or {@code ackRequired} is false, else
     * {@link #ACQUIRED}. A no-ack delivery is held back by a channel at its limit but takes nothing from it,
     * as RabbitMQ's rabbit_limiter:can_send does. Thread-safe.
     */
    int tryAcquireChannelCredit(boolean ackRequired);

    /** Hands a batch of deliveries to the channel, in order. Called on the queue's thread. */
    void deliver(List<Delivery> deliveries);

    /** The queue was deleted under this consumer (consumer_cancel_notify). Called on the queue's thread. */
    void consumerCancelled(String consumerTag);
}
