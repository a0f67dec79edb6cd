package io.leveret.server.protocol;

import io.netty.util.collection.LongObjectHashMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel's unacknowledged deliveries: a hash by tag for single acks, and the tags in order for
 * {@code multiple} acks (spec 1.8.3.13), with settled entries dropped lazily from the front.
 */
final class UnackedMap {
    private final LongObjectHashMap<Unacked> byTag = new LongObjectHashMap<>();
    private final ArrayDeque<Unacked> inOrder = new ArrayDeque<>();

    void add(Unacked u) {
        byTag.put(u.deliveryTag, u);
        inOrder.add(u);
    }

    int size() {
        return byTag.size();
    }

    /** Removes and returns the delivery with this tag, or null if there is none. */
    Unacked remove(long tag) {
        Unacked u = byTag.remove(tag);
        if (u != null) {
            u.settled = true;
            trim();
        }
        return u;
    }

    /** Removes and returns every delivery up to and including {@code tag} (all of them for tag 0). */
    List<Unacked> removeUpTo(long tag) {
        List<Unacked> out = new ArrayList<>();
        while (!inOrder.isEmpty() && (tag == 0 || inOrder.peekFirst().deliveryTag <= tag)) {
            Unacked u = inOrder.pollFirst();
            if (!u.settled) {
                u.settled = true;
                byTag.remove(u.deliveryTag);
                out.add(u);
            }
        }
        return out;
    }

    /** Runs {@code task} with every unsettled delivery, in tag order. */
    void forEach(java.util.function.Consumer<Unacked> task) {
        for (Unacked u : inOrder) {
            if (!u.settled) {
                task.accept(u);
            }
        }
    }

    /** Puts deliveries back (tx.rollback), keeping tag order. */
    void restore(List<Unacked> list) {
        List<Unacked> all = new ArrayList<>(list.size() + inOrder.size());
        for (Unacked u : list) {
            u.settled = false;
            byTag.put(u.deliveryTag, u);
            all.add(u);
        }
        for (Unacked u : inOrder) {
            if (!u.settled) {
                all.add(u);
            }
        }
        all.sort((a, b) -> Long.compare(a.deliveryTag, b.deliveryTag));
        inOrder.clear();
        inOrder.addAll(all);
    }

    private void trim() {
        while (!inOrder.isEmpty() && inOrder.peekFirst().settled) {
            inOrder.pollFirst();
        }
    }
}
