package io.leveret.server.vhost;

import io.leveret.server.stats.Counters;
import io.leveret.server.stats.Metric;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;

/**
 * What one {@link Queue} hands out next and the {@link Delivery} it becomes. Dead heads leave first (expired,
 * past the delivery limit, unreadable), a head whose body is on disk is read back first, and the entry taken is
 * stamped with its delivery count, marked delivered in the message log and kept in {@link Unacked} until it is
 * settled (or, without acks, let go of at once); each hand-out is counted in message_stats. Who gets it and
 * when is {@link Dispatch}'s.
 *
 * <p>Confined to the queue's thread, like the queue's other state; it holds none of its own.
 */
final class Outgoing {
    private final Queue queue;
    private final QueueExpiry expiry;
    private final Departures departures;
    private final Paging paging;
    private final Unacked unacked;
    /** Told of every hand-out: the progress that keeps withheld credit withheld. */
    private final WithheldCredit withheld;
    /** message_stats, the queue's own. */
    private final Counters stats;
    /** The message log, for a durable queue of a broker with storage; null otherwise. */
    private final MessageStore store;
    private final QueueName storeName;
    /** Null unless x-message-deduplication is on for this queue. */
    private final QueueDeduplication deduplication;

    Outgoing(Queue queue, QueueExpiry expiry, Departures departures, Paging paging, Unacked unacked,
             WithheldCredit withheld, MessageStore store, QueueDeduplication deduplication) {
        this.queue = queue;
        this.expiry = expiry;
        this.departures = departures;
        this.paging = paging;
        this.unacked = unacked;
        this.withheld = withheld;
        this.stats = queue.stats();
        this.store = store;
        this.storeName = queue.storeName();
        this.deduplication = deduplication;
    }

    /**
     * The next message to hand out, with its body in memory; null if there is none or its body is being read
     * back (then the read's arrival dispatches again). Entries whose body could not be read are dropped.
     */
    QueueEntry poll() {
        return poll(expiry.now());
    }

    /** {@link #poll()}, judging deadlines at {@code now}. */
    private QueueEntry poll(long now) {
        QueueEntry e = readyHead(now);
        if (e != null) {
            take(e);
        }
        return e;
    }

    /** Takes {@code e}, the {@link #readyHead}; reads the next window ahead if this one runs low. */
    void take(QueueEntry e) {
        boolean readAhead = e.body == QueueEntry.Body.AHEAD;
        queue.takeHead();
        if (readAhead) {
            paging.pageIn().readAheadIfLow();
        }
    }

    /**
     * The head, if its body is in memory, without taking it; null if there is none or its body is being read
     * back (then the read's arrival dispatches again). Expired heads go first; entries whose body could not be
     * read are dropped.
     */
    QueueEntry readyHead(long now) {
        for (QueueEntry e = queue.head(); e != null; e = queue.head()) {
            if (expiry.any() && e.expiresAt < now) {
                departures.die(queue.takeHead(), DeadLetters.EXPIRED);
            } else if (Settlement.overDeliveryLimit(queue.settings(), e)) {
                // recovered after a stop that returned it once too often
                departures.die(queue.takeHead(), DeadLetters.DELIVERY_LIMIT);
            } else if (e.body == QueueEntry.Body.UNREADABLE) {
                departures.forget(queue.takeHead());
            } else if (e.message != null) {
                return e;
            } else {
                paging.pageIn().readHead();
                if (e.message == null && e.body != QueueEntry.Body.UNREADABLE) {
                    return null;
                }
                // read (or failed) at once, on this thread (a broker without a network, in tests): look again
            }
        }
        return null;
    }

    /** {@code e}, just taken, goes to {@code c} (null for a basic.get); the delivery's reference is the caller's. */
    Delivery handOut(QueueEntry e, QueueConsumer c, boolean noAck, boolean channelCredit) {
        withheld.handedOut();
        if (c != null) {
            stats.delivered(noAck, e.redelivered); // a basic.get is counted by countGet
        }
        e.handedOut = true;
        boolean counted = queue.settings().countsDeliveries();
        if (deduplication != null) {
            deduplication.left(e.seq);
        }
        if (noAck) {
            // The queue lets go of the message: the delivery carries the queue's reference.
            if (e.location != null) {
                store.ack(storeName, e.location);
                e.message.consumedFromDurableQueue();
            }
            Message m = e.message;
            if (counted) {
                m = DeliveryCount.stamp(e.message, e.deliveryCount);
                e.message.release();
            }
            e.message = null;
            return new Delivery(queue, c == null ? null : c.tag(), e.seq, m, e.redelivered, true, false);
        }
        if (e.location != null && (counted || !e.redelivered)) {
            // After a crash, a message that was handed out comes back marked redelivered (and, with a
            // delivery limit, with the count it had, plus this delivery).
            store.markDelivered(storeName, e.location, counted ? e.deliveryCount : 0);
        }
        unacked.add(e, c);
        Message m;
        if (counted) {
            m = DeliveryCount.stamp(e.message, e.deliveryCount);
        } else {
            m = e.message;
            m.retain();
        }
        return new Delivery(queue, c == null ? null : c.tag(), e.seq, m, e.redelivered, false, channelCredit);
    }

    /** Counts a basic.get's answer: {@code d} null when the queue was empty. */
    void countGet(Delivery d, boolean noAck) {
        if (d == null) {
            stats.add(Metric.GET_EMPTY);
        } else {
            stats.got(noAck, d.redelivered());
        }
    }
}
