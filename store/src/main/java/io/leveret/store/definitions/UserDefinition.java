package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.List;
import java.util.Objects;

/** A user; the password hash is whatever the broker's hashing scheme produced. */
public record UserDefinition(String name, Blob passwordHash, List<String> tags) {
    public UserDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        tags = List.copyOf(tags);
    }
}
