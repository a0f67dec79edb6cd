package io.leveret.server.vhost;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How one {@link Queue}'s ready messages go out: to basic.gets first, in the order they came, then to consumers
 * with credit as {@link Consumers} picks them, in one batch per channel. {@link Outgoing} decides what an entry
 * is (the head, whether it expired, the delivery it makes); this decides who gets it and when.
 *
 * <p>Confined to the queue's thread, like the queue's other state.
 */
final class Dispatch {
    /** Body bytes one dispatch hands over before the connections are told (and may say they are behind). */
    private static final long BATCH_BYTES = 256 << 10;

    private final Queue queue;
    private final Consumers consumers;
    private final QueueExpiry expiry;
    private final Outgoing outgoing;
    /** One dispatch's deliveries by channel; cleared after each dispatch. */
    private final Map<ConsumerChannel, List<Delivery>> batches = new IdentityHashMap<>(4);
    /** basic.gets waiting for the head's body to be read back, in order. */
    private final ArrayDeque<WaitingGet> gets = new ArrayDeque<>();
    /** A dispatch or a get is under way: a read finishing on this very thread leaves it to them. */
    private boolean busy;
    /** How often the consumers held the queue back, told at the end of each dispatch. */
    private final ConsumerCapacity capacity = new ConsumerCapacity(System.nanoTime());

    Dispatch(Queue queue, Consumers consumers, QueueExpiry expiry, Outgoing outgoing) {
        this.queue = queue;
        this.consumers = consumers;
        this.expiry = expiry;
        this.outgoing = outgoing;
    }

    /** A basic.get waiting for the head's body. */
    private record WaitingGet(boolean noAck, Consumer<Delivery> answer) {
    }

    /** See {@link Queue#get}. */
    void get(boolean noAck, Consumer<Delivery> answer) {
        if (gets.isEmpty() && tryGet(noAck, answer)) {
            return;
        }
        gets.add(new WaitingGet(noAck, answer));
    }

    /** Answers a get unless the head's body is being read back; false then. */
    private boolean tryGet(boolean noAck, Consumer<Delivery> answer) {
        boolean wasBusy = busy;
        busy = true;
        QueueEntry e;
        try {
            e = outgoing.poll();
        } finally {
            busy = wasBusy;
        }
        if (e == null && queue.messageCount() > 0 && !queue.isDeleted()) {
            return false;
        }
        Delivery d = e == null ? null : outgoing.handOut(e, null, noAck, false);
        outgoing.countGet(d, noAck);
        if (d != null) {
            // The next message is the head now: its deadline needs the timer (RabbitMQ's drop_expired_msgs).
            expiry.expireHead();
        }
        answer.accept(d);
        return true;
    }

    /** Answers the gets that waited, in order, as far as the head allows. */
    void answerWaitingGets() {
        for (WaitingGet g; (g = gets.peekFirst()) != null && tryGet(g.noAck(), g.answer()); ) {
            gets.pollFirst();
        }
    }

    /** See {@link Queue#consumerCapacity}, for a queue with consumers; {@code empty}: no message is ready. */
    double consumerCapacity(boolean empty) {
        long now = System.nanoTime();
        if (empty) {
            // Emptied by a purge, an expiry or a delete of the head, without a dispatch to say so.
            capacity.drained(now);
        }
        return capacity.share(now);
    }

    /** Bodies were read back: waiting gets first, then the consumers. */
    void pagedIn() {
        if (busy) {
            // Read on this very thread (a broker without a network, in tests): the caller looks again.
            return;
        }
        run(expiry.now());
    }

    /** Hands out what it can at {@code now} (ms since the epoch; only read when the queue has deadlines). */
    void run(long now) {
        if (busy) {
            return;
        }
        answerWaitingGets();
        if (consumers.isEmpty() || queue.isDeleted()) {
            return;
        }
        busy = true;
        try {
            toConsumers(now);
        } finally {
            busy = false;
        }
        deliverBatches();
        queue.releaseCredit();
    }

    private void toConsumers(long now) {
        long batchBytes = 0;
        for (;;) {
            if (expiry.any()) {
                expiry.expireHead(false, now);
            }
            // The head first: picking a consumer may take a unit of its channel's prefetch, which a head whose
            // body is still on disk would leave taken.
            QueueEntry e = outgoing.readyHead(now);
            if (e == null) {
                capacity.drained(System.nanoTime());
                break;
            }
            QueueConsumer c = consumers.nextWithCredit();
            if (c == null) {
                capacity.heldBack(System.nanoTime());
                break;
            }
            outgoing.take(e);
            Delivery d = outgoing.handOut(e, c, c.noAck(), consumers.lastCreditWasChannelWide());
            // Each channel's list is new (it goes to that channel's thread); the map is ours to reuse.
            batches.computeIfAbsent(c.channel(), k -> new ArrayList<>()).add(d);
            batchBytes += e.size;
            if (batchBytes >= BATCH_BYTES) {
                // Handed over now, the connections count these bytes, and stop taking more once they are
                // behind: bodies paged back in for consumers without a prefetch limit do not all load at once.
                deliverBatches();
                batchBytes = 0;
            }
        }
    }

    private void deliverBatches() {
        if (!batches.isEmpty()) {
            batches.forEach(ConsumerChannel::deliver);
            batches.clear();
        }
    }
}
