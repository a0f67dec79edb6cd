package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RabbitMQ's list parameters, applied to the rows of a list answer: {@code sort} (a dotted field path)
 * and {@code sort_reverse}; {@code page} with {@code page_size} (default 100, at most 500), {@code name}
 * and {@code use_regex}, answered with the paged object; {@code columns} (comma-separated dotted paths)
 * keeping only those fields.
 */
public final class ListQuery {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 500;

    private ListQuery() {
    }

    /**
     * The answer for {@code rows} under the request's parameters; {@code defaultSort} orders rows when the
     * client gives no {@code sort} (RabbitMQ lists by vhost, then name).
     */
    public static JsonNode apply(List<ObjectNode> rows, Map<String, String> query, List<String> defaultSort) {
        List<ObjectNode> sorted = new ArrayList<>(rows);
        String sort = query.get("sort");
        List<String> keys = sort == null || sort.isEmpty() ? defaultSort : List.of(sort);
        Comparator<ObjectNode> order = null;
        for (String key : keys) {
            Comparator<ObjectNode> c = Comparator.comparing(row -> field(row, key), ListQuery::compare);
            order = order == null ? c : order.thenComparing(c);
        }
        if (order != null) {
            sorted.sort(order);
        }
        if ("true".equals(query.get("sort_reverse"))) {
            java.util.Collections.reverse(sorted);
        }
        String columns = query.get("columns");
        if (!query.containsKey("page")) {
            ArrayNode out = Json.array();
            sorted.forEach(r -> out.add(columns(r, columns)));
            return out;
        }
        return page(sorted, query, columns);
    }

    private static JsonNode page(List<ObjectNode> rows, Map<String, String> query, String columns) {
        int page = pageNumber(query.get("page"), query.get("page_size"));
        int pageSize = DEFAULT_PAGE_SIZE;
        if (query.containsKey("page_size")) {
            pageSize = pageNumber(query.get("page_size"), query.get("page_size"));
            if (pageSize > MAX_PAGE_SIZE) {
                throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST,
                        "invalid_pagination_parameters", "Invalid pagination parameters: page size "
                        + pageSize + " is greater than the maximum page size " + MAX_PAGE_SIZE);
            }
        }
        List<ObjectNode> filtered = filter(rows, query.get("name"), "true".equals(query.get("use_regex")));
        int pageCount = (filtered.size() + pageSize - 1) / pageSize;
        if (page > Math.max(pageCount, 1)) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST,
                    "page_out_of_range", "Page out of range, page: " + page + " page size: " + pageSize
                    + ", len: " + filtered.size());
        }
        int from = (page - 1) * pageSize;
        List<ObjectNode> items = filtered.subList(Math.min(from, filtered.size()),
                Math.min(from + pageSize, filtered.size()));
        ObjectNode out = Json.object();
        out.put("filtered_count", filtered.size());
        out.put("item_count", items.size());
        ArrayNode list = out.putArray("items");
        items.forEach(r -> list.add(columns(r, columns)));
        out.put("page", page);
        out.put("page_count", pageCount);
        out.put("page_size", pageSize);
        out.put("total_count", rows.size());
        return out;
    }

    private static int pageNumber(String text, String pageSizeText) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Pagination parameters are invalid");
        }
        if (n < 1) {
            throw new ApiException(io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST,
                    "invalid_pagination_parameters", "Invalid pagination parameters: page number " + text
                    + ", page size " + (pageSizeText == null ? "undefined" : pageSizeText));
        }
        return n;
    }

    /** {@code name} is a case-insensitive substring, or a regular expression with use_regex=true. */
    private static List<ObjectNode> filter(List<ObjectNode> rows, String name, boolean regex) {
        if (name == null || name.isEmpty()) {
            return rows;
        }
        Pattern p;
        try {
            p = regex ? Pattern.compile(name, Pattern.CASE_INSENSITIVE)
                    : Pattern.compile(Pattern.quote(name), Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw ApiException.badRequest("Invalid regular expression: " + name);
        }
        return rows.stream().filter(r -> p.matcher(r.path("name").asText("")).find()).toList();
    }

    /** The value at a dotted path, or null. */
    static JsonNode field(JsonNode row, String path) {
        JsonNode n = row;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n;
    }

    /** Absent first, then numbers numerically, everything else by its text. */
    private static int compare(JsonNode a, JsonNode b) {
        if (a == null || a.isNull()) {
            return b == null || b.isNull() ? 0 : -1;
        }
        if (b == null || b.isNull()) {
            return 1;
        }
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.asText().compareTo(b.asText());
    }

    /** The row cut down to the requested dotted paths; all of it when {@code columns} is absent. */
    static ObjectNode columns(ObjectNode row, String columns) {
        if (columns == null || columns.isEmpty()) {
            return row;
        }
        ObjectNode out = Json.object();
        for (String column : columns.split(",")) {
            String[] parts = column.strip().split("\\.");
            JsonNode src = row;
            ObjectNode dst = out;
            for (int i = 0; i < parts.length && src != null; i++) {
                JsonNode next = src.get(parts[i]);
                if (next == null) {
                    break;
                }
                if (i == parts.length - 1) {
                    dst.set(parts[i], next);
                } else if (next.isObject()) {
                    JsonNode existing = dst.get(parts[i]);
                    dst = existing instanceof ObjectNode o ? o : dst.putObject(parts[i]);
                }
                src = next;
            }
        }
        return out;
    }
}
