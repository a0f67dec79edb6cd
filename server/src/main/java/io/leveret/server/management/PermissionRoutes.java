package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.UserDatabase;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * /api/permissions and /api/topic-permissions, with their per-vhost and per-user lists, for administrators:
 * RabbitMQ's rows, 201 on create and 204 on change, and its 400 reasons ({@code vhost_or_user_not_found},
 * {@code [{key_missing,write}]}).
 */
final class PermissionRoutes implements Routes {
    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/permissions", Tag.ADMINISTRATOR, req -> permissions(ctx, req, p -> true));
        router.get("/api/vhosts/{vhost}/permissions", Tag.ADMINISTRATOR, req -> {
            String vhost = Access.vhost(ctx, req).name();
            return permissions(ctx, req, p -> p.vhost().equals(vhost));
        });
        router.get("/api/users/{user}/permissions", Tag.ADMINISTRATOR, req -> {
            String user = UserRoutes.require(ctx, req).name();
            return permissions(ctx, req, p -> p.user().equals(user));
        });
        router.get("/api/permissions/{vhost}/{user}", Tag.ADMINISTRATOR, req -> {
            Permission p = ctx.services().users().permission(req.param("user"), req.param("vhost"));
            if (p == null) {
                throw ApiException.notFound();
            }
            return row(new UserDatabase.UserPermission(req.param("user"), req.param("vhost"), p));
        });
        router.add(HttpMethod.PUT, "/api/permissions/{vhost}/{user}", Tag.ADMINISTRATOR, req -> putPermission(ctx, req));
        router.add(HttpMethod.DELETE, "/api/permissions/{vhost}/{user}", Tag.ADMINISTRATOR, req -> {
            if (ctx.services().users().permission(req.param("user"), req.param("vhost")) == null) {
                throw ApiException.notFound();
            }
            return AdminReplies.after(AdminReplies.admin(ctx).clearPermission(req.param("user"), req.param("vhost")),
                    ApiResponse.noContent());
        });

        router.get("/api/topic-permissions", Tag.ADMINISTRATOR, req -> topicPermissions(ctx, req, p -> true));
        router.get("/api/vhosts/{vhost}/topic-permissions", Tag.ADMINISTRATOR, req -> {
            String vhost = Access.vhost(ctx, req).name();
            return topicPermissions(ctx, req, p -> p.vhost().equals(vhost));
        });
        router.get("/api/users/{user}/topic-permissions", Tag.ADMINISTRATOR, req -> {
            String user = UserRoutes.require(ctx, req).name();
            return topicPermissions(ctx, req, p -> p.user().equals(user));
        });
        router.get("/api/topic-permissions/{vhost}/{user}", Tag.ADMINISTRATOR, req -> {
            List<ObjectNode> rows = topicRows(ctx, p -> p.user().equals(req.param("user"))
                    && p.vhost().equals(req.param("vhost")));
            if (rows.isEmpty()) {
                throw ApiException.notFound();
            }
            return ListQuery.apply(rows, req.query(), List.of());
        });
        router.add(HttpMethod.PUT, "/api/topic-permissions/{vhost}/{user}", Tag.ADMINISTRATOR,
                req -> putTopicPermission(ctx, req));
        router.add(HttpMethod.DELETE, "/api/topic-permissions/{vhost}/{user}", Tag.ADMINISTRATOR, req -> {
            if (topicRows(ctx, p -> p.user().equals(req.param("user")) && p.vhost().equals(req.param("vhost")))
                    .isEmpty()) {
                throw ApiException.notFound();
            }
            return AdminReplies.after(AdminReplies.admin(ctx).clearTopicPermission(req.param("user"),
                    req.param("vhost"), null), ApiResponse.noContent());
        });
    }

    private static JsonNode permissions(ManagementContext ctx, ApiRequest req,
                                        Predicate<UserDatabase.UserPermission> which) {
        List<ObjectNode> rows = ctx.services().users().permissions().stream().filter(which)
                .sorted(Comparator.comparing(UserDatabase.UserPermission::user)
                        .thenComparing(UserDatabase.UserPermission::vhost))
                .map(PermissionRoutes::row).toList();
        return ListQuery.apply(new java.util.ArrayList<>(rows), req.query(), List.of());
    }

    private static ObjectNode row(UserDatabase.UserPermission p) {
        ObjectNode o = Json.object();
        o.put("user", p.user());
        o.put("vhost", p.vhost());
        o.put("configure", p.permission().configure());
        o.put("write", p.permission().write());
        o.put("read", p.permission().read());
        return o;
    }

    private static JsonNode topicPermissions(ManagementContext ctx, ApiRequest req,
                                             Predicate<UserDatabase.UserTopicPermission> which) {
        return ListQuery.apply(topicRows(ctx, which), req.query(), List.of());
    }

    private static List<ObjectNode> topicRows(ManagementContext ctx, Predicate<UserDatabase.UserTopicPermission> which) {
        return new java.util.ArrayList<>(ctx.services().users().topicPermissions().stream().filter(which)
                .sorted(Comparator.comparing(UserDatabase.UserTopicPermission::user)
                        .thenComparing(UserDatabase.UserTopicPermission::vhost)
                        .thenComparing(t -> t.permission().exchange()))
                .map(t -> {
                    ObjectNode o = Json.object();
                    o.put("user", t.user());
                    o.put("vhost", t.vhost());
                    o.put("exchange", t.permission().exchange());
                    o.put("write", t.permission().write());
                    o.put("read", t.permission().read());
                    return o;
                }).toList());
    }

    /** RabbitMQ checks the user and vhost exist first, then the keys, then the expressions. */
    private static void requireUserAndVhost(ManagementContext ctx, ApiRequest req) {
        if (ctx.services().users().user(req.param("user")) == null
                || !ctx.services().vhosts().containsKey(req.param("vhost"))) {
            throw ApiException.badRequest("vhost_or_user_not_found");
        }
    }

    private static CompletionStage<ApiResponse> putPermission(ManagementContext ctx, ApiRequest req) {
        requireUserAndVhost(ctx, req);
        JsonNode body = req.json();
        AdminReplies.requireKeys(body, "configure", "write", "read");
        Permission p;
        try {
            p = new Permission(Json.text(body, "configure", ""), Json.text(body, "write", ""),
                    Json.text(body, "read", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        boolean existed = ctx.services().users().permission(req.param("user"), req.param("vhost")) != null;
        return AdminReplies.after(AdminReplies.admin(ctx).setPermission(req.param("user"), req.param("vhost"), p),
                existed ? ApiResponse.noContent() : ApiResponse.created());
    }

    private static CompletionStage<ApiResponse> putTopicPermission(ManagementContext ctx, ApiRequest req) {
        requireUserAndVhost(ctx, req);
        JsonNode body = req.json();
        AdminReplies.requireKeys(body, "exchange", "write", "read");
        TopicPermission p;
        try {
            p = new TopicPermission(Json.text(body, "exchange", ""), Json.text(body, "write", ""),
                    Json.text(body, "read", ""));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        boolean existed = ctx.services().users().topicPermission(req.param("user"), req.param("vhost"),
                p.exchange()) != null;
        return AdminReplies.after(AdminReplies.admin(ctx).setTopicPermission(req.param("user"), req.param("vhost"), p),
                existed ? ApiResponse.noContent() : ApiResponse.created());
    }
}
