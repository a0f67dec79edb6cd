package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.admin.Admin;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * /api/vhost-limits and /api/user-limits: list, per vhost or user, PUT {@code {"value": N}} and DELETE of one
 * limit (a limit not set deletes with 204, as in RabbitMQ). Rows are RabbitMQ's
 * {@code {"vhost": v, "value": {...}}} and {@code {"user": u, "value": {...}}}. Any management user may
 * read every user's limits, as in RabbitMQ 3.10.8; only administrators change them.
 */
final class LimitRoutes implements Routes {
    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/vhost-limits", Tag.MANAGEMENT, req -> vhostRows(ctx, Access.visibleVhosts(ctx, req.user())));
        router.get("/api/vhost-limits/{vhost}", Tag.MANAGEMENT, req -> vhostRows(ctx, List.of(Access.vhost(ctx, req))));
        router.add(HttpMethod.PUT, "/api/vhost-limits/{vhost}/{name}", Tag.ADMINISTRATOR, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            int value = value(req.json());
            return AdminReplies.after(AdminReplies.admin(ctx).setVhostLimit(v.name(), req.param("name"), value),
                    ApiResponse.noContent());
        });
        router.add(HttpMethod.DELETE, "/api/vhost-limits/{vhost}/{name}", Tag.ADMINISTRATOR, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            return AdminReplies.after(AdminReplies.admin(ctx).clearVhostLimit(v.name(), req.param("name")),
                    ApiResponse.noContent());
        });

        router.get("/api/user-limits", Tag.MANAGEMENT, req -> userRows(ctx, null));
        router.get("/api/user-limits/{user}", Tag.MANAGEMENT, req -> userRows(ctx, req.param("user")));
        router.add(HttpMethod.PUT, "/api/user-limits/{user}/{name}", Tag.ADMINISTRATOR, req -> {
            UserRoutes.require(ctx, req);
            JsonNode body = req.json();
            AdminReplies.requireKeys(body, "value");
            JsonNode v = body.get("value");
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw ApiException.badRequest(req.param("name") + " should be a number, actually was "
                        + (v.isTextual() ? "<<\"" + v.asText() + "\">>" : v.toString()));
            }
            return AdminReplies.after(AdminReplies.admin(ctx).setUserLimit(req.param("user"), req.param("name"),
                    v.intValue()), ApiResponse.noContent());
        });
        router.add(HttpMethod.DELETE, "/api/user-limits/{user}/{name}", Tag.ADMINISTRATOR, req -> {
            UserRoutes.require(ctx, req);
            return AdminReplies.after(AdminReplies.admin(ctx).clearUserLimit(req.param("user"), req.param("name")),
                    ApiResponse.noContent());
        });
    }

    private static int value(JsonNode body) {
        AdminReplies.requireKeys(body, "value");
        JsonNode v = body.get("value");
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.parseInt(v.asText().strip());
            } catch (NumberFormatException e) {
                // answered below
            }
        }
        throw ApiException.badRequest("Validation failed\n\nvalue should be a number, actually was "
                + (v.isTextual() ? "<<\"" + v.asText() + "\">>" : v.toString()) + "\n");
    }

    private static JsonNode vhostRows(ManagementContext ctx, List<VirtualHost> vhosts) {
        Admin admin = ctx.services().admin();
        Map<String, Map<String, Integer>> all = admin == null ? Map.of() : admin.vhostLimits();
        var rows = Json.array();
        for (VirtualHost v : vhosts) {
            Map<String, Integer> limits = all.get(v.name());
            if (limits != null && !limits.isEmpty()) {
                ObjectNode o = rows.addObject();
                o.put("vhost", v.name());
                ObjectNode value = o.putObject("value");
                new TreeMap<>(limits).forEach(value::put);
            }
        }
        return rows;
    }

    private static JsonNode userRows(ManagementContext ctx, String only) {
        Admin admin = ctx.services().admin();
        Map<String, Map<String, Integer>> all = admin == null ? Map.of() : new TreeMap<>(admin.userLimits());
        var rows = Json.array();
        List<String> names = new ArrayList<>(all.keySet());
        for (String user : names) {
            if (only != null && !only.equals(user)) {
                continue;
            }
            ObjectNode o = rows.addObject();
            o.put("user", user);
            ObjectNode value = o.putObject("value");
            new TreeMap<>(all.get(user)).forEach(value::put);
        }
        return rows;
    }
}
