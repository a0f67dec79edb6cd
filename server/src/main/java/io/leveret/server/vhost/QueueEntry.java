package io.leveret.server.vhost;

import io.leveret.store.messages.Location;

/** One message in a queue, ready or handed out; owned by the queue's thread. */
final class QueueEntry {
    /** {@link #expiresAt} of a message without a deadline. */
    static final long NEVER = Long.MAX_VALUE;
    /** The queue's sequence number: requeued messages go back to their place by it. */
    final long seq;
    /** Body size, for x-max-length-bytes (known even while the body is paged out). */
    final int size;
    /** The {@link ReadyList} lane: the message's priority capped to the queue's x-max-priority; 0 otherwise. */
    final int priority;
    /** Milliseconds since the epoch after which the message is dead (x-message-ttl, expiration). */
    long expiresAt = NEVER;
    /** {@link #spilledAt} of an entry whose message is not in the queue's spill file. */
    static final long NOT_SPILLED = -1;
    /** Null for a message recovered from the log until it is handed out, or while its body is paged out. */
    Message message;
    /** Where the queue's spill file keeps this transient message while it is paged out, else NOT_SPILLED. */
    long spilledAt = NOT_SPILLED;
    /** The spilled record's length. */
    int spilledLength;
    /** Where the message log keeps it; null for a message that is not in the log. */
    final Location location;
    boolean redelivered;
    boolean handedOut;
    /** Where the body is, as the queue's {@link Paging} sees it. */
    Body body;
    /** A read of the body back from disk is under way (see {@link PageIn}). */
    boolean reading;
    /**
     * How often the message came back without an ack (requeue, a closed channel): RabbitMQ quorum queues'
     * delivery count, which x-delivery-limit bounds.
     */
    int deliveryCount;
    QueueConsumer holder;

    QueueEntry(long seq, Message message, Location location, int size, int priority) {
        this.seq = seq;
        this.message = message;
        this.location = location;
        this.size = size;
        this.priority = priority;
        this.body = message == null ? Body.PAGED_OUT : Body.HELD;
    }

    /**
     * This entry, come back unacknowledged to a quorum queue, as the entry {@code newSeq} at the back of the queue
     * (RabbitMQ 3.10's quorum queues put a returned message behind the others); this one is not used again.
     */
    QueueEntry returnedAs(long newSeq) {
        QueueEntry e = new QueueEntry(newSeq, message, location, size, priority);
        e.expiresAt = expiresAt;
        e.spilledAt = spilledAt;
        e.spilledLength = spilledLength;
        e.redelivered = redelivered;
        e.handedOut = handedOut;
        e.body = body;
        e.reading = reading;
        e.deliveryCount = deliveryCount;
        message = null;
        return e;
    }

    /** The states of an entry's body; every change of state is {@link Paging}'s or {@link PageIn}'s. */
    enum Body {
        /** In memory and not counted: handed out, requeued, or in a queue that does not page. */
        HELD,
        /** Ready, in memory, counted by the queue's {@link Paging} and the broker's budget: may be paged out. */
        PAGEABLE,
        /** Ready, in memory, and being written to the spill file; the body is dropped once it is written. */
        SPILLING,
        /** On disk only (spill file or message log); {@link #reading} while it is read back. */
        PAGED_OUT,
        /** Ready, read back ahead of its turn, and counted as read ahead. */
        AHEAD,
        /** Ready, but its body could not be read back: dropped when it reaches the head. */
        UNREADABLE,
        /** Left the queue to be dead-lettered, in order, once its body is back in memory. */
        DYING,
        /** The queue is done with it; a read still under way has its result thrown away. */
        GONE
    }
}
