package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.vhost.Policy;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * /api/policies (policymakers) and /api/operator-policies (administrators): all, per vhost, one, PUT and
 * DELETE, with RabbitMQ 3.10.8's rows and 400 reasons. RabbitMQ escapes {@code <} and {@code >} in a
 * policy's reason as HTML (its policy resource does, its operator-policy resource does not); so do we.
 */
final class PolicyRoutes implements Routes {
    @Override
    public void register(Router router, ManagementContext ctx) {
        area(router, ctx, "/api/policies", Tag.POLICYMAKER, false);
        area(router, ctx, "/api/operator-policies", Tag.ADMINISTRATOR, true);
    }

    private static void area(Router router, ManagementContext ctx, String base, Tag tag, boolean operator) {
        // Any management user reads the policies and operator policies of the vhosts it sees (RabbitMQ
        // 3.10.8); policymakers change policies, administrators operator policies.
        Tag read = Tag.MANAGEMENT;
        router.get(base, read, req -> list(Access.visibleVhosts(ctx, req.user()), req, operator));
        router.get(base + "/{vhost}", read, req -> list(List.of(Access.vhost(ctx, req)), req, operator));
        router.get(base + "/{vhost}/{name}", read, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Policy p = v.policies().get(req.param("name"), operator);
            if (p == null) {
                throw ApiException.notFound();
            }
            return ListQuery.columns(row(v.name(), p), req.query("columns"));
        });
        router.add(HttpMethod.PUT, base + "/{vhost}/{name}", tag, req -> put(ctx, req, operator));
        router.add(HttpMethod.DELETE, base + "/{vhost}/{name}", tag, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            if (v.policies().get(req.param("name"), operator) == null) {
                throw ApiException.notFound();
            }
            return AdminReplies.after(AdminReplies.admin(ctx).clearPolicy(v.name(), req.param("name"), operator),
                    ApiResponse.noContent());
        });
    }

    private static JsonNode list(List<VirtualHost> vhosts, ApiRequest req, boolean operator) {
        List<ObjectNode> rows = new ArrayList<>();
        for (VirtualHost v : vhosts) {
            v.policies().all().stream().filter(p -> p.operator() == operator)
                    .sorted(Comparator.comparing(Policy::name)).forEach(p -> rows.add(row(v.name(), p)));
        }
        return ListQuery.apply(rows, req.query(), List.of());
    }

    /** RabbitMQ's row: vhost, name, pattern, apply-to, definition, priority. */
    static ObjectNode row(String vhost, Policy p) {
        ObjectNode o = Json.object();
        o.put("vhost", vhost);
        o.put("name", p.name());
        o.put("pattern", p.pattern());
        o.put("apply-to", p.applyTo().wireName());
        o.set("definition", definition(p));
        o.put("priority", p.priority());
        return o;
    }

    /** The definition as it was given: a policy stores it alone, an operator policy inside its whole value. */
    private static JsonNode definition(Policy p) {
        JsonNode stored = StoredForm.json(p.stored());
        JsonNode d = p.operator() ? stored.path("definition") : stored;
        if (d.isArray()) {
            // RabbitMQ 3.10 exports an operator policy's definition as [key, value] pairs.
            ObjectNode o = Json.object();
            d.forEach(pair -> o.set(pair.get(0).asText(), pair.get(1)));
            return o;
        }
        return d.isObject() ? d : Json.object();
    }

    private static CompletionStage<ApiResponse> put(ManagementContext ctx, ApiRequest req, boolean operator) {
        String vhost = req.param("vhost");
        if (!ctx.services().vhosts().containsKey(vhost)) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", "vhost_not_found");
        }
        VirtualHost v = Access.vhost(ctx, req);
        JsonNode body = req.json();
        AdminReplies.requireKeys(body, "pattern", "definition");
        JsonNode priority = body.get("priority");
        if (priority != null && !priority.isNumber() && !priority.isNull()) {
            throw refusal(operator, "Validation failed\n\npriority should be a number, actually was "
                    + (priority.isTextual() ? "<<\"" + priority.asText() + "\">>" : priority.toString()) + "\n");
        }
        ObjectNode value = body.deepCopy();
        if (priority == null || priority.isNull()) {
            value.remove("priority");
        }
        boolean existed = v.policies().get(req.param("name"), operator) != null;
        return AdminReplies.admin(ctx).setPolicy(vhost, req.param("name"), value, operator).handle((done, failure) -> {
            if (failure == null) {
                return existed ? ApiResponse.noContent() : ApiResponse.created();
            }
            Throwable e = AdminReplies.apiError(failure);
            if (e instanceof ApiException a && a.status().equals(HttpResponseStatus.BAD_REQUEST)) {
                throw refusal(operator, a.reason());
            }
            throw new java.util.concurrent.CompletionException(e);
        });
    }

    private static ApiException refusal(boolean operator, String reason) {
        return ApiException.badRequest(operator ? reason : reason.replace("<", "&lt;").replace(">", "&gt;"));
    }
}
