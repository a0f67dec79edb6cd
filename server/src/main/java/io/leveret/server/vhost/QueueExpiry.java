package io.leveret.server.vhost;

import java.util.concurrent.TimeUnit;

/**
 * The clocks of one {@link Queue}: message deadlines (x-message-ttl and each message's expiration) and the
 * queue's own x-expires. Only the head can expire, as in RabbitMQ, so one timer for the head's deadline is
 * enough; x-expires has one timer too, re-armed while the queue is in use.
 *
 * <p>Confined to the queue's thread, like the queue's other state: every field is read and written there only.
 */
final class QueueExpiry {
    private final Queue queue;
    /** True once any entry had a deadline: queues without TTLs never look at the clock. */
    private boolean hasDeadlines;
    /** When the timer for the head's deadline fires (ms since the epoch); 0 when none is pending. */
    private long expiryTimerAt;
    /** When the queue was last used (x-expires), and whether a check for that is pending. */
    private long lastUsed = System.currentTimeMillis();
    private boolean unusedTimerPending;
    /** Bumped when a policy change rearms the x-expires timer: a timer armed before then does nothing. */
    private int unusedTimerVersion;

    QueueExpiry(Queue queue) {
        this.queue = queue;
    }

    /** The deadline of a message enqueued at {@code enqueuedAt} with its own TTL {@code ownTtl} (-1: none). */
    static long deadline(QueueArguments a, long enqueuedAt, long ownTtl) {
        long ttl = a.messageTtl();
        if (ownTtl >= 0) {
            ttl = ttl < 0 ? ownTtl : Math.min(ttl, ownTtl);
        }
        return ttl < 0 ? QueueEntry.NEVER : enqueuedAt + ttl;
    }

    /** True once some entry had a deadline. */
    boolean any() {
        return hasDeadlines;
    }

    /** The time to judge deadlines by: now if any entry ever had one, else 0 (the clock is not read). */
    long now() {
        return hasDeadlines ? System.currentTimeMillis() : 0;
    }

    /** Gives {@code e} its deadline ({@link QueueEntry#NEVER}: none). */
    void setDeadline(QueueEntry e, long deadline) {
        if (deadline != QueueEntry.NEVER) {
            e.expiresAt = deadline;
            hasDeadlines = true;
        }
    }

    /** Dead-letters (or drops) expired messages at the head, then arms the timer for the next deadline. */
    void expireHead() {
        if (hasDeadlines) {
            expireHead(true, System.currentTimeMillis());
        }
    }

    /**
     * {@code due} false spares messages whose deadline is this very millisecond: a consumer waiting for a
     * message with TTL 0 gets it (RabbitMQ), and what it did not take expires right after.
     */
    void expireHead(boolean due, long now) {
        if (queue.isDeleted()) {
            return;
        }
        for (QueueEntry e = queue.head(); e != null; e = queue.head()) {
            if (e.expiresAt == QueueEntry.NEVER) {
                return;
            }
            if (due ? e.expiresAt > now : e.expiresAt >= now) {
                armExpiryTimer(e.expiresAt);
                return;
            }
            queue.departures().die(queue.takeHead(), DeadLetters.EXPIRED);
        }
    }

    private void armExpiryTimer(long at) {
        if (expiryTimerAt != 0 && expiryTimerAt <= at) {
            return;
        }
        expiryTimerAt = at;
        queue.executor().schedule(() -> {
            if (expiryTimerAt == at) {
                expiryTimerAt = 0;
            }
            expireHead();
            queue.releaseCredit();
        }, Math.max(0, at - System.currentTimeMillis()) + 1, TimeUnit.MILLISECONDS);
    }

    /** The queue was used: its x-expires clock restarts. */
    void touch() {
        lastUsed = System.currentTimeMillis();
        armUnusedTimer();
    }

    /** A policy changed x-expires: a timer armed under the old value does nothing, and the clock restarts when idle. */
    void restartUnusedTimer(boolean idle) {
        unusedTimerVersion++;
        unusedTimerPending = false;
        if (idle) {
            touch();
        }
    }

    private void armUnusedTimer() {
        long expires = queue.settings().expires();
        // A queue whose home is another node expires there, which deletes it for the whole cluster.
        if (expires < 0 || unusedTimerPending || queue.isDeleted() || queue.remoteHome() != null) {
            return;
        }
        unusedTimerPending = true;
        int version = unusedTimerVersion;
        queue.executor().schedule(() -> {
            if (version != unusedTimerVersion) {
                return;
            }
            unusedTimerPending = false;
            long left = lastUsed + queue.settings().expires() - System.currentTimeMillis();
            if (queue.isDeleted() || queue.consumerCount() > 0) {
                return;
            }
            if (left > 0) {
                armUnusedTimer();
            } else {
                queue.vhost().deleteQueue(queue);
            }
        }, Math.max(1, lastUsed + expires - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    }
}
