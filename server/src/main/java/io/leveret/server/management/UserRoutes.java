package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.admin.Admin;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.security.User;
import io.leveret.server.security.UserDatabase;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * /api/users: list, one, add or change (password or password_hash with hashing_algorithm; tags as a comma
 * string or a list), delete, bulk-delete and without-permissions, all for administrators, with the rows and
 * 400 reasons RabbitMQ 3.10.8 gives.
 */
final class UserRoutes implements Routes {
    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/users", Tag.ADMINISTRATOR, req -> ListQuery.apply(rows(ctx.services().users().users(),
                ctx), req.query(), List.of("name")));
        router.get("/api/users/without-permissions", Tag.ADMINISTRATOR, req -> {
            UserDatabase db = ctx.services().users();
            Set<String> withSome = db.permissions().stream().map(UserDatabase.UserPermission::user)
                    .collect(Collectors.toSet());
            return ListQuery.apply(rows(db.users().stream().filter(u -> !withSome.contains(u.name())).toList(), ctx),
                    req.query(), List.of("name"));
        });
        router.add(HttpMethod.POST, "/api/users/bulk-delete", Tag.ADMINISTRATOR, req -> bulkDelete(ctx, req));
        router.get("/api/users/{user}", Tag.ADMINISTRATOR, req -> row(require(ctx, req), ctx));
        router.add(HttpMethod.PUT, "/api/users/{user}", Tag.ADMINISTRATOR, req -> put(ctx, req));
        router.add(HttpMethod.DELETE, "/api/users/{user}", Tag.ADMINISTRATOR, req -> {
            require(ctx, req);
            return AdminReplies.after(AdminReplies.admin(ctx).deleteUser(req.param("user")), ApiResponse.noContent());
        });
    }

    static User require(ManagementContext ctx, ApiRequest req) {
        User u = ctx.services().users().user(req.param("user"));
        if (u == null) {
            throw ApiException.notFound();
        }
        return u;
    }

    private static List<ObjectNode> rows(java.util.Collection<User> users, ManagementContext ctx) {
        List<ObjectNode> rows = new ArrayList<>();
        users.stream().sorted(Comparator.comparing(User::name)).forEach(u -> rows.add(row(u, ctx)));
        return rows;
    }

    /** A user as RabbitMQ shows one: name, password_hash, hashing_algorithm, tags (a list), limits. */
    static ObjectNode row(User u, ManagementContext ctx) {
        ObjectNode o = Json.object();
        o.put("name", u.name());
        o.put("password_hash", u.password() == null ? "" : u.password().base64());
        o.put("hashing_algorithm", (u.password() == null ? PasswordHash.Algorithm.SHA256 : u.password().algorithm())
                .rabbitName());
        ArrayNode tags = o.putArray("tags");
        u.tags().forEach(tags::add);
        ObjectNode limits = o.putObject("limits");
        Admin admin = ctx.services().admin();
        if (admin != null) {
            admin.userLimits().getOrDefault(u.name(), Map.of()).forEach(limits::put);
        }
        return o;
    }

    private static CompletableFuture<ApiResponse> put(ManagementContext ctx, ApiRequest req) {
        JsonNode body = req.json();
        String name = req.param("user");
        User existing = ctx.services().users().user(name);
        if (!body.has("tags")) {
            throw ApiException.badRequest("tags_not_present");
        }
        List<String> tags = tags(body.get("tags"));
        PasswordHash password = password(body, existing);
        return AdminReplies.after(AdminReplies.admin(ctx).putUser(name, password, tags),
                existing == null ? ApiResponse.created() : ApiResponse.noContent()).toCompletableFuture();
    }

    /** Tags as a comma-separated string (RabbitMQ before 3.9 and still accepted) or a list of strings. */
    static List<String> tags(JsonNode tags) {
        if (tags.isArray()) {
            List<String> out = new ArrayList<>();
            tags.forEach(t -> out.add(t.asText()));
            return out;
        }
        if (tags.isNull()) {
            return List.of();
        }
        return Arrays.stream(tags.asText().split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    /**
     * {@code password} hashed with SHA-256 (RabbitMQ's default), or {@code password_hash} in
     * {@code hashing_algorithm}; with neither, a new user has no password and a changed one keeps its own.
     */
    static PasswordHash password(JsonNode body, User existing) {
        JsonNode password = body.get("password");
        if (password != null && !password.isNull()) {
            return PasswordHash.of(PasswordHash.Algorithm.SHA256, password.asText());
        }
        JsonNode hash = body.get("password_hash");
        if (hash != null && !hash.isNull()) {
            if (hash.asText().isEmpty()) {
                return null;
            }
            PasswordHash.Algorithm algorithm;
            try {
                algorithm = PasswordHash.Algorithm.byRabbitName(Json.text(body, "hashing_algorithm",
                        PasswordHash.Algorithm.SHA256.rabbitName()));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            try {
                return PasswordHash.parse(algorithm, hash.asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        Json.array().add("not_base64").add(hash.asText()));
            }
        }
        return existing == null ? null : existing.password();
    }

    /** Deletes every user named; those that do not exist make a 400 naming the first, the rest are deleted. */
    private static CompletableFuture<ApiResponse> bulkDelete(ManagementContext ctx, ApiRequest req) {
        JsonNode users = req.json().get("users");
        if (users == null || !users.isArray()) {
            throw ApiException.badRequest("[{key_missing,users}]");
        }
        Admin admin = AdminReplies.admin(ctx);
        List<CompletableFuture<Void>> deletes = new ArrayList<>();
        String missing = null;
        for (JsonNode n : users) {
            String name = n.asText();
            if (ctx.services().users().user(name) == null) {
                missing = missing == null ? name : missing;
                continue;
            }
            deletes.add(admin.deleteUser(name));
        }
        String firstMissing = missing;
        return CompletableFuture.allOf(deletes.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            if (failure != null) {
                throw new CompletionException(AdminReplies.apiError(failure));
            }
            if (firstMissing != null) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        Json.array().add("no_such_user").add(firstMissing));
            }
            return ApiResponse.noContent();
        });
    }
}
