package io.leveret.server.vhost;

import io.leveret.server.stats.Counters;
import io.leveret.server.stats.Metric;
import io.leveret.store.messages.Location;

/**
 * How published messages come into one {@link Queue}: the length limits and x-overflow (reject-publish refuses,
 * reject-publish-dlx dead-letters, drop-head drops the oldest), x-message-deduplication, each entry's sequence
 * number and deadline, then a dispatch; and the publishers' credit, given back at once or kept
 * ({@link WithheldCredit}) while consumers lag behind a backlog or the spill file behind the queue.
 *
 * <p>Confined to the queue's thread, like the queue's other state: {@link #nextSeq} and the withheld credit
 * are read and written there only.
 */
final class Intake {
    /**
     * With consumers attached, a queue holding more ready messages than this keeps its publishers' credit
     * until the consumers catch up: publishers then go at the consumers' pace instead of building a backlog.
     */
    static final int BACKLOG_FOR_CREDIT = 1000;

    private final Queue queue;
    private final ReadyList ready;
    private final Consumers consumers;
    private final Paging paging;
    private final Departures departures;
    private final QueueExpiry expiry;
    private final Dispatch dispatch;
    private final WithheldCredit withheld;
    /** message_stats, the queue's own. */
    private final Counters stats;
    /** RabbitMQ's quorum queue takes publishes again once down to this share of its length limit. */
    private static final double QUORUM_LOW_WATERMARK = 0.8;
    /** A quorum queue with reject-publish went past its limit and refuses publishes; see {@link #quorumRefusing}. */
    private boolean refusing;
    /** Null unless x-message-deduplication is on for this queue. */
    private final QueueDeduplication deduplication;
    /** The sequence number of the next entry; requeued messages go back to their place by it. */
    private long nextSeq;

    Intake(Queue queue, ReadyList ready, Consumers consumers, Paging paging, Departures departures,
           QueueExpiry expiry, Dispatch dispatch, WithheldCredit withheld, QueueDeduplication deduplication) {
        this.queue = queue;
        this.ready = ready;
        this.consumers = consumers;
        this.paging = paging;
        this.departures = departures;
        this.expiry = expiry;
        this.dispatch = dispatch;
        this.withheld = withheld;
        this.stats = queue.stats();
        this.deduplication = deduplication;
    }

    /** See {@link Queue#enqueue(Message, Location, PublisherCredit)}. */
    boolean enqueue(Message message, Location location, PublisherCredit credit) {
        int units = PublisherCredit.units(message.bodySize());
        boolean accepted = offer(message, location);
        if (withholdsCredit()) {
            withheld.withhold(credit, units);
        } else {
            credit.granted(units);
        }
        return accepted;
    }

    /** Publishers wait while consumers lag behind a backlog, or while the spill file lags behind the queue. */
    private boolean withholdsCredit() {
        return !queue.isDeleted()
                && (!consumers.isEmpty() && queue.messageCount() > BACKLOG_FOR_CREDIT || paging.behind());
    }

    /** Gives back the credit held while the backlog was long, as far as it is short again. */
    void releaseCredit() {
        if (!withholdsCredit()) {
            withheld.releaseAll();
        }
    }

    /** A spill write is done: progress for the credit withheld meanwhile. */
    void pagingProgressed() {
        withheld.progressed();
        releaseCredit();
    }

    /**
     * {@link Queue#enqueue(Message, Location)}, returning false if the queue refused the message at its length
     * limit.
     */
    boolean offer(Message message, Location location) {
        stats.add(Metric.PUBLISH);
        if (queue.isDeleted()) {
            message.release();
            return true;
        }
        QueueArguments a = queue.settings();
        int size = message.bodySize();
        if (a.limited() && a.overflow().rejects() && wouldOverflow(a, size)) {
            if (a.overflow() == QueueArguments.Overflow.REJECT_PUBLISH_DLX) {
                departures.counted(DeadLetters.MAXLEN);
                departures.deadLetter(message, DeadLetters.MAXLEN);
            } else {
                message.release();
            }
            departures.doneWithLogRecord(location);
            return false;
        }
        if (deduplication != null && !deduplication.admit(message, nextSeq)) {
            // A duplicate of a waiting message is dropped; the publisher's confirm is still positive.
            message.release();
            departures.doneWithLogRecord(location);
            return true;
        }
        QueueEntry e = new QueueEntry(nextSeq++, message, location, size, ready.laneOf(message.properties().priority()));
        String expiration = message.properties().expiration();
        // The clock is read once: a message with TTL 0 must still reach a consumer waiting now, however
        // long this takes (RabbitMQ), so the dispatch below judges deadlines by the same millisecond.
        long now = a.messageTtl() >= 0 || expiration != null || expiry.any() ? System.currentTimeMillis() : 0;
        expiry.setDeadline(e, QueueExpiry.deadline(a, now, Persistence.ownTtl(expiration)));
        ready.add(e);
        dispatch.run(now);
        if (a.limited()) {
            dropHeadOverLimit(a);
        }
        expiry.expireHead();
        if (!e.handedOut && e.message != null) {
            paging.added(e);
        }
        return true;
    }

    private boolean wouldOverflow(QueueArguments a, int size) {
        if (a.type() == QueueType.QUORUM) {
            return quorumRefusing(a);
        }
        return a.maxLength() >= 0 && queue.messageCount() + 1 > a.maxLength()
                || a.maxLengthBytes() >= 0 && ready.bytes() + size > a.maxLengthBytes();
    }

    /**
     * x-overflow reject-publish on a quorum queue, as RabbitMQ 3.10's: the limit is checked after a message is
     * in, so the queue takes one message past it; from then on it refuses publishes until its ready messages
     * are down to 80% of the limit (count and bytes), then takes them again.
     */
    private boolean quorumRefusing(QueueArguments a) {
        if (refusing) {
            refusing = !(withinShare(queue.messageCount(), a.maxLength())
                    && withinShare(ready.bytes(), a.maxLengthBytes()));
        }
        if (!refusing) {
            refusing = a.maxLength() >= 0 && queue.messageCount() > a.maxLength()
                    || a.maxLengthBytes() >= 0 && ready.bytes() > a.maxLengthBytes();
        }
        return refusing;
    }

    private static boolean withinShare(long value, long limit) {
        return limit < 0 || value <= limit * QUORUM_LOW_WATERMARK;
    }

    /** x-overflow drop-head: the oldest ready messages go (dead-lettered as maxlen) until the queue fits. */
    void dropHeadOverLimit(QueueArguments a) {
        if (a.overflow().rejects()) {
            return;
        }
        while (a.maxLength() >= 0 && queue.messageCount() > a.maxLength()
                || a.maxLengthBytes() >= 0 && ready.bytes() > a.maxLengthBytes() && queue.messageCount() > 0) {
            departures.die(queue.takeHead(), DeadLetters.MAXLEN);
        }
    }

    /**
     * A policy changed the limits from {@code previous} to {@code next}: a lowered length limit drops or
     * dead-letters the oldest messages if the old or the new x-overflow is drop-head (RabbitMQ applies the
     * limits under the old one, then the new one, which drops heads again if it is drop-head).
     */
    void limitsChanged(QueueArguments previous, QueueArguments next) {
        if (next.limited() && (!previous.overflow().rejects() || !next.overflow().rejects())) {
            dropHeadOverLimit(new QueueArguments(next.messageTtl(), next.expires(), next.deadLetterExchange(),
                    next.deadLetterRoutingKey(), next.maxLength(), next.maxLengthBytes(),
                    QueueArguments.Overflow.DROP_HEAD, next.maxPriority(), next.singleActiveConsumer(),
                    next.deliveryLimit(), next.type()));
        }
    }

    /** Takes the next sequence number, for a message recovered from the log. */
    long takeSeq() {
        return nextSeq++;
    }
}
