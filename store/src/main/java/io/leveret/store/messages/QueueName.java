package io.leveret.store.messages;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A durable queue as the message log knows it: virtual host and name, each an AMQP short string
 * (at most 255 bytes of UTF-8, AMQP 0-9-1 §4.2.5.3). The names are written into each record so the
 * log needs no id table of its own that could disagree with the definitions.
 */
public record QueueName(String vhost, String name) {
    /** The exchange type whose waiting messages the log keeps ({@link #delayedExchange}). */
    public static final String DELAYED_EXCHANGE_TYPE = "x-delayed-message";

    public QueueName {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        if (vhost.getBytes(StandardCharsets.UTF_8).length > 255 || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("queue and vhost names are short strings (max 255 bytes): "
                    + vhost + "/" + name);
        }
    }

    /**
     * The log's name for the persistent messages a delayed exchange holds until they are due. Clients cannot
     * declare a queue of that name ({@code amq.} is reserved), so it never meets a real queue.
     */
    public static QueueName delayedExchange(String vhost, String exchange) {
        return internal(vhost, "amq.delayed.", exchange);
    }

    /** The log's name for transient delayed messages beyond the memory budget: a boot drops them. */
    public static QueueName delayedExchangeSpill(String vhost, String exchange) {
        return internal(vhost, "amq.delayed-transient.", exchange);
    }

    /** {@code prefix + owner}, or where that is too long for a short string, the prefix and a digest of owner. */
    private static QueueName internal(String vhost, String prefix, String owner) {
        String name = prefix + owner;
        if (name.getBytes(StandardCharsets.UTF_8).length <= 255) {
            return new QueueName(vhost, name);
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
            return new QueueName(vhost, prefix + "#" + java.util.HexFormat.of().formatHex(digest));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "'" + name + "' in vhost '" + vhost + "'";
    }
}
