package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/**
 * A runtime parameter as RabbitMQ keeps them: {@code component} (e.g. "vhost-limits") and {@code name}
 * within a vhost; {@code value} is the broker's encoding of its value. Kept whole even for components
 * the broker does not act on, so an import followed by an export loses nothing.
 */
public record ParameterDefinition(String vhost, String component, String name, Blob value) {
    public ParameterDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
