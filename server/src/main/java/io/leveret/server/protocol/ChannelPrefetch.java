package io.leveret.server.protocol;

import io.leveret.server.vhost.ConsumerChannel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A channel's global prefetch (basic.qos global=true), as RabbitMQ's rabbit_limiter keeps it: how many
 * deliveries that need an ack the channel may have outstanding across all its consumers. Queues ask it from
 * their own threads ({@link #tryAcquire}), so the count is atomic and the limit volatile; the limit is set and
 * units are given back on the channel's loop. A channel without a limit counts nothing.
 */
final class ChannelPrefetch {
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile int limit;

    /** {@link ConsumerChannel#tryAcquireChannelCredit(boolean)}. Thread-safe. */
    int tryAcquire(boolean ackRequired) {
        int max = limit;
        if (max == 0) {
            return ConsumerChannel.UNLIMITED;
        }
        for (;;) {
            int n = outstanding.get();
            if (n >= max) {
                return ConsumerChannel.NO_CREDIT;
            }
            if (!ackRequired) {
                return ConsumerChannel.UNLIMITED;
            }
            if (outstanding.compareAndSet(n, n + 1)) {
                return ConsumerChannel.ACQUIRED;
            }
        }
    }

    /**
     * Sets the limit (0: none). A limit that starts from none counts every delivery outstanding in {@code
     * unacked}, as RabbitMQ's limit_prefetch takes the length of the channel's unacked queue (basic.get
     * deliveries too), and marks them so that settling each gives its unit back. A limit that changes keeps the
     * count: lowered below it, nothing goes out until enough are settled.
     */
    void setLimit(int n, UnackedMap unacked) {
        if (limit == 0 && n > 0) {
            int[] count = {0};
            unacked.forEach(u -> {
                u.channelCredit = true;
                count[0]++;
            });
            // The count is in place before the limit is published: a queue that sees the limit sees the count.
            outstanding.set(count[0]);
        }
        limit = n;
    }

    /** True when a global limit is set. */
    boolean limited() {
        return limit > 0;
    }

    /** Settled deliveries give back the units they took. */
    void release(int units) {
        outstanding.addAndGet(-units);
    }
}
