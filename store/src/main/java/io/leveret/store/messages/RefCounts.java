package io.leveret.store.messages;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How many un-acknowledged queue references each segment still holds, and per queue per segment — a
 * few counters per live segment, never an entry per message. A segment at zero can be deleted; a queue
 * deletion drops its counts without the broker listing its messages. Confined to the writer thread.
 */
final class RefCounts {
    private final TreeMap<Long, int[]> segments = new TreeMap<>();
    private final Map<QueueName, TreeMap<Long, int[]>> queues = new HashMap<>();

    void add(QueueName queue, long segment) {
        segments.computeIfAbsent(segment, s -> new int[1])[0]++;
        queues.computeIfAbsent(queue, q -> new TreeMap<>()).computeIfAbsent(segment, s -> new int[1])[0]++;
    }

    /**
     * Counts {@code segment} as written to, with no reference of its own: a segment that only ever held records
     * for no queue (messages consumed before they were written) is reclaimed like one whose messages were acked.
     */
    void written(long segment) {
        segments.computeIfAbsent(segment, s -> new int[1]);
    }

    /** Returns false, changing nothing, if the queue holds no reference in that segment (a double ack). */
    boolean release(QueueName queue, long segment) {
        TreeMap<Long, int[]> perSegment = queues.get(queue);
        int[] count = perSegment == null ? null : perSegment.get(segment);
        if (count == null) {
            return false;
        }
        if (--count[0] == 0) {
            perSegment.remove(segment);
            if (perSegment.isEmpty()) {
                queues.remove(queue);
            }
        }
        segments.get(segment)[0]--;
        return true;
    }

    /** The segments {@code queue} holds references in. */
    Set<Long> segmentsOf(QueueName queue) {
        TreeMap<Long, int[]> perSegment = queues.get(queue);
        return perSegment == null ? Set.of() : Set.copyOf(perSegment.keySet());
    }

    /** Drops every reference of {@code queue}. */
    void purge(QueueName queue) {
        TreeMap<Long, int[]> perSegment = queues.remove(queue);
        if (perSegment != null) {
            perSegment.forEach((segment, count) -> segments.get(segment)[0] -= count[0]);
        }
    }

    /** Removes and returns the segments below {@code limit} that no queue references any more. */
    List<Long> takeUnreferenced(long limit) {
        List<Long> free = new ArrayList<>();
        Iterator<Map.Entry<Long, int[]>> it = segments.headMap(limit, false).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, int[]> entry = it.next();
            if (entry.getValue()[0] <= 0) {
                free.add(entry.getKey());
                it.remove();
            }
        }
        return free;
    }

    boolean isLive(long segment) {
        return segments.containsKey(segment);
    }
}
