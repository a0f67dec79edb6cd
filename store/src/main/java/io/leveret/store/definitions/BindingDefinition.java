package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/** A binding from an exchange to a queue or (exchange-to-exchange) another exchange. All fields are its identity. */
public record BindingDefinition(String vhost, String source, String destination, DestinationKind destinationKind,
                                String routingKey, Blob arguments) {
    public enum DestinationKind { QUEUE, EXCHANGE }

    public BindingDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(destinationKind, "destinationKind");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(arguments, "arguments");
    }
}
