package io.leveret.store.messages;

/**
 * A message found un-acknowledged for a queue when the store opened. {@code redelivered} is true when a
 * delivery had been recorded with {@link MessageStore#markDelivered} before the stop, so the broker sets
 * the redelivered flag (AMQP 0-9-1 basic.deliver) when it hands it out again. {@code deliveryCount} is the
 * highest count such a record carried (0 for none, and for marks written without a count). {@code times} are
 * those the message was appended with ({@link MessageTimes#UNKNOWN} for a record written before the log kept
 * them).
 */
public record RecoveredMessage(Location location, boolean redelivered, int deliveryCount, MessageTimes times) {

    /** A recovered message with no delivery count recorded and unknown times. */
    public RecoveredMessage(Location location, boolean redelivered) {
        this(location, redelivered, 0, MessageTimes.UNKNOWN);
    }
}
