package io.leveret.store.messages;

/**
 * A message found un-acknowledged for a queue when the store opened. {@code redelivered} is true when a
 * delivery had been recorded with {@link MessageStore#markDelivered} before the stop, so the broker sets
 * the redelivered flag (AMQP 0-9-1 basic.deliver) when it hands it out again.
 */
public record RecoveredMessage(Location location, boolean redelivered) {
}
