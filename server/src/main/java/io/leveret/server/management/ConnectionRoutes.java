package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.AmqpConnection;
import io.leveret.server.protocol.ConnectionView;
import io.leveret.server.stats.SampleRange;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * /api/connections: the open AMQP connections, each read on its own loop; DELETE closes one with
 * 320 CONNECTION_FORCED and the {@code X-Reason} header's text. A management user sees only its own.
 */
final class ConnectionRoutes implements Routes {
    /** RabbitMQ's reason when the client sends no X-Reason. */
    static final String DEFAULT_REASON = "Closed via management plugin";

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.add(HttpMethod.GET, "/api/connections", Tag.MANAGEMENT, req -> views(ctx, req, null)
                .thenApply(views -> ApiResponse.ok(ListQuery.apply(rows(ctx, req, views), req.query(), List.of()))));
        router.add(HttpMethod.GET, "/api/vhosts/{vhost}/connections", Tag.MANAGEMENT, req -> {
            String vhost = Access.vhost(ctx, req).name();
            return views(ctx, req, vhost).thenApply(views -> ApiResponse.ok(ListQuery.apply(rows(ctx, req, views),
                    req.query(), List.of())));
        });
        router.add(HttpMethod.GET, "/api/connections/{connection}", Tag.MANAGEMENT, req -> one(ctx, req)
                .thenApply(v -> ApiResponse.ok(ListQuery.columns(row(ctx, v, Rates.range(req)), req.query("columns")))));
        router.add(HttpMethod.DELETE, "/api/connections/{connection}", Tag.MANAGEMENT, req -> one(ctx, req)
                .thenApply(v -> {
                    String reason = req.headers().get("X-Reason");
                    v.connection().forceClose(reason == null || reason.isEmpty() ? DEFAULT_REASON : reason);
                    return ApiResponse.noContent();
                }));
    }

    /** Snapshots of the open connections the user may see (in {@code vhost} if given). */
    static CompletableFuture<List<ConnectionView>> views(ManagementContext ctx, ApiRequest req, String vhost) {
        List<CompletableFuture<ConnectionView>> parts = new ArrayList<>();
        for (AmqpConnection c : ctx.services().alarms().openConnections()) {
            parts.add(c.view());
        }
        boolean all = Access.seesEveryVhost(req.user());
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> parts.stream()
                .map(CompletableFuture::join)
                .filter(Objects::nonNull)
                .filter(v -> vhost == null || v.vhost().equals(vhost))
                .filter(v -> all || v.user().equals(req.user().name()))
                .toList());
    }

    private static CompletableFuture<ConnectionView> one(ManagementContext ctx, ApiRequest req) {
        String name = req.param("connection");
        return views(ctx, req, null).thenApply(views -> views.stream().filter(v -> v.name().equals(name))
                .findFirst().orElseThrow(ApiException::notFound));
    }

    private static List<ObjectNode> rows(ManagementContext ctx, ApiRequest req, List<ConnectionView> views) {
        SampleRange range = Rates.range(req);
        return views.stream().map(v -> row(ctx, v, range)).toList();
    }

    static ObjectNode row(ManagementContext ctx, ConnectionView v, SampleRange range) {
        ObjectNode o = Json.object();
        Rates.addMissing(o, ctx.statistics().connectionOctets(v.name(), range));
        o.put("auth_mechanism", v.authMechanism());
        o.put("channel_max", v.channelMax());
        o.put("channels", v.channels());
        o.set("client_properties", StoredForm.toJson(v.clientProperties()));
        o.put("connected_at", v.connectedAt());
        o.put("frame_max", v.frameMax());
        o.put("host", v.host());
        o.put("name", v.name());
        o.put("node", ctx.nodeName());
        o.put("peer_host", v.peerHost());
        o.put("peer_port", v.peerPort());
        o.put("port", v.port());
        o.put("protocol", "AMQP 0-9-1");
        o.put("ssl", v.ssl());
        o.put("state", "running");
        o.put("timeout", v.heartbeat());
        o.put("type", "network");
        o.put("user", v.user());
        o.put("user_who_performed_action", v.user());
        o.put("vhost", v.vhost());
        return o;
    }
}
