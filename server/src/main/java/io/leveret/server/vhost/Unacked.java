package io.leveret.server.vhost;

import io.netty.util.collection.LongObjectHashMap;
import java.util.function.Consumer;

/**
 * A queue's entries that are out to a consumer (or a basic.get) and not yet settled, by sequence number, with
 * each consumer's count of them (what its prefetch limit is judged by). A primitive-keyed map: no boxed key
 * per delivery. Confined to the queue's thread.
 */
final class Unacked {
    private final LongObjectHashMap<QueueEntry> entries = new LongObjectHashMap<>();

    /** {@code e} went out to {@code holder} (null for a basic.get) and awaits its ack. */
    void add(QueueEntry e, QueueConsumer holder) {
        e.holder = holder;
        if (holder != null) {
            holder.unacked++;
        }
        entries.put(e.seq, e);
    }

    /** Takes the entry back from whoever held it; null if none is out under {@code seq} (settled already). */
    QueueEntry take(long seq) {
        QueueEntry e = entries.remove(seq);
        if (e != null && e.holder != null) {
            e.holder.unacked--;
            e.holder = null;
        }
        return e;
    }

    /** How many are out; read by the statistics sampler too, which may see it a moment late. */
    int size() {
        return entries.size();
    }

    /** Body bytes of the entries out; walks them all, so for management, not the message path. */
    long bytes() {
        long sum = 0;
        for (QueueEntry e : entries.values()) {
            sum += e.size;
        }
        return sum;
    }

    /** Hands every entry still out to {@code action} and forgets them all (the queue is gone). */
    void drain(Consumer<QueueEntry> action) {
        entries.values().forEach(action);
        entries.clear();
    }
}
