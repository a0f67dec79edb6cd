package io.leveret.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** An immutable AMQP field table (spec 4.2.5.5) that keeps its entries in wire order, each with its type tag. */
public final class FieldTable {
    public static final FieldTable EMPTY = new FieldTable(Map.of());

    private final Map<String, FieldValue> entries;

    private FieldTable(Map<String, FieldValue> entries) {
        this.entries = entries;
    }

    /** A table of plain Java values, tagged as {@link FieldValue#of(Object)} does. */
    public static FieldTable of(Map<String, ?> values) {
        if (values.isEmpty()) {
            return EMPTY;
        }
        Map<String, FieldValue> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, FieldValue.of(v)));
        return new FieldTable(Collections.unmodifiableMap(m));
    }

    public static Builder builder() {
        return new Builder();
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean containsKey(String name) {
        return entries.containsKey(name);
    }

    /** The typed value for {@code name}, or null when absent. */
    public FieldValue field(String name) {
        return entries.get(name);
    }

    /** The plain value for {@code name}, or null when absent (or void). */
    public Object get(String name) {
        FieldValue f = entries.get(name);
        return f == null ? null : f.value();
    }

    public Set<String> names() {
        return entries.keySet();
    }

    /** The entries in wire order. */
    public Map<String, FieldValue> entries() {
        return entries;
    }

    /** A builder that starts with this table's entries. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.entries.putAll(entries);
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldTable other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    public static final class Builder {
        private final Map<String, FieldValue> entries = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds a plain Java value, tagged as {@link FieldValue#of(Object)} does. */
        public Builder put(String name, Object value) {
            entries.put(name, FieldValue.of(value));
            return this;
        }

        public Builder put(String name, FieldValue value) {
            entries.put(name, value);
            return this;
        }

        public Builder remove(String name) {
            entries.remove(name);
            return this;
        }

        public FieldTable build() {
            return entries.isEmpty() ? EMPTY : new FieldTable(Collections.unmodifiableMap(new LinkedHashMap<>(entries)));
        }
    }
}
