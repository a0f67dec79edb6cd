package io.leveret.server.cluster.queues;

/**
 * What applying a command asks the caller to do; the machine itself does no I/O. Every member computes the same
 * effects; the member where the consumer or publisher lives performs them.
 */
public sealed interface Effect {

    /** The queue a command named did not exist (or was deleted): the caller answers as for a missing queue. */
    record NoQueue(QueueName queue) implements Effect {
    }

    /** @param created false if the queue existed (and kept its configuration) */
    record Declared(QueueName queue, boolean created) implements Effect {
    }

    /** Confirm (basic.ack) the publisher's message {@code seq}: it is in the queue, or was dead-lettered or dropped. */
    record Confirm(QueueName queue, String publisher, long seq) implements Effect {
    }

    /** Refuse (basic.nack) the publisher's message {@code seq}: the queue is full and overflows reject-publish. */
    record Refuse(QueueName queue, String publisher, long seq) implements Effect {
    }

    /**
     * The publisher's message {@code seq} came before {@code expected}, the next the queue takes from it: nothing
     * was done; the publisher's node submits again from {@code expected}.
     */
    record OutOfSequence(QueueName queue, String publisher, long seq, long expected) implements Effect {
    }

    /** Send message {@code id} to the consumer; {@code deliveryCount} is 0 the first time (x-delivery-count). */
    record Deliver(QueueName queue, ConsumerId consumer, long id, int deliveryCount, Body body) implements Effect {
    }

    /** Why a message left its queue for its dead-letter exchange; the names are RabbitMQ's x-death reasons. */
    enum Reason {
        REJECTED("rejected"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** As x-death's reason field writes it. */
        public String text() {
            return text;
        }
    }

    /** Publish the message to the queue's dead-letter exchange. */
    record DeadLetter(QueueName queue, Reason reason, int deliveryCount, Body body) implements Effect {
    }

    /** The consumer is gone because its queue was deleted: tell its channel (basic.cancel from the server). */
    record ConsumerCancelled(QueueName queue, ConsumerId consumer) implements Effect {
    }

    /** Answer to purge: the number of messages removed. */
    record Purged(QueueName queue, long count) implements Effect {
    }

    /** Answer to delete: the number of messages the queue held (ready and unacknowledged). */
    record Deleted(QueueName queue, long count) implements Effect {
    }
}
