package io.leveret.server.vhost;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded cache of an exchange with {@code x-message-deduplication}: the keys seen, each until its TTL
 * runs out, at most {@code capacity} of them (the oldest go first). Publishers on any thread call
 * {@link #firstSeen} at once: a concurrent map decides who saw a key first, and a concurrent queue keeps
 * insertion order for eviction, so no lock is taken.
 */
public final class DeduplicationCache {
    private final int capacity;
    /** Default TTL in ms; -1 for none. */
    private final long ttl;
    /** Key to the time (ms since the epoch) it stops counting as seen; Long.MAX_VALUE for never. */
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    /** Insertion order; records whose key was since renewed or removed are stale and skipped. */
    private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();

    private record Entry(String key, long until) {
    }

    public DeduplicationCache(int capacity, long ttl) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.ttl = ttl;
    }

    /**
     * True if {@code key} was not seen within its TTL (and it is now remembered), false for a duplicate.
     * {@code messageTtl} overrides the cache's TTL when not negative (the x-cache-ttl header).
     */
    public boolean firstSeen(String key, long messageTtl, long now) {
        long t = messageTtl >= 0 ? messageTtl : ttl;
        long until = t < 0 || now + t < now ? Long.MAX_VALUE : now + t;
        for (;;) {
            Long previous = seen.putIfAbsent(key, until);
            if (previous == null) {
                order.add(new Entry(key, until));
                size.incrementAndGet();
                trim(now);
                return true;
            }
            if (previous > now) {
                return false;
            }
            if (seen.replace(key, previous, until)) {
                order.add(new Entry(key, until));
                trim(now);
                return true;
            }
        }
    }

    /** Entries now, for tests and metrics. */
    public int size() {
        return size.get();
    }

    /** Drops stale and expired records at the head, then the oldest entries while over capacity. */
    private void trim(long now) {
        for (Entry head = order.peek(); head != null; head = order.peek()) {
            Long current = seen.get(head.key());
            boolean stale = current == null || current != head.until();
            boolean expired = head.until() <= now;
            if (!stale && !expired && size.get() <= capacity) {
                return;
            }
            if (order.remove(head) && !stale && seen.remove(head.key(), head.until())) {
                size.decrementAndGet();
            }
        }
    }
}
