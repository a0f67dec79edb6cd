package io.leveret.server.vhost;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A queue's consumers and which of them gets the next message, as RabbitMQ's rabbit_queue_consumers
 * chooses: the highest {@code x-priority} consumers that have credit, round-robin among equals; lower ones
 * only while every higher one is blocked (prefetch, channel-wide prefetch or a full socket). With
 * x-single-active-consumer only the earliest registered consumer gets messages (RabbitMQ 3.10's classic
 * queues do not look at consumer priorities for that), and the next one in registration order takes over
 * when it leaves. Confined to the queue's thread.
 */
final class Consumers {
    /** The consumers of one priority, with their round-robin position. */
    private static final class Group {
        final long priority;
        final List<QueueConsumer> members = new ArrayList<>(2);
        int next;

        Group(long priority) {
            this.priority = priority;
        }
    }

    private final boolean singleActive;
    /**
     * False for a quorum queue: RabbitMQ 3.10's quorum queues refuse a consumer on a channel with a channel-wide
     * prefetch, and one set after the consumer came does not hold its deliveries back.
     */
    private final boolean channelWidePrefetch;
    /** Every consumer in registration order: the single active consumer is the first. */
    private final List<QueueConsumer> all = new ArrayList<>();
    /** The same consumers by priority, highest first; one group for a queue whose consumers set none. */
    private final List<Group> groups = new ArrayList<>(1);
    /** Whether the consumer {@link #nextWithCredit} returned took one unit of its channel's global prefetch. */
    private boolean lastCreditWasChannelWide;

    Consumers(boolean singleActive, boolean channelWidePrefetch) {
        this.singleActive = singleActive;
        this.channelWidePrefetch = channelWidePrefetch;
    }

    /**
     * Adds {@code c} unless the consumers here refuse it, as RabbitMQ does: an exclusive consumer keeps the queue
     * to itself, and comes only to a queue without consumers.
     */
    Queue.AddResult admit(QueueConsumer c) {
        if (!isEmpty() && first().exclusive()) {
            return Queue.AddResult.EXCLUSIVE_IN_USE;
        }
        if (c.exclusive() && singleActive) {
            // RabbitMQ refuses an exclusive consumer on a single-active-consumer queue, even an idle one.
            return Queue.AddResult.EXCLUSIVE_IN_USE;
        }
        if (c.exclusive() && !isEmpty()) {
            return Queue.AddResult.HAS_CONSUMERS;
        }
        add(c);
        return Queue.AddResult.OK;
    }

    private void add(QueueConsumer c) {
        all.add(c);
        int i = 0;
        while (i < groups.size() && groups.get(i).priority > c.priority()) {
            i++;
        }
        if (i == groups.size() || groups.get(i).priority != c.priority()) {
            groups.add(i, new Group(c.priority()));
        }
        groups.get(i).members.add(c);
    }

    /** Removes {@code c}; false if it was not here. */
    boolean remove(QueueConsumer c) {
        if (!all.remove(c)) {
            return false;
        }
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            int idx = g.members.indexOf(c);
            if (idx < 0) {
                continue;
            }
            g.members.remove(idx);
            if (g.members.isEmpty()) {
                groups.remove(i);
            } else {
                if (idx < g.next) {
                    g.next--;
                }
                if (g.next >= g.members.size()) {
                    g.next = 0;
                }
            }
            break;
        }
        return true;
    }

    /** The earliest registered consumer still here; null when none. */
    QueueConsumer first() {
        return all.isEmpty() ? null : all.get(0);
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    int size() {
        return all.size();
    }

    /** Removes every consumer and returns them, in registration order. */
    List<QueueConsumer> clear() {
        List<QueueConsumer> cs = List.copyOf(all);
        all.clear();
        groups.clear();
        return cs;
    }

    void forEach(Consumer<QueueConsumer> task) {
        all.forEach(task);
    }

    /**
     * The consumer the next message goes to, having taken one unit of its credit; null when every eligible
     * consumer is blocked.
     */
    QueueConsumer nextWithCredit() {
        if (singleActive) {
            QueueConsumer active = first();
            return active != null && take(active) ? active : null;
        }
        for (int gi = 0; gi < groups.size(); gi++) {
            Group g = groups.get(gi);
            int n = g.members.size();
            for (int i = 0; i < n; i++) {
                int idx = (g.next + i) % n;
                QueueConsumer c = g.members.get(idx);
                if (take(c)) {
                    g.next = (idx + 1) % n;
                    return c;
                }
            }
        }
        return null;
    }

    /** True when the last {@link #nextWithCredit} took from its channel's global prefetch (basic.qos global). */
    boolean lastCreditWasChannelWide() {
        return lastCreditWasChannelWide;
    }

    private boolean take(QueueConsumer c) {
        if (!c.hasCredit() || !c.channel().acceptingDeliveries()) {
            return false;
        }
        if (!channelWidePrefetch) {
            lastCreditWasChannelWide = false;
            return true;
        }
        int credit = c.channel().tryAcquireChannelCredit(!c.noAck());
        if (credit == ConsumerChannel.NO_CREDIT) {
            return false;
        }
        lastCreditWasChannelWide = credit == ConsumerChannel.ACQUIRED;
        return true;
    }
}
