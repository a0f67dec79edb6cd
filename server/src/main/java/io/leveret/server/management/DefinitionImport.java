package io.leveret.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.QueueMethod;
import io.leveret.server.definitions.DefinitionsFile;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.security.Permission;
import io.leveret.server.vhost.Destination;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.PermissionDefinition;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * POST /api/definitions[/vhost]: checks the whole document first (vhosts named exist or are in it, types
 * and arguments valid, existing objects equivalent, binding ends present), so a refused import changes
 * nothing; then creates vhosts, permissions, exchanges, queues and bindings through the same paths AMQP
 * and the other endpoints use, answering 204 once all of it is durable. Users, topic permissions,
 * parameters and policies are accepted when they are already there as given (an export read back);
 * anything else in those sections is refused: their endpoints belong to the security area.
 */
final class DefinitionImport {
    private static final String[] OTHER_SECTIONS = {"users", "topic_permissions", "parameters", "policies",
        "global_parameters"};

    private final ManagementContext ctx;
    private final ApiRequest req;
    private final String onlyVhost;
    private final JsonNode doc;
    private final Set<String> newVhosts = new HashSet<>();

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
        for (String section : OTHER_SECTIONS) {
            for (JsonNode item : doc.path(section)) {
                JsonNode withVhost = item;
                if (onlyVhost != null && item.isObject() && !item.has("vhost")) {
                    withVhost = item.deepCopy();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) withVhost).put("vhost", onlyVhost);
                }
                boolean present = false;
                for (JsonNode e : existing.path(section)) {
                    present |= e.equals(withVhost);
                }
                if (!present) {
                    throw ApiException.badRequest("importing " + section + " is not supported by Leveret yet"
                            + " (issue #13); this document has one that is not there already");
                }
            }
        }
        for (JsonNode p : doc.path("permissions")) {
            requireVhost(vhostOf(p));
            if (ctx.services().users().user(Json.text(p, "user", "")) == null) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        Json.array().add("no_such_user").add(Json.text(p, "user", "")));
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
            } else if (v != null) {
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
            requireEnd(vhost, "exchanges", Json.text(b, "source", ""), false);
            requireEnd(vhost, kind.equals("queue") ? "queues" : "exchanges", Json.text(b, "destination", ""),
                    kind.equals("queue"));
        }
    }

    /** A binding end exists now, or the document declares it in the same vhost. */
    private void requireEnd(String vhost, String section, String name, boolean queue) {
        VirtualHost v = ctx.services().vhosts().get(vhost);
        if (v != null && (queue ? v.queue(name) != null : v.exchange(name) != null)) {
            return;
        }
        for (JsonNode item : doc.path(section)) {
            if (vhostOf(item).equals(vhost) && Json.text(item, "name", "").equals(name)) {
                return;
            }
        }
        throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                Json.array().add(queue ? "no_such_queue" : "no_such_exchange").add(name));
    }

    private ExchangeMethod.Declare exchange(JsonNode x) {
        return new ExchangeMethod.Declare(Json.text(x, "name", ""), Json.text(x, "type", "direct"), false,
                Json.bool(x, "durable", true), Json.bool(x, "auto_delete", false), Json.bool(x, "internal", false),
                false, ExchangeRoutes.arguments(x));
    }

    private QueueMethod.Declare queue(JsonNode q) {
        return new QueueMethod.Declare(Json.text(q, "name", ""), false, Json.bool(q, "durable", true), false,
                Json.bool(q, "auto_delete", false), false, ExchangeRoutes.arguments(q));
    }

    /** Applies the checked document in dependency order; completes once every change is durable. */
    private CompletableFuture<ApiResponse> apply() {
        CompletableFuture<Void> vhosts = CompletableFuture.completedFuture(null);
        for (String name : newVhosts) {
            vhosts = vhosts.thenCompose(done -> VhostRoutes.createVhost(ctx, name, req.user().name()));
        }
        return vhosts.thenCompose(done -> {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (JsonNode p : doc.path("permissions")) {
                PermissionDefinition d = new PermissionDefinition(Json.text(p, "user", ""), vhostOf(p),
                        Json.text(p, "configure", ""), Json.text(p, "write", ""), Json.text(p, "read", ""));
                ctx.services().users().setPermission(d.user(), d.vhost(),
                        new Permission(d.configure(), d.write(), d.read()));
                writes.add(ctx.definitions().apply(new Change.PutPermission(d)));
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
                writes.add(v.declareQueue(d.queue(), d.durable(), d.autoDelete(), d.arguments(), null).stored());
            }
            for (JsonNode b : doc.path("bindings")) {
                VirtualHost v = ctx.services().vhosts().get(vhostOf(b));
                Exchange source = v.exchange(Json.text(b, "source", ""));
                String name = Json.text(b, "destination", "");
                Destination destination = Json.text(b, "destination_type", "queue").equals("queue")
                        ? v.queue(name) : v.exchange(name);
                FieldTable args = ExchangeRoutes.arguments(b);
                writes.add(v.bind(source, destination, Json.text(b, "routing_key", ""), args));
            }
            return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
        }).thenApply(done -> ApiResponse.noContent());
    }
}
