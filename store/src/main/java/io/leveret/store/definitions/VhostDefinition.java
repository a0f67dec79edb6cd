package io.leveret.store.definitions;

import java.util.Objects;

/** A virtual host. */
public record VhostDefinition(String name) {
    public VhostDefinition {
        Objects.requireNonNull(name, "name");
    }
}
