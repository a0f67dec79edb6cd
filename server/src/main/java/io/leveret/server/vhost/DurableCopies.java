package io.leveret.server.vhost;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The copies of one persistent publish in durable queues, which decide two things.
 *
 * <p>Its publisher confirm. As RabbitMQ's classic queues do ("a persistent message is confirmed when it is
 * persisted to disk, or when it is consumed on every queue"), it is answered by whichever comes first: the
 * message log's write ({@link #written}), or a consumer taking the message off the last of those queues for good
 * ({@link #consumed}: an ack, or a delivery in no-ack mode). Either way nothing confirmed can be lost: a consumed
 * message is no longer the broker's to keep. Any other departure (dead-lettering, expiry, drop-head, purge, a
 * deleted queue) leaves the answer to the write, so a dead-lettered copy is on disk before its publisher hears
 * of it.
 *
 * <p>Whether the log still needs the record ({@link #consumedEverywhere}): one consumed on every queue before
 * the store's writer came to it is not written at all, and costs no fsync.
 *
 * <p>Thread-safe: the write completes on the store's writer thread, consumption on the queues' threads.
 */
public final class DurableCopies {
    private static final VarHandle COPIES;
    private static final VarHandle ANSWERED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            COPIES = lookup.findVarHandle(DurableCopies.class, "copies", int.class);
            ANSWERED = lookup.findVarHandle(DurableCopies.class, "answered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Consumer<Throwable> answer;
    /** Durable queues whose copy no consumer has taken yet. */
    private volatile int copies;
    private volatile boolean answered;

    /**
     * {@code answer} runs once, with null for a confirm or the write's failure for a nack (a publish without
     * confirms passes one that only logs a failure).
     */
    public DurableCopies(int durableCopies, Consumer<Throwable> answer) {
        this.copies = durableCopies;
        this.answer = answer;
    }

    /** The message log has the message on disk (failure null) or cannot have it. */
    public void written(Throwable failure) {
        answer(failure);
    }

    /** A durable queue's consumer took its copy for good. */
    void consumed() {
        if ((int) COPIES.getAndAdd(this, -1) == 1) {
            answer(null);
        }
    }

    /** True once a consumer took every durable copy. */
    boolean consumedEverywhere() {
        return copies <= 0;
    }

    private void answer(Throwable failure) {
        if (ANSWERED.compareAndSet(this, false, true)) {
            answer.accept(failure);
        }
    }
}
