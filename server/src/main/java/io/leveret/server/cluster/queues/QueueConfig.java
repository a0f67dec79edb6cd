package io.leveret.server.cluster.queues;

/**
 * The arguments that change a replicated queue's rules.
 *
 * @param deliveryLimit  x-delivery-limit: a message returned more often than this is dead-lettered or dropped;
 *                       {@link #NO_LIMIT} for none (a negative argument counts as 0, as RabbitMQ's does)
 * @param maxLength      x-max-length in ready messages, or {@link #NO_LIMIT}
 * @param maxLengthBytes x-max-length-bytes in ready message bytes, or {@link #NO_LIMIT}
 * @param overflow       what happens past a length limit
 * @param deadLetter     whether the queue has a dead-letter exchange: without one, what would be dead-lettered is
 *                       dropped
 */
public record QueueConfig(int deliveryLimit, long maxLength, long maxLengthBytes, Overflow overflow,
                          boolean deadLetter) {
    public static final int NO_LIMIT = -1;
    public static final QueueConfig DEFAULTS = new QueueConfig(NO_LIMIT, NO_LIMIT, NO_LIMIT, Overflow.DROP_HEAD, false);

    /** x-overflow for a quorum queue; RabbitMQ 3.10's reject-publish-dlx acts as drop-head on one. */
    public enum Overflow {
        DROP_HEAD, REJECT_PUBLISH
    }

    public QueueConfig {
        if (overflow == null) {
            throw new IllegalArgumentException("overflow is required");
        }
        if (deliveryLimit < NO_LIMIT || maxLength < NO_LIMIT || maxLengthBytes < NO_LIMIT) {
            throw new IllegalArgumentException("a limit is " + NO_LIMIT + " (none) or at least 0");
        }
    }

    boolean hasLengthLimit() {
        return maxLength != NO_LIMIT || maxLengthBytes != NO_LIMIT;
    }
}
