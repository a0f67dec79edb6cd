package io.leveret.server.vhost;

import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;

/**
 * How entries leave one {@link Queue} for good, whatever sends them (an ack, a reject, an expiry, drop-head, the
 * delivery limit, a purge, a delete): {@link #die} dead-letters an entry if the queue has a dead-letter exchange,
 * reading its body back first where it was paged out, and every way out ends in {@link #forget}, which frees the
 * entry and tells the message log the queue is done with it.
 *
 * <p>Confined to the queue's thread, like the queue's other state; it holds none of its own.
 */
final class Departures {
    private final Queue queue;
    private final Paging paging;
    /** The message log, for a durable queue of a broker with storage; null otherwise. */
    private final MessageStore store;
    private final QueueName storeName;
    /** Null unless x-message-deduplication is on for this queue. */
    private final QueueDeduplication deduplication;

    Departures(Queue queue, Paging paging, MessageStore store, QueueDeduplication deduplication) {
        this.queue = queue;
        this.paging = paging;
        this.store = store;
        this.storeName = queue.storeName();
        this.deduplication = deduplication;
    }

    /** A ready or unacknowledged entry leaves the queue for {@code reason}: to the dead-letter exchange, or gone. */
    void die(QueueEntry e, String reason) {
        counted(reason);
        if (queue.settings().deadLetterExchange() == null) {
            forget(e);
        } else if (e.message == null || paging.pageIn().hasDying()) {
            // Its body is read back first, off this thread; dead letters after it wait their turn behind it.
            paging.pageIn().dieLater(e, reason);
        } else {
            deadLetterEntry(e, reason);
        }
    }

    /**
     * Counts a message dead-lettered for {@code reason} (rabbitmq_global_messages_dead_lettered_*), or dropped
     * for it where the queue has no dead-letter exchange, as RabbitMQ counts those under strategy "disabled".
     */
    void counted(String reason) {
        queue.vhost().stats().deadLettered(DeadLetters.counted(reason), queue.type() == QueueType.QUORUM,
                queue.settings().deadLetterExchange() != null);
    }

    /** Dead-letters an entry whose body is in memory, then lets go of it. */
    void deadLetterEntry(QueueEntry e, String reason) {
        e.message.retain();
        deadLetter(e.message, reason);
        forget(e);
    }

    /** An entry whose body could not be read back is dropped (the error is logged). */
    void forgetUnreadable(QueueEntry e) {
        forget(e);
    }

    /** Publishes a copy of {@code m} (whose reference is taken over) to the dead-letter exchange, if any. */
    void deadLetter(Message m, String reason) {
        QueueArguments a = queue.settings();
        if (a.deadLetterExchange() == null) {
            m.release();
            return;
        }
        Message dead;
        try {
            dead = DeadLetters.make(m, reason, queue.name(), a.deadLetterExchange(), a.deadLetterRoutingKey());
        } finally {
            m.release();
        }
        queue.vhost().deadLetter(dead, reason);
    }

    /** The queue is done with an entry: free it, and tell the log. */
    void forget(QueueEntry e) {
        if (deduplication != null) {
            deduplication.left(e.seq);
        }
        if (paging.forget(e)) {
            doneWithLogRecord(e);
        }
        if (e.message != null) {
            e.message.release();
            e.message = null;
        }
    }

    /** Tells the log the queue is done with {@code e}'s record, if it has one (a deleted queue dropped them all). */
    void doneWithLogRecord(QueueEntry e) {
        if (!queue.isDeleted()) {
            doneWithLogRecord(e.location);
        }
    }

    /** Tells the log the queue is done with the record at {@code location}, if there is one. */
    void doneWithLogRecord(Location location) {
        if (location != null) {
            store.ack(storeName, location);
        }
    }
}
