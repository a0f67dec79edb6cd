package io.leveret.store.messages;

/**
 * The times the message log keeps with a message so that deadlines hold across a restart: when the
 * message entered its queues ({@code enqueuedAt}, ms since the epoch; for a delayed message, when it is
 * due) and its own time to live ({@code ttl}, ms, from its {@code expiration} property; -1 for none).
 * The store only keeps them: what they mean is the broker's business.
 */
public record MessageTimes(long enqueuedAt, long ttl) {
    /** The times of a record from a log that did not keep them. */
    public static final MessageTimes UNKNOWN = new MessageTimes(-1, -1);

    /** A message entering its queues now, without a TTL of its own. */
    public static MessageTimes now() {
        return new MessageTimes(System.currentTimeMillis(), -1);
    }

    /** True unless these are {@link #UNKNOWN}. */
    public boolean known() {
        return enqueuedAt >= 0;
    }
}
