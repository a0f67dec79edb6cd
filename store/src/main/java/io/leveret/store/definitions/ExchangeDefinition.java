package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/** A durable exchange; {@code type} is the broker's name for it ("direct", "topic", …). */
public record ExchangeDefinition(String vhost, String name, String type, boolean durable, boolean autoDelete,
                                 boolean internal, Blob arguments) {
    public ExchangeDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arguments, "arguments");
    }
}
