package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.QueueMethod;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.security.Permission;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /api/queues: list, one, declare, delete, purge, actions, get and the queue's bindings. */
final class QueueRoutes implements Routes {
    private static final List<String> ORDER = List.of("vhost", "name");

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.add(HttpMethod.GET, "/api/queues", Tag.MANAGEMENT, req -> list(ctx, req));
        router.add(HttpMethod.GET, "/api/queues/{vhost}", Tag.MANAGEMENT, req -> list(ctx, req));
        router.add(HttpMethod.GET, "/api/queues/{vhost}/{queue}", Tag.MANAGEMENT, req -> {
            Queue q = require(Access.vhost(ctx, req), req);
            SampleRange range = Rates.range(req);
            var consumerRows = ChannelRoutes.consumerRows(ctx, req, q.vhost().name());
            return QueueState.of(q).thenCombine(consumerRows, (s, consumers) -> {
                ObjectNode row = Topology.queueRow(ctx, s, range);
                var details = row.putArray("consumer_details");
                consumers.stream().filter(c -> c.path("queue").path("name").asText().equals(q.name()))
                        .forEach(details::add);
                row.putArray("deliveries");
                row.putArray("incoming");
                return ApiResponse.ok(ListQuery.columns(row, req.query("columns")));
            });
        });
        router.add(HttpMethod.PUT, "/api/queues/{vhost}/{queue}", Tag.MANAGEMENT, req -> declare(ctx, req));
        router.add(HttpMethod.DELETE, "/api/queues/{vhost}/{queue}", Tag.MANAGEMENT, req -> delete(ctx, req));
        router.add(HttpMethod.DELETE, "/api/queues/{vhost}/{queue}/contents", Tag.MANAGEMENT, req -> {
            Queue q = require(Access.vhost(ctx, req), req);
            Access.permit(ctx, req, q.vhost().name(), Permission.Access.READ, q.name());
            CompletableFuture<ApiResponse> done = new CompletableFuture<>();
            q.execute(() -> {
                q.purge();
                done.complete(ApiResponse.noContent());
            });
            return done;
        });
        router.add(HttpMethod.POST, "/api/queues/{vhost}/{queue}/actions", Tag.MANAGEMENT, req -> {
            require(Access.vhost(ctx, req), req);
            String action = Json.text(req.json(), "action", "");
            // sync and cancel_sync concern mirrored queues; ours have no mirrors, so both have nothing to do.
            if (!action.equals("sync") && !action.equals("cancel_sync")) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        Json.array().add("unknown").add(action));
            }
            return CompletableFuture.completedFuture(ApiResponse.noContent());
        });
        router.add(HttpMethod.POST, "/api/queues/{vhost}/{queue}/get", Tag.MANAGEMENT,
                req -> {
                    Queue q = require(Access.vhost(ctx, req), req);
                    Access.permit(ctx, req, q.vhost().name(), Permission.Access.READ, q.name());
                    return QueueGet.get(q, req.json());
                });
        router.get("/api/queues/{vhost}/{queue}/bindings", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Queue q = require(v, req);
            List<ObjectNode> rows = Topology.bindingRows(v).stream()
                    .filter(r -> r.path("destination_type").asText().equals("queue")
                            && r.path("destination").asText().equals(q.name()))
                    .toList();
            return ListQuery.apply(rows, req.query(), List.of());
        });
    }

    private static CompletableFuture<ApiResponse> list(ManagementContext ctx, ApiRequest req) {
        List<Queue> queues = new ArrayList<>();
        for (VirtualHost v : Access.listed(ctx, req)) {
            queues.addAll(v.queues());
        }
        SampleRange range = Rates.listRange(req);
        return QueueState.of(queues).thenApply(states -> {
            List<ObjectNode> rows = states.stream().map(s -> Topology.queueRow(ctx, s, range)).toList();
            return ApiResponse.ok(ListQuery.apply(rows, req.query(), ORDER));
        });
    }

    private static Queue require(VirtualHost v, ApiRequest req) {
        Queue q = v.queue(req.param("queue"));
        if (q == null) {
            throw ApiException.notFound();
        }
        return q;
    }

    /**
     * PUT: declares as queue.declare does (limit, argument and equivalence checks with the same texts); 201
     * when created, 204 when an equivalent one was there, once the declaration is durable.
     */
    private static CompletableFuture<ApiResponse> declare(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Topology.vhostForChange(ctx, req);
        String name = req.param("queue");
        if (name.startsWith("amq.")) {
            throw Topology.accessRefused();
        }
        Access.permit(ctx, req, v.name(), Permission.Access.CONFIGURE, name);
        JsonNode body = req.json();
        QueueMethod.Declare d = new QueueMethod.Declare(name, false, Json.bool(body, "durable", false), false,
                Json.bool(body, "auto_delete", false), false, ExchangeRoutes.arguments(body));
        Queue q = v.queue(name);
        boolean created = false;
        if (q == null) {
            Topology.check(() -> Declarations.newQueue(d, v, ctx.services().limits()));
            q = v.declareQueue(name, d.durable(), d.autoDelete(), d.arguments(), null);
            created = true;
        }
        Queue declared = q;
        if (declared.exclusive()) {
            throw ApiException.badRequest("cannot obtain exclusive access to locked queue '" + name
                    + "' in vhost '" + v.name() + "'");
        }
        Topology.check(() -> Declarations.sameQueue(d, v, declared));
        return Topology.after(declared.stored(), created ? ApiResponse.created() : ApiResponse.noContent());
    }

    /** DELETE with if-empty / if-unused, checked on the queue's thread as queue.delete checks them. */
    private static CompletableFuture<ApiResponse> delete(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Access.vhost(ctx, req);
        Queue q = require(v, req);
        Access.permit(ctx, req, v.name(), Permission.Access.CONFIGURE, q.name());
        boolean ifEmpty = "true".equals(req.query("if-empty"));
        boolean ifUnused = "true".equals(req.query("if-unused"));
        CompletableFuture<CompletableFuture<Void>> checked = new CompletableFuture<>();
        q.execute(() -> {
            String described = "queue '" + q.name() + "' in vhost '" + v.name() + "'";
            if (ifUnused && q.consumerCount() > 0) {
                checked.completeExceptionally(ApiException.badRequest(described + " in use"));
            } else if (ifEmpty && q.messageCount() > 0) {
                checked.completeExceptionally(ApiException.badRequest(described + " not empty"));
            } else {
                checked.complete(v.deleteQueue(q));
            }
        });
        return checked.thenCompose(written -> Topology.after(written, ApiResponse.noContent()));
    }
}
