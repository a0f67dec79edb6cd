package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;
import java.util.Set;

/** A durable exchange; {@code type} is the broker's name for it ("direct", "topic", …). */
public record ExchangeDefinition(String vhost, String name, String type, boolean durable, boolean autoDelete,
                                 boolean internal, Blob arguments) {
    /**
     * The durable exchanges every vhost has from its creation, as RabbitMQ makes them. They are implicit in a
     * stored vhost, never stored themselves, and may be the source or destination of a stored binding.
     */
    public static final Set<String> BUILT_IN = Set.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers",
            "amq.match", "amq.rabbitmq.trace");

    public ExchangeDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(arguments, "arguments");
    }
}
