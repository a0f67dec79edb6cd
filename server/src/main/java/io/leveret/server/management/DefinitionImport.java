package io.leveret.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.QueueMethod;
import io.leveret.server.admin.Admin;
import io.leveret.server.definitions.DefinitionsFile;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.vhost.Destination;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /api/definitions[/vhost]: checks the whole document first (users' hashes, tags and limits; vhosts named
 * exist or are in it; users named exist or are in it; policies, operator policies and vhost limits valid;
 * types and arguments valid, existing objects equivalent), so a refused import changes
 * nothing; then makes the users, vhosts, permissions, topic permissions, exchanges, queues, bindings,
 * policies and parameters through the same paths AMQP and the other endpoints use ({@link Admin} for the
 * security side), answering 204 once all of it is durable. Global parameters are accepted only as they are
 * already there (an export read back): Leveret keeps none of its own.
 */
final class DefinitionImport {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionImport.class);
    private static final String OPERATOR_POLICY = "operator_policy";
    private static final String VHOST_LIMITS = "vhost-limits";

    /** A user of the document, checked. */
    private record UserImport(String name, PasswordHash password, List<String> tags, Map<String, Integer> limits) {
    }

    private final ManagementContext ctx;
    private final ApiRequest req;
    private final String onlyVhost;
    private final JsonNode doc;
    private final Set<String> newVhosts = new HashSet<>();
    private final List<UserImport> users = new ArrayList<>();
    /** The document's bindings whose ends are there or in the document. */
    private final List<JsonNode> bindings = new ArrayList<>();

    private DefinitionImport(ManagementContext ctx, ApiRequest req, String onlyVhost, JsonNode doc) {
        this.ctx = ctx;
        this.req = req;
        this.onlyVhost = onlyVhost;
        this.doc = doc;
    }

    static CompletableFuture<ApiResponse> run(ManagementContext ctx, ApiRequest req, String onlyVhost) {
        String type = req.headers().get("content-type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "", "");
        }
        JsonNode doc;
        try {
            doc = req.body().length == 0 ? Json.object() : Json.MAPPER.readTree(req.body());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("failed_to_parse_json");
        } catch (IOException e) {
            throw ApiException.badRequest("failed_to_parse_json");
        }
        if (doc == null || !doc.isObject()) {
            throw ApiException.badRequest("failed_to_parse_json");
        }
        DefinitionImport i = new DefinitionImport(ctx, req, onlyVhost, doc);
        i.check();
        return i.apply();
    }

    private String vhostOf(JsonNode item) {
        return onlyVhost != null ? onlyVhost : Json.text(item, "vhost", "");
    }

    private boolean vhostKnown(String name) {
        return ctx.services().vhosts().containsKey(name) || newVhosts.contains(name);
    }

    private void requireVhost(String name) {
        if (!vhostKnown(name)) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    Json.array().add("no_such_vhost").add(name));
        }
    }

    /** Everything that could refuse the import, before anything changes. */
    private void check() {
        if (onlyVhost == null) {
            for (JsonNode v : doc.path("vhosts")) {
                String name = Json.text(v, "name", "");
                if (name.isEmpty()) {
                    throw ApiException.badRequest("a vhost needs a name");
                }
                if (!ctx.services().vhosts().containsKey(name)) {
                    newVhosts.add(name);
                }
            }
        }
        JsonNode existing = DefinitionsFile.toJson(ctx.definitions().snapshot());
        for (JsonNode item : doc.path("global_parameters")) {
            boolean present = false;
            for (JsonNode e : existing.path("global_parameters")) {
                present |= e.equals(item);
            }
            if (!present) {
                throw ApiException.badRequest("Leveret keeps no global parameters: "
                        + Json.text(item, "name", "") + " cannot be imported");
            }
        }
        if (onlyVhost == null) {
            for (JsonNode u : doc.path("users")) {
                users.add(user(u));
            }
        }
        for (JsonNode p : doc.path("permissions")) {
            requireVhost(vhostOf(p));
            requireUser(Json.text(p, "user", ""));
        }
        for (JsonNode t : doc.path("topic_permissions")) {
            requireVhost(vhostOf(t));
            requireUser(Json.text(t, "user", ""));
            if (Json.text(t, "exchange", "").isEmpty()) {
                throw ApiException.badRequest("a topic permission needs an exchange");
            }
        }
        for (JsonNode p : doc.path("policies")) {
            requireVhost(vhostOf(p));
            policy(vhostOf(p), p, Json.text(p, "name", ""), false);
        }
        for (JsonNode p : doc.path("parameters")) {
            requireVhost(vhostOf(p));
            String component = Json.text(p, "component", "");
            if (component.equals(OPERATOR_POLICY)) {
                policy(vhostOf(p), p.path("value"), Json.text(p, "name", ""), true);
            } else if (component.equals(VHOST_LIMITS)) {
                limits(p.path("value"), Admin.VHOST_LIMIT_NAMES, "limits");
            } else {
                throw ApiException.badRequest("Validation failed\n\ncomponent " + component + " not found\n");
            }
        }
        for (JsonNode x : doc.path("exchanges")) {
            String vhost = vhostOf(x);
            requireVhost(vhost);
            ExchangeMethod.Declare d = exchange(x);
            VirtualHost v = ctx.services().vhosts().get(vhost);
            Exchange current = v == null ? null : v.exchange(d.exchange());
            Topology.check(() -> {
                if (current == null) {
                    Declarations.newExchange(d);
                } else {
                    Declarations.sameExchange(d, v, current);
                }
            });
        }
        for (JsonNode q : doc.path("queues")) {
            String vhost = vhostOf(q);
            requireVhost(vhost);
            QueueMethod.Declare d = queue(q);
            VirtualHost v = ctx.services().vhosts().get(vhost);
            io.leveret.server.vhost.Queue current = v == null ? null : v.queue(d.queue());
            if (current != null) {
                Topology.check(() -> Declarations.sameQueue(d, v, current));
            } else if (v != null && !unfitQuorumQueue(d, vhost)) {
                Topology.check(() -> Declarations.newQueue(d, v, ctx.services().limits()));
            }
        }
        for (JsonNode b : doc.path("bindings")) {
            String vhost = vhostOf(b);
            requireVhost(vhost);
            String kind = Json.text(b, "destination_type", "queue");
            if (!kind.equals("queue") && !kind.equals("exchange")) {
                throw ApiException.badRequest("unknown destination_type '" + kind + "'");
            }
            if (!hasEnd(vhost, "exchanges", Json.text(b, "source", ""), false)
                    || !hasEnd(vhost, kind.equals("queue") ? "queues" : "exchanges", Json.text(b, "destination", ""),
                    kind.equals("queue"))) {
                // RabbitMQ 3.10.8 imports the rest and leaves such a binding out (its own exports can hold one).
                LOG.warn("definitions import: binding {} in vhost '{}' left out, one of its ends is missing", b, vhost);
                continue;
            }
            bindings.add(b);
        }
    }

    private void requireUser(String name) {
        boolean inDocument = users.stream().anyMatch(u -> u.name().equals(name));
        if (!inDocument && ctx.services().users().user(name) == null) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    Json.array().add("no_such_user").add(name));
        }
    }

    private UserImport user(JsonNode u) {
        String name = Json.text(u, "name", "");
        if (name.isEmpty()) {
            throw ApiException.badRequest("a user needs a name");
        }
        return new UserImport(name, UserRoutes.password(u, null), UserRoutes.tags(u.get("tags")),
                limits(u.path("limits"), Admin.USER_LIMIT_NAMES, "user-limits"));
    }

    /** Limits as RabbitMQ's definitions hold them (name to integer), refused as the limits endpoints refuse them. */
    private static Map<String, Integer> limits(JsonNode value, Set<String> names, String what) {
        Map<String, Integer> out = new TreeMap<>();
        value.fields().forEachRemaining(e -> {
            if (!names.contains(e.getKey()) || !e.getValue().canConvertToInt()) {
                throw ApiException.badRequest("Validation failed\n\nUnrecognised terms [{<<\"" + e.getKey()
                        + "\">>," + e.getValue() + "}] in " + what + "\n");
            }
            out.put(e.getKey(), e.getValue().intValue());
        });
        return out;
    }

    private static void policy(String vhost, JsonNode value, String name, boolean operator) {
        try {
            Admin.policy(vhost, name, value, operator);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Validation failed\n\n" + e.getMessage() + "\n");
        }
    }

    /** A binding end exists now, or the document declares it in the same vhost. */
    private boolean hasEnd(String vhost, String section, String name, boolean queue) {
        VirtualHost v = ctx.services().vhosts().get(vhost);
        if (v != null && (queue ? v.queue(name) != null : v.exchange(name) != null)) {
            return true;
        }
        for (JsonNode item : doc.path(section)) {
            if (vhostOf(item).equals(vhost) && Json.text(item, "name", "").equals(name)) {
                return true;
            }
        }
        return false;
    }

    private ExchangeMethod.Declare exchange(JsonNode x) {
        return new ExchangeMethod.Declare(Json.text(x, "name", ""), Json.text(x, "type", "direct"), false,
                Json.bool(x, "durable", true), Json.bool(x, "auto_delete", false), Json.bool(x, "internal", false),
                false, ExchangeRoutes.arguments(x));
    }

    /**
     * A quorum queue that cannot be one (non-durable or auto-delete) is left out of an import, and the rest goes
     * in, as RabbitMQ 3.10 does (its import answers 204 and logs the refusal). Arguments are checked first.
     */
    private boolean unfitQuorumQueue(QueueMethod.Declare d, String vhost) {
        String reason = Declarations.quorumProperty(d, d.queue(), vhost);
        if (reason != null && io.leveret.server.vhost.QueueArguments.validate(d.arguments(), d.queue(), vhost) == null) {
            LOG.warn("definitions import leaves out {}", reason);
            return true;
        }
        return false;
    }

    private QueueMethod.Declare queue(JsonNode q) {
        return new QueueMethod.Declare(Json.text(q, "name", ""), false, Json.bool(q, "durable", true), false,
                Json.bool(q, "auto_delete", false), false, ExchangeRoutes.arguments(q));
    }

    /**
     * Applies the checked document in dependency order (users, then vhosts, then what refers to them);
     * completes once every change is durable.
     */
    private CompletableFuture<ApiResponse> apply() {
        Admin admin = AdminReplies.admin(ctx);
        List<CompletableFuture<Void>> userWrites = new ArrayList<>();
        for (UserImport u : users) {
            CompletableFuture<Void> put = admin.putUser(u.name(), u.password(), u.tags());
            for (Map.Entry<String, Integer> limit : u.limits().entrySet()) {
                put = put.thenCompose(done -> admin.setUserLimit(u.name(), limit.getKey(), limit.getValue()));
            }
            userWrites.add(put);
        }
        CompletableFuture<Void> vhosts = CompletableFuture.allOf(userWrites.toArray(CompletableFuture[]::new));
        for (String name : newVhosts) {
            vhosts = vhosts.thenCompose(done -> VhostRoutes.createVhost(ctx, name, req.user().name()));
        }
        CompletableFuture<Void> done = vhosts.thenCompose(created -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (JsonNode p : doc.path("permissions")) {
                writes.add(admin.setPermission(Json.text(p, "user", ""), vhostOf(p), new Permission(
                        Json.text(p, "configure", ""), Json.text(p, "write", ""), Json.text(p, "read", ""))));
            }
            for (JsonNode t : doc.path("topic_permissions")) {
                writes.add(admin.setTopicPermission(Json.text(t, "user", ""), vhostOf(t), new TopicPermission(
                        Json.text(t, "exchange", ""), Json.text(t, "write", ""), Json.text(t, "read", ""))));
            }
            for (JsonNode p : doc.path("policies")) {
                writes.add(admin.setPolicy(vhostOf(p), Json.text(p, "name", ""), p, false));
            }
            for (JsonNode p : doc.path("parameters")) {
                if (Json.text(p, "component", "").equals(OPERATOR_POLICY)) {
                    writes.add(admin.setPolicy(vhostOf(p), Json.text(p, "name", ""), p.path("value"), true));
                } else {
                    limits(p.path("value"), Admin.VHOST_LIMIT_NAMES, "limits").forEach((name, value) ->
                            writes.add(admin.setVhostLimit(vhostOf(p), name, value)));
                }
            }
            for (JsonNode x : doc.path("exchanges")) {
                VirtualHost v = ctx.services().vhosts().get(vhostOf(x));
                ExchangeMethod.Declare d = exchange(x);
                writes.add(v.declareExchange(d.type(), d.exchange(), d.durable(), d.autoDelete(), d.internal(),
                        d.arguments()).stored());
            }
            for (JsonNode q : doc.path("queues")) {
                VirtualHost v = ctx.services().vhosts().get(vhostOf(q));
                QueueMethod.Declare d = queue(q);
                if (v.queue(d.queue()) == null && unfitQuorumQueue(d, v.name())) {
                    continue;
                }
                writes.add(v.declareQueue(d.queue(), d.durable(), d.autoDelete(), d.arguments(), null).stored());
            }
            for (JsonNode b : bindings) {
                VirtualHost v = ctx.services().vhosts().get(vhostOf(b));
                Exchange source = v.exchange(Json.text(b, "source", ""));
                String name = Json.text(b, "destination", "");
                Destination destination = Json.text(b, "destination_type", "queue").equals("queue")
                        ? v.queue(name) : v.exchange(name);
                FieldTable args = ExchangeRoutes.arguments(b);
                writes.add(v.bind(source, destination, Json.text(b, "routing_key", ""), args));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        });
        return AdminReplies.after(done, ApiResponse.noContent()).toCompletableFuture();
    }
}
