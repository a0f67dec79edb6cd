package io.leveret.server.vhost;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bodies of ready messages that all queues together keep in memory: RabbitMQ's
 * {@code vm_memory_high_watermark_paging_ratio}. Each queue keeps at most {@link Paging#IN_MEMORY_BYTES} of
 * its own; past this broker-wide limit, whichever queue is adding pages its oldest bodies out even below
 * its own limit, so that many queues with a backlog cannot together fill memory before the memory alarm
 * stops publishers. A message counts its body and an estimate of its objects on the heap
 * ({@link Paging#MESSAGE_OVERHEAD}), so that a backlog of tiny messages pages out too. Counted exactly, one
 * atomic add per message a queue keeps in memory and one when it lets it go.
 */
public final class PagingBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** {@code limit}: bytes of ready bodies all queues may keep in memory together. */
    public PagingBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("paging budget " + limit);
        }
        this.limit = limit;
    }

    /** No broker-wide limit: each queue's own is the only one. */
    public static PagingBudget unlimited() {
        return new PagingBudget(Long.MAX_VALUE);
    }

    /**
     * The broker-wide budget for a JVM: {@code ratio} of the memory alarm's threshold. The alarm holds the
     * heap and direct memory each to {@code watermarkShare} of their maximum; a message in memory takes
     * both (its body is direct, its objects are on the heap), so the smaller pool sets the budget.
     */
    public static PagingBudget of(double ratio, double watermarkShare, long maxHeap, long maxDirectMemory) {
        return new PagingBudget((long) (ratio * watermarkShare * Math.min(maxHeap, maxDirectMemory)));
    }

    public long limit() {
        return limit;
    }

    /** Bytes of ready bodies kept in memory now, across all queues. */
    public long used() {
        return used.get();
    }

    void kept(long bytes) {
        used.addAndGet(bytes);
    }

    void released(long bytes) {
        used.addAndGet(-bytes);
    }

    boolean exceeded() {
        return used.get() > limit;
    }
}
