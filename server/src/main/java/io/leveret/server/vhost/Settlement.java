package io.leveret.server.vhost;

import io.leveret.server.stats.Counters;
import io.leveret.server.stats.Metric;

/**
 * How one {@link Queue}'s handed-out entries are settled: an ack lets go of the message, a requeue puts it back
 * at its original position marked redelivered (or past x-delivery-limit dead-letters it), a reject
 * dead-letters it as rejected; then the queue dispatches again. The entries themselves are {@link Unacked}'s;
 * where they go when they leave, {@link Departures}'.
 *
 * <p>Confined to the queue's thread, like the queue's other state; it holds none of its own.
 */
final class Settlement {
    private final Queue queue;
    private final Unacked unacked;
    private final ReadyList ready;
    private final Departures departures;
    private final Intake intake;
    private final QueueExpiry expiry;
    /** message_stats, the queue's own. */
    private final Counters stats;

    Settlement(Queue queue, Unacked unacked, ReadyList ready, Departures departures, Intake intake,
               QueueExpiry expiry) {
        this.queue = queue;
        this.unacked = unacked;
        this.ready = ready;
        this.departures = departures;
        this.intake = intake;
        this.expiry = expiry;
        this.stats = queue.stats();
    }

    /** See {@link Queue#ack}. */
    void ack(long seq) {
        QueueEntry e = unacked.take(seq);
        if (e != null) {
            stats.add(Metric.ACK);
            if (e.location != null && e.message != null) {
                e.message.consumedFromDurableQueue();
            }
            departures.forget(e);
        }
    }

    /** See {@link Queue#requeue}. */
    void requeue(long seq) {
        QueueEntry e = unacked.take(seq);
        if (e == null) {
            return;
        }
        if (queue.isDeleted()) {
            departures.forget(e);
            return;
        }
        e.redelivered = true;
        e.deliveryCount++;
        if (overDeliveryLimit(queue.settings(), e)) {
            departures.die(e, DeadLetters.DELIVERY_LIMIT);
            return;
        }
        if (queue.type() == QueueType.QUORUM) {
            // RabbitMQ 3.10's quorum queue: a returned message goes behind the others, in the order they return.
            ready.add(e.returnedAs(intake.takeSeq()));
            return;
        }
        ready.requeue(e);
    }

    /**
     * x-delivery-limit (Leveret's, as RabbitMQ's quorum queues count): with a limit of N a message is
     * delivered at most N + 1 times; when it comes back once more it is dead-lettered or dropped.
     */
    static boolean overDeliveryLimit(QueueArguments a, QueueEntry e) {
        long limit = a.deliveryLimit();
        return limit >= 0 && e.deliveryCount > limit;
    }

    /** See {@link Queue#settle}. */
    void settle(long[] acks, int ackCount, long[] requeues, int requeueCount) {
        for (int i = 0; i < ackCount; i++) {
            ack(acks[i]);
        }
        for (int i = 0; i < requeueCount; i++) {
            requeue(requeues[i]);
        }
        if (requeueCount > 0) {
            // RabbitMQ's requeue_and_run: a requeue is never refused, but a requeued message counts against the
            // length limit, and drop-head takes the queue back within it at once (reject-publish does not).
            QueueArguments a = queue.settings();
            if (a.limited()) {
                intake.dropHeadOverLimit(a);
            }
            expiry.expireHead();
        }
        queue.dispatch();
    }

    /** See {@link Queue#reject}. */
    void reject(long[] seqs, int count) {
        for (int i = 0; i < count; i++) {
            QueueEntry e = unacked.take(seqs[i]);
            if (e == null) {
                continue;
            }
            if (queue.isDeleted()) {
                departures.forget(e);
            } else {
                departures.die(e, DeadLetters.REJECTED);
            }
        }
        queue.dispatch();
    }
}
