package io.leveret.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;

/**
 * How rabbitmqctl's table formatter prints a value: strings and numbers bare, a list of names as
 * {@code [a, b]}, and an AMQP table as the Erlang term it holds, {@code [{"x-max-length",10}]}, nested the same
 * way and without spaces (the RabbitMQ Java client's test suite matches {@code client_properties} with a regex that
 * relies on exactly that).
 */
final class Values {
    private Values() {
    }

    /** One table cell. A missing value is an empty cell, as rabbitmqctl prints an unset policy. */
    static String cell(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "";
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isArray() && allText(v)) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(v.get(i).asText());
            }
            return b.append(']').toString();
        }
        if (v.isContainerNode()) {
            return term(v);
        }
        return v.asText();
    }

    /** The Erlang term for a value inside an AMQP table. */
    static String term(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return "undefined";
        }
        if (v.isTextual()) {
            return '"' + v.asText().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (v.isObject()) {
            StringBuilder b = new StringBuilder("[");
            Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                b.append(first ? "" : ",").append("{").append(term(TextNode.valueOf(f.getKey()))).append(',')
                        .append(term(f.getValue())).append('}');
                first = false;
            }
            return b.append(']').toString();
        }
        if (v.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < v.size(); i++) {
                b.append(i == 0 ? "" : ",").append(term(v.get(i)));
            }
            return b.append(']').toString();
        }
        return v.asText();
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
