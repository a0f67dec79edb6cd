package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.protocol.AmqpConnection;
import io.leveret.server.security.Permission;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.vhost.Queue;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.PermissionDefinition;
import io.leveret.store.definitions.VhostDefinition;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /api/vhosts: the vhosts a user sees, with their message totals. */
final class VhostRoutes implements Routes {

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.add(HttpMethod.GET, "/api/vhosts", Tag.MANAGEMENT, req -> {
            List<VirtualHost> vhosts = Access.visibleVhosts(ctx, req.user());
            return rows(ctx, Rates.listRange(req), vhosts).thenApply(rows -> ApiResponse.ok(ListQuery.apply(rows, req.query(),
                    List.of("name"))));
        });
        router.add(HttpMethod.PUT, "/api/vhosts/{vhost}", Tag.ADMINISTRATOR, req -> create(ctx, req));
        router.add(HttpMethod.DELETE, "/api/vhosts/{vhost}", Tag.ADMINISTRATOR, req -> delete(ctx, req));
        router.add(HttpMethod.GET, "/api/vhosts/{vhost}", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            return rows(ctx, Rates.range(req), List.of(v)).thenApply(rows -> ApiResponse.ok(
                    ListQuery.columns(rows.get(0), req.query("columns"))));
        });
    }

    /**
     * PUT: a new vhost is stored, then made live with the standard exchanges, and the user who made it gets
     * full permissions in it (as RabbitMQ does); 201 then, 204 when it was there already.
     */
    private static CompletableFuture<ApiResponse> create(ManagementContext ctx, ApiRequest req) {
        String name = req.param("vhost");
        req.json();
        if (ctx.services().vhosts().containsKey(name)) {
            return CompletableFuture.completedFuture(ApiResponse.noContent());
        }
        return createVhost(ctx, name, req.user().name()).thenApply(done -> ApiResponse.created());
    }

    /** Stores a vhost and {@code user}'s full permissions in it, then makes both live. */
    static CompletableFuture<Void> createVhost(ManagementContext ctx, String name, String user) {
        return ctx.definitions().apply(new Change.PutVhost(new VhostDefinition(name)))
                .thenCompose(done -> ctx.definitions().apply(new Change.PutPermission(
                        new PermissionDefinition(user, name, ".*", ".*", ".*"))))
                .thenRun(() -> {
                    ctx.services().vhosts().computeIfAbsent(name,
                            n -> new VirtualHost(n, ctx.queueLoops(), ctx.persistence()));
                    ctx.services().users().setPermission(user, name, Permission.ALL);
                });
    }

    /**
     * DELETE: the vhost stops being found at once, its connections are closed (320), its queues deleted with
     * their messages, then the vhost and everything in it leaves the store; 204 once that is durable.
     */
    private static CompletableFuture<ApiResponse> delete(ManagementContext ctx, ApiRequest req) {
        String name = req.param("vhost");
        VirtualHost v = ctx.services().vhosts().remove(name);
        if (v == null) {
            throw ApiException.notFound();
        }
        for (AmqpConnection c : ctx.services().alarms().openConnections()) {
            c.view().thenAccept(view -> {
                if (view != null && view.vhost().equals(name)) {
                    c.forceClose("vhost '" + name + "' is deleted");
                }
            });
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (Queue q : List.copyOf(v.queues())) {
            writes.add(v.deleteQueue(q));
        }
        for (io.leveret.server.security.User u : ctx.services().users().users()) {
            ctx.services().users().clearPermission(u.name(), name);
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenCompose(done -> ctx.definitions().apply(new Change.DeleteVhost(name)))
                .thenApply(done -> ApiResponse.noContent());
    }

    /** One row per vhost, each with the totals of its queues and its statistics. */
    private static CompletableFuture<List<ObjectNode>> rows(ManagementContext ctx, SampleRange range,
                                                            List<VirtualHost> vhosts) {
        List<CompletableFuture<ObjectNode>> rows = new ArrayList<>();
        for (VirtualHost v : vhosts) {
            rows.add(QueueState.of(List.<Queue>copyOf(v.queues())).thenApply(states -> {
                ObjectNode row = row(ctx, v, states);
                Rates.addMissing(row, ctx.statistics().vhost(v.name(), range));
                return row;
            }));
        }
        return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new))
                .thenApply(done -> rows.stream().map(CompletableFuture::join).toList());
    }

    private static ObjectNode row(ManagementContext ctx, VirtualHost v, List<QueueState> states) {
        QueueState.Totals t = QueueState.Totals.of(states);
        ObjectNode o = Json.object();
        o.put("name", v.name());
        o.put("description", "");
        o.putArray("tags");
        o.put("default_queue_type", "undefined");
        ObjectNode metadata = o.putObject("metadata");
        metadata.put("description", "");
        metadata.putArray("tags");
        o.put("tracing", false);
        o.putObject("cluster_state").put(ctx.nodeName(), "running");
        o.put("messages", t.messages());
        o.put("messages_ready", t.ready());
        o.put("messages_unacknowledged", t.unacked());
        return o;
    }
}
