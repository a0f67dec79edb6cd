package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.admin.Admin;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * /api/parameters for the one component Leveret acts on, {@code vhost-limits} (name {@code limits}), and
 * /api/global-parameters for reading. As in RabbitMQ, a component nobody registered lists as empty and is
 * refused on PUT ({@code component foo not found}).
 */
final class ParameterRoutes implements Routes {
    private static final String VHOST_LIMITS = "vhost-limits";

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/parameters", Tag.POLICYMAKER, req -> rows(ctx, Access.visibleVhosts(ctx, req.user()), null));
        router.get("/api/parameters/{component}", Tag.POLICYMAKER,
                req -> rows(ctx, Access.visibleVhosts(ctx, req.user()), req.param("component")));
        router.get("/api/parameters/{component}/{vhost}", Tag.POLICYMAKER,
                req -> rows(ctx, List.of(Access.vhost(ctx, req)), req.param("component")));
        router.get("/api/parameters/{component}/{vhost}/{name}", Tag.POLICYMAKER, req -> {
            ArrayNode rows = rows(ctx, List.of(Access.vhost(ctx, req)), req.param("component"));
            for (JsonNode row : rows) {
                if (row.path("name").asText().equals(req.param("name"))) {
                    return row;
                }
            }
            throw ApiException.notFound();
        });
        router.add(HttpMethod.PUT, "/api/parameters/{component}/{vhost}/{name}", Tag.POLICYMAKER, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            if (!VHOST_LIMITS.equals(req.param("component"))) {
                throw ApiException.badRequest("Validation failed\n\ncomponent " + req.param("component")
                        + " not found\n");
            }
            JsonNode value = req.json().path("value");
            if (!value.isObject()) {
                throw ApiException.badRequest("[{key_missing,value}]");
            }
            Admin admin = AdminReplies.admin(ctx);
            List<CompletableFuture<Void>> changes = new ArrayList<>();
            value.fields().forEachRemaining(e -> changes.add(admin.setVhostLimit(v.name(), e.getKey(),
                    e.getValue().asInt())));
            return AdminReplies.after(CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)),
                    ApiResponse.noContent());
        });
        router.add(HttpMethod.DELETE, "/api/parameters/{component}/{vhost}/{name}", Tag.POLICYMAKER, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Admin admin = AdminReplies.admin(ctx);
            Map<String, Integer> limits = admin.vhostLimits().get(v.name());
            if (!VHOST_LIMITS.equals(req.param("component")) || limits == null) {
                throw ApiException.notFound();
            }
            List<CompletableFuture<Void>> changes = new ArrayList<>();
            limits.keySet().forEach(name -> changes.add(admin.clearVhostLimit(v.name(), name)));
            return AdminReplies.after(CompletableFuture.allOf(changes.toArray(CompletableFuture[]::new)),
                    ApiResponse.noContent());
        });

        router.get("/api/global-parameters", Tag.POLICYMAKER, req -> globals(ctx));
        router.get("/api/global-parameters/{name}", Tag.POLICYMAKER, req -> {
            for (JsonNode row : globals(ctx)) {
                if (row.path("name").asText().equals(req.param("name"))) {
                    return row;
                }
            }
            throw ApiException.notFound();
        });
    }

    /** The parameters of {@code component} (null: all) in {@code vhosts}, as RabbitMQ's rows. */
    private static ArrayNode rows(ManagementContext ctx, List<VirtualHost> vhosts, String component) {
        ArrayNode rows = Json.array();
        Admin admin = ctx.services().admin();
        if (admin == null || (component != null && !component.equals(VHOST_LIMITS))) {
            return rows;
        }
        Map<String, Map<String, Integer>> limits = admin.vhostLimits();
        for (VirtualHost v : vhosts) {
            Map<String, Integer> l = limits.get(v.name());
            if (l != null) {
                ObjectNode o = rows.addObject();
                ObjectNode value = o.putObject("value");
                new TreeMap<>(l).forEach(value::put);
                o.put("vhost", v.name());
                o.put("component", VHOST_LIMITS);
                o.put("name", "limits");
            }
        }
        return rows;
    }

    /** Leveret keeps one global parameter: cluster_name, when it is set. */
    private static ArrayNode globals(ManagementContext ctx) {
        ArrayNode rows = Json.array();
        if (!ctx.services().clusterName().isEmpty()) {
            rows.addObject().put("name", "cluster_name").put("value", ctx.services().clusterName());
        }
        return rows;
    }
}
