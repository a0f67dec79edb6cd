package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Objects;

/** A policy; {@code definition} is the broker's encoding of its key/value map. */
public record PolicyDefinition(String vhost, String name, String pattern, String applyTo, int priority,
                               Blob definition) {
    public PolicyDefinition {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(applyTo, "applyTo");
        Objects.requireNonNull(definition, "definition");
    }
}
