package io.leveret.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns a {@code list_*} command offers, by rabbitmqctl's names, each read from the management API's JSON
 * for one object; the defaults are rabbitmqctl's. A column the API has no counterpart for is not offered, so
 * asking for it fails as an unsupported info key does in rabbitmqctl instead of printing a made-up value.
 */
final class Listing {
    private final List<String> defaults;
    private final Map<String, Function<JsonNode, JsonNode>> columns = new LinkedHashMap<>();

    Listing(String... defaults) {
        this.defaults = List.of(defaults);
    }

    /** A column read from the field of the same name. */
    Listing field(String... names) {
        for (String n : names) {
            columns.put(n, o -> o.path(n));
        }
        return this;
    }

    /** A column read from an API field of another name, or a path of them ({@code "queue", "name"}). */
    Listing from(String column, String... path) {
        columns.put(column, o -> {
            JsonNode n = o;
            for (String p : path) {
                n = n.path(p);
            }
            return n;
        });
        return this;
    }

    Listing computed(String column, Function<JsonNode, JsonNode> read) {
        columns.put(column, read);
        return this;
    }

    List<String> columnNames() {
        return List.copyOf(columns.keySet());
    }

    /** The requested columns, or the defaults; unknown names fail all together, as rabbitmqctl lists them. */
    List<String> select(List<String> requested) throws CtlException {
        if (requested.isEmpty()) {
            return defaults;
        }
        List<String> chosen = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String r : requested) {
            // rabbitmqctl also accepts "name,messages" as one argument
            for (String c : r.split(",")) {
                String name = c.trim();
                if (name.isEmpty()) {
                    continue;
                }
                (columns.containsKey(name) ? chosen : unknown).add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw CtlException.usage("Info key(s) " + String.join(",", unknown.stream().sorted().toList())
                    + " are not supported");
        }
        return chosen;
    }

    List<List<JsonNode>> rows(JsonNode objects, List<String> selected) {
        List<List<JsonNode>> rows = new ArrayList<>();
        if (objects == null || !objects.isArray()) {
            return rows;
        }
        for (JsonNode o : objects) {
            List<JsonNode> row = new ArrayList<>(selected.size());
            for (String c : selected) {
                JsonNode v = columns.get(c).apply(o);
                row.add(v == null ? MissingNode.getInstance() : v);
            }
            rows.add(row);
        }
        return rows;
    }
}
