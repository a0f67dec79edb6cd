package io.leveret.server.management;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The route table: patterns of literal segments and {@code {placeholders}}, each with its methods, the
 * tag a user needs and a handler. Lookup follows RabbitMQ's (Cowboy's) order: no pattern matching the
 * path is 404, a pattern without the method is 405 with {@code Allow}; only then is the user checked.
 */
public final class Router {

    /** A registered route. */
    record Route(HttpMethod method, List<String> pattern, Tag tag, Handler handler) {
    }

    /** What a path resolved to: the route for the method, or the methods the path does allow. */
    record Match(Route route, Map<String, String> params, Set<String> allowed) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Registers {@code method path} needing {@code tag}, served by {@code handler}. */
    public Router add(HttpMethod method, String path, Tag tag, Handler handler) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        List<String> pattern = List.of(path.substring(1).split("/", -1));
        for (Route r : routes) {
            if (r.method().equals(method) && r.pattern().equals(pattern)) {
                throw new IllegalArgumentException("route registered twice: " + method + " " + path);
            }
        }
        routes.add(new Route(method, pattern, tag, handler));
        return this;
    }

    /** A handler that answers at once. */
    public Router addSync(HttpMethod method, String path, Tag tag, Function<ApiRequest, ApiResponse> handler) {
        return add(method, path, tag, req -> CompletableFuture.completedFuture(handler.apply(req)));
    }

    /** GET answered at once with a JSON body. */
    public Router get(String path, Tag tag, Function<ApiRequest, com.fasterxml.jackson.databind.JsonNode> body) {
        return addSync(HttpMethod.GET, path, tag, req -> ApiResponse.ok(body.apply(req)));
    }

    /** The route for {@code method} and decoded {@code segments}, or null if no pattern matches the path. */
    Match match(HttpMethod method, List<String> segments) {
        Set<String> allowed = new LinkedHashSet<>();
        Match found = null;
        for (Route r : routes) {
            Map<String, String> params = bind(r.pattern(), segments);
            if (params == null) {
                continue;
            }
            allowed.add(r.method().name());
            if (found == null && (r.method().equals(method)
                    || method.equals(HttpMethod.HEAD) && r.method().equals(HttpMethod.GET))) {
                found = new Match(r, params, allowed);
            }
        }
        if (allowed.isEmpty()) {
            return null;
        }
        // RabbitMQ's order: HEAD and GET first, then the others, then OPTIONS.
        Set<String> ordered = new LinkedHashSet<>();
        if (allowed.contains("GET")) {
            ordered.add("HEAD");
        }
        ordered.addAll(allowed);
        ordered.add("OPTIONS");
        allowed = ordered;
        return found != null ? new Match(found.route(), found.params(), allowed) : new Match(null, Map.of(), allowed);
    }

    private static Map<String, String> bind(List<String> pattern, List<String> segments) {
        if (pattern.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = segments.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                // Cowboy binds a placeholder to a non-empty segment only.
                if (s.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return params;
    }
}
