package io.leveret.store.messages;

/**
 * Told once whether an append reached the disk. Invoked on the store's writer thread after the
 * {@code force} that covers the record returned (or failed); keep it short — hand the result to your own
 * thread, e.g. an event loop, and return.
 */
@FunctionalInterface
public interface WriteCallback {
    /**
     * @param failure null when the message is durable; otherwise why it is not (the broker nacks it)
     */
    void completed(Throwable failure);

    /**
     * Asked on the writer thread just before the record is written: false once every queue it is for has
     * let go of the message for good (consumers took it). Such a record is not written; its place in the
     * segment is filled with a record for no queue, it costs no force, and {@link #dropped()} is called
     * instead of {@link #completed}. The acks the queues send for it are expected and ignored.
     */
    default boolean wanted() {
        return true;
    }

    /** The record was not written because {@link #wanted()} said so. */
    default void dropped() {
        completed(null);
    }
}
