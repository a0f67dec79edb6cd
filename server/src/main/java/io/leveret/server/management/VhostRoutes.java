package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.vhost.Queue;
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
            return rows(ctx, vhosts).thenApply(rows -> ApiResponse.ok(ListQuery.apply(rows, req.query(),
                    List.of("name"))));
        });
        router.add(HttpMethod.GET, "/api/vhosts/{vhost}", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            return rows(ctx, List.of(v)).thenApply(rows -> ApiResponse.ok(
                    ListQuery.columns(rows.get(0), req.query("columns"))));
        });
    }

    /** One row per vhost, each with the totals of its queues. */
    private static CompletableFuture<List<ObjectNode>> rows(ManagementContext ctx, List<VirtualHost> vhosts) {
        List<CompletableFuture<ObjectNode>> rows = new ArrayList<>();
        for (VirtualHost v : vhosts) {
            rows.add(QueueState.of(List.<Queue>copyOf(v.queues())).thenApply(states -> row(ctx, v, states)));
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
