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
}
