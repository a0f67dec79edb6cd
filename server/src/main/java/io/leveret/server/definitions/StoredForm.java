package io.leveret.server.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.LongString;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.vhost.Persistence;
import io.leveret.store.Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How the broker's values sit in the store's opaque blobs: arguments as AMQP field tables (as
 * {@code Persistence} writes them for AMQP declares), policy definitions and parameter values as JSON
 * text, password hashes as {@code hashing_algorithm:base64}. Also the translation between field tables
 * and the JSON of RabbitMQ's definitions files.
 */
public final class StoredForm {
    static final ObjectMapper JSON = new ObjectMapper();

    private StoredForm() {
    }

    /** Empty for a user without a password. */
    public static Blob password(PasswordHash hash) {
        if (hash == null) {
            return Blob.EMPTY;
        }
        return Blob.of((hash.algorithm().rabbitName() + ":" + hash.base64()).getBytes(StandardCharsets.UTF_8));
    }

    /** Null for a user without a password. */
    public static PasswordHash password(Blob blob) {
        if (blob.length() == 0) {
            return null;
        }
        String text = new String(blob.toByteArray(), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return PasswordHash.parse(PasswordHash.Algorithm.byRabbitName(text.substring(0, colon)),
                text.substring(colon + 1));
    }

    public static Blob json(JsonNode node) {
        try {
            return Blob.of(JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Blob blob) {
        try {
            return blob.length() == 0 ? JsonNodeFactory.instance.objectNode() : JSON.readTree(blob.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A definitions file's "arguments" object as the stored field table. */
    public static Blob arguments(JsonNode args) {
        return Persistence.blob(table(args));
    }

    /** The stored field table as a definitions file's "arguments" object. */
    public static ObjectNode arguments(Blob blob) {
        return toJson(Persistence.table(blob));
    }

    /**
     * JSON to a field table as RabbitMQ's rabbit_misc:to_amqp_table does: integers as signed 64-bit
     * ('l'), other numbers as doubles, strings as long strings, objects as tables, arrays as arrays.
     */
    public static FieldTable table(JsonNode node) {
        if (node == null || !node.isObject()) {
            return FieldTable.EMPTY;
        }
        FieldTable.Builder b = FieldTable.builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.put(e.getKey(), value(e.getValue()));
        }
        return b.build();
    }

    private static FieldValue value(JsonNode n) {
        if (n.isIntegralNumber()) {
            return FieldValue.of(n.asLong());
        }
        if (n.isNumber()) {
            return FieldValue.of(n.asDouble());
        }
        if (n.isBoolean()) {
            return FieldValue.of(n.asBoolean());
        }
        if (n.isObject()) {
            return FieldValue.of(table(n));
        }
        if (n.isArray()) {
            List<FieldValue> list = new ArrayList<>();
            n.forEach(e -> list.add(value(e)));
            return FieldValue.of(list);
        }
        if (n.isNull()) {
            return new FieldValue('V', null);
        }
        return FieldValue.of(LongString.of(n.asText()));
    }

    public static ObjectNode toJson(FieldTable table) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        table.entries().forEach((k, v) -> o.set(k, toJson(v)));
        return o;
    }

    private static JsonNode toJson(FieldValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Object value = v.value();
        if (v.isInteger()) {
            return f.numberNode(v.longValue());
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Float x) {
            return f.numberNode(x.doubleValue());
        }
        if (value instanceof Double x) {
            return f.numberNode(x);
        }
        if (value instanceof BigDecimal x) {
            return f.numberNode(x);
        }
        if (value instanceof FieldTable t) {
            return toJson(t);
        }
        if (value instanceof List<?> list) {
            ArrayNode a = f.arrayNode();
            for (Object e : list) {
                a.add(toJson((FieldValue) e));
            }
            return a;
        }
        if (value == null) {
            return f.nullNode();
        }
        return f.textNode(value instanceof LongString s ? s.toString() : String.valueOf(value));
    }
}
