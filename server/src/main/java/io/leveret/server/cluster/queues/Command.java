package io.leveret.server.cluster.queues;

import java.util.Arrays;

/**
 * What the replicated queues are told, one Raft log entry holding one or more. Every command names its queue
 * except {@link NodeDown}, which concerns every queue.
 */
public sealed interface Command {

    /** Creates the queue if it does not exist; an existing queue keeps its configuration. */
    record Declare(QueueName queue, QueueConfig config) implements Command {
    }

    /**
     * A published message. {@code (publisher, seq)} identifies it: a command applied again (a publisher's node
     * re-submitting after a leader change) is answered again and not enqueued twice. A publisher numbers its
     * messages to a queue 1, 2, 3... with no gaps (a publisher is a channel's flow to one queue), and submits them in
     * that order through one member.
     */
    record Enqueue(QueueName queue, String publisher, long seq, Body body) implements Command {
    }

    /** Adds a consumer, or changes the prefetch (0: unlimited) and priority of one that exists. */
    record Checkout(QueueName queue, ConsumerId consumer, int prefetch, int priority) implements Command {
    }

    /** Acknowledges the consumer's deliveries {@code ids}. */
    record Settle(QueueName queue, ConsumerId consumer, long[] ids) implements Command {
        @Override
        public boolean equals(Object o) {
            return o instanceof Settle s && queue.equals(s.queue) && consumer.equals(s.consumer)
                    && Arrays.equals(ids, s.ids);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * queue.hashCode() + consumer.hashCode()) + Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Settle[" + queue + ", " + consumer + ", " + Arrays.toString(ids) + "]";
        }
    }

    /** Requeues the consumer's deliveries {@code ids} (nack/reject with requeue): to the back, delivery count + 1. */
    record Return(QueueName queue, ConsumerId consumer, long[] ids) implements Command {
        @Override
        public boolean equals(Object o) {
            return o instanceof Return r && queue.equals(r.queue) && consumer.equals(r.consumer)
                    && Arrays.equals(ids, r.ids);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * queue.hashCode() + consumer.hashCode()) + Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Return[" + queue + ", " + consumer + ", " + Arrays.toString(ids) + "]";
        }
    }

    /** Rejects the consumer's deliveries {@code ids} without requeue: dead-lettered as rejected, or dropped. */
    record Discard(QueueName queue, ConsumerId consumer, long[] ids) implements Command {
        @Override
        public boolean equals(Object o) {
            return o instanceof Discard d && queue.equals(d.queue) && consumer.equals(d.consumer)
                    && Arrays.equals(ids, d.ids);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * queue.hashCode() + consumer.hashCode()) + Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Discard[" + queue + ", " + consumer + ", " + Arrays.toString(ids) + "]";
        }
    }

    /**
     * Stops deliveries to a consumer. With {@code returnUnacked} (its channel closed) its unacknowledged messages
     * are returned as by {@link Return}; without (basic.cancel, AMQP 0-9-1 section 1.8.3.5) they stay with it,
     * to be settled or returned, and it is forgotten once it holds none.
     */
    record Cancel(QueueName queue, ConsumerId consumer, boolean returnUnacked) implements Command {
    }

    /** Removes every ready message; unacknowledged ones stay (AMQP 0-9-1 section 1.7.2.7). */
    record Purge(QueueName queue) implements Command {
    }

    /** Deletes the queue with its messages; its consumers are told they are cancelled. */
    record Delete(QueueName queue) implements Command {
    }

    /**
     * A node left the cluster: every consumer on it, in every queue, is cancelled and its unacknowledged
     * messages returned, their delivery count + 1 as rabbit_fifo 3.10 does when it returns a lost consumer's
     * messages.
     */
    record NodeDown(String node) implements Command {
    }
}
