package io.leveret.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;

/**
 * Standard output as rabbitmqctl writes it: informational banner lines unless {@code -q}, then a table whose
 * header row is left out with {@code --no-table-headers} or {@code -s}, one tab-separated line per row; or, with
 * {@code --formatter json}, a JSON array with one object per row on its own line.
 */
final class Output {
    /** What an empty listing prints: commands that stream rows print nothing, the others an empty line. */
    enum WhenEmpty { NOTHING, BLANK_LINE }

    private final PrintStream out;
    private final Invocation invocation;

    Output(PrintStream out, Invocation invocation) {
        this.out = out;
        this.invocation = invocation;
    }

    /** An informational line ("Listing queues for vhost / ..."), left out with -q and with the JSON formatter. */
    void banner(String line) {
        if (!invocation.quiet() && !invocation.json()) {
            out.println(line);
        }
    }

    /** A result line that is the command's answer, printed even with -q. */
    void line(String line) {
        out.println(line);
    }

    void raw(String text) {
        out.print(text);
        out.flush();
    }

    void table(List<String> columns, List<List<JsonNode>> rows, WhenEmpty whenEmpty) {
        if (invocation.json()) {
            json(columns, rows);
            return;
        }
        if (rows.isEmpty()) {
            if (whenEmpty == WhenEmpty.BLANK_LINE) {
                out.println();
            }
            return;
        }
        StringBuilder b = new StringBuilder();
        if (invocation.tableHeaders()) {
            b.append(String.join("\t", columns)).append('\n');
        }
        for (List<JsonNode> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                b.append(i == 0 ? "" : "\t").append(Values.cell(row.get(i)));
            }
            b.append('\n');
        }
        out.print(b);
        out.flush();
    }

    /**
     * rabbitmqctl's JSON prints an AMQP table as {@code [["x-max-length","signedint",10]]}. The API has dropped the
     * field types, so they are inferred from the JSON value: an integer that fits 32 bits is a signedint (what the
     * Java client sends for an {@code int}), a larger one a long.
     */
    static JsonNode typedTable(JsonNode table) {
        if (!table.isObject()) {
            return table;
        }
        com.fasterxml.jackson.databind.node.ArrayNode out = ManagementClient.JSON.createArrayNode();
        table.fields().forEachRemaining(f -> {
            JsonNode v = f.getValue();
            String type = v.isTextual() ? "longstr" : v.isBoolean() ? "bool"
                    : v.isIntegralNumber() ? (v.canConvertToInt() ? "signedint" : "long")
                    : v.isNumber() ? "double" : v.isObject() ? "table" : v.isArray() ? "array" : "void";
            out.addArray().add(f.getKey()).add(type).add(v.isObject() ? typedTable(v) : v);
        });
        return out;
    }

    private void json(List<String> columns, List<List<JsonNode>> rows) {
        StringBuilder b = new StringBuilder("[\n");
        for (int r = 0; r < rows.size(); r++) {
            ObjectNode o = ManagementClient.JSON.createObjectNode();
            for (int i = 0; i < columns.size(); i++) {
                JsonNode v = rows.get(r).get(i);
                if (v == null || v.isMissingNode()) {
                    o.putNull(columns.get(i));
                } else {
                    o.set(columns.get(i), columns.get(i).equals("arguments") ? typedTable(v) : v);
                }
            }
            b.append(r == 0 ? "" : ",").append(o).append('\n');
        }
        out.print(b.append("]\n"));
        out.flush();
    }
}
