package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A user; the password hash is whatever the broker's hashing scheme produced.
 *
 * @param limits the user's limits by name ({@code max-connections}, {@code max-channels}) as they were set,
 *               negative values included: the broker gives them meaning, the store only keeps them (sorted
 *               by name, so that equal limits make equal definitions)
 */
public record UserDefinition(String name, Blob passwordHash, List<String> tags, Map<String, Integer> limits) {
    public UserDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        tags = List.copyOf(tags);
        limits = Collections.unmodifiableSortedMap(new TreeMap<>(limits));
    }

    /** A user without limits. */
    public UserDefinition(String name, Blob passwordHash, List<String> tags) {
        this(name, passwordHash, tags, Map.of());
    }
}
