package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.server.security.User;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.Map;

/**
 * One authenticated API call, parsed: the path's segments percent-decoded one by one (so a vhost
 * {@code rabbit/hole} arrives as {@code rabbit%2Fhole}), the values of the route's placeholders, the query
 * parameters (last one wins, as in RabbitMQ) and the body bytes.
 *
 * @param params placeholder name (without braces) to decoded segment
 */
public record ApiRequest(HttpMethod method, List<String> segments, Map<String, String> params,
                         Map<String, String> query, byte[] body, HttpHeaders headers, User user) {

    /** A placeholder's value; the route guarantees it is there. */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("route has no placeholder {" + name + "}");
        }
        return v;
    }

    /** A query parameter, or null. */
    public String query(String name) {
        return query.get(name);
    }

    /** The body as a JSON object; an empty body is an empty object, as RabbitMQ reads it. */
    public JsonNode json() {
        return Json.parseBody(body);
    }
}
