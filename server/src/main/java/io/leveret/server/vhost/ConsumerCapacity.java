package io.leveret.server.vhost;

/**
 * RabbitMQ's {@code consumer_capacity} (formerly {@code consumer_utilisation}): the share of time a queue's
 * consumers could take a message at once. The queue is <em>held back</em> while it has a ready message and no
 * consumer with credit (every prefetch full); the share is measured over windows of {@link #WINDOW_NANOS}, so
 * it follows what the consumers do now rather than since the queue was declared.
 *
 * <p>Only the ends of a dispatch report here (held back or drained), not each delivery, so it costs one clock
 * read per dispatch. Confined to the queue's thread, like the queue's other state.
 */
final class ConsumerCapacity {
    static final long WINDOW_NANOS = 5_000_000_000L;
    /** A window younger than this says too little: the last full one answers instead. */
    private static final long SHORTEST_ANSWER_NANOS = 1_000_000_000L;

    private boolean heldBack;
    private long since;
    private long windowStart;
    private long heldBackInWindow;
    private double lastWindow = 1.0;

    ConsumerCapacity(long now) {
        since = now;
        windowStart = now;
    }

    /** A dispatch ended with a ready message that no consumer could take. */
    void heldBack(long now) {
        change(true, now);
    }

    /** A dispatch ended with nothing ready, or the queue emptied another way: consumers are not waited for. */
    void drained(long now) {
        change(false, now);
    }

    private void change(boolean held, long now) {
        roll(now);
        if (held != heldBack) {
            if (heldBack) {
                heldBackInWindow += now - since;
            }
            heldBack = held;
            since = now;
        }
    }

    /** Starts new windows for the time gone by, keeping the last full one's share. */
    private void roll(long now) {
        if (now - windowStart < WINDOW_NANOS) {
            return;
        }
        long windowEnd = windowStart + WINDOW_NANOS;
        long held = heldBackInWindow + (heldBack ? windowEnd - Math.max(since, windowStart) : 0);
        lastWindow = 1.0 - (double) held / WINDOW_NANOS;
        if (now - windowEnd >= WINDOW_NANOS) {
            // Whole windows passed without a change: the state held throughout the last of them.
            lastWindow = heldBack ? 0.0 : 1.0;
            windowEnd = now - (now - windowStart) % WINDOW_NANOS;
        }
        windowStart = windowEnd;
        heldBackInWindow = 0;
        if (heldBack) {
            since = Math.max(since, windowStart);
        }
    }

    /** The share of time, 0 to 1, that consumers could take a message at once. */
    double share(long now) {
        roll(now);
        long elapsed = now - windowStart;
        if (elapsed < SHORTEST_ANSWER_NANOS) {
            return lastWindow;
        }
        long held = heldBackInWindow + (heldBack ? now - Math.max(since, windowStart) : 0);
        return Math.max(0.0, Math.min(1.0, 1.0 - (double) held / elapsed));
    }
}
