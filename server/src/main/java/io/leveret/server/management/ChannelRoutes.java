package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.ConnectionView;
import io.leveret.server.stats.ConnectionNames;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.SampleRange;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /api/channels and /api/consumers: read from the same per-connection snapshots as /api/connections. */
final class ChannelRoutes implements Routes {

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.add(HttpMethod.GET, "/api/channels", Tag.MANAGEMENT, req -> channels(ctx, req, null, null));
        router.add(HttpMethod.GET, "/api/vhosts/{vhost}/channels", Tag.MANAGEMENT,
                req -> channels(ctx, req, Access.vhost(ctx, req).name(), null));
        router.add(HttpMethod.GET, "/api/connections/{connection}/channels", Tag.MANAGEMENT,
                req -> channels(ctx, req, null, req.param("connection")));
        router.add(HttpMethod.GET, "/api/channels/{channel}", Tag.MANAGEMENT, req ->
                ConnectionRoutes.views(ctx, req, null).thenApply(views -> {
                    for (ConnectionView v : views) {
                        for (ConnectionView.ChannelView c : v.channelViews()) {
                            if (channelName(v, c).equals(req.param("channel"))) {
                                return ApiResponse.ok(ListQuery.columns(channelRow(ctx, v, c, Rates.range(req)),
                                        req.query("columns")));
                            }
                        }
                    }
                    throw ApiException.notFound();
                }));
        router.add(HttpMethod.GET, "/api/consumers", Tag.MANAGEMENT, req -> consumers(ctx, req, null));
        router.add(HttpMethod.GET, "/api/consumers/{vhost}", Tag.MANAGEMENT,
                req -> consumers(ctx, req, Access.vhost(ctx, req).name()));
    }

    /** RabbitMQ's channel name: the connection's name and the channel number in brackets. */
    static String channelName(ConnectionView v, ConnectionView.ChannelView c) {
        return ConnectionNames.channel(v.name(), c.number());
    }

    private static CompletableFuture<ApiResponse> channels(ManagementContext ctx, ApiRequest req, String vhost,
                                                          String connection) {
        SampleRange range = Rates.range(req);
        return ConnectionRoutes.views(ctx, req, vhost).thenApply(views -> {
            if (connection != null && views.stream().noneMatch(v -> v.name().equals(connection))) {
                throw ApiException.notFound();
            }
            List<ObjectNode> rows = new ArrayList<>();
            for (ConnectionView v : views) {
                if (connection == null || v.name().equals(connection)) {
                    v.channelViews().forEach(c -> rows.add(channelRow(ctx, v, c, range)));
                }
            }
            return ApiResponse.ok(ListQuery.apply(rows, req.query(), List.of()));
        });
    }

    private static CompletableFuture<ApiResponse> consumers(ManagementContext ctx, ApiRequest req, String vhost) {
        return consumerRows(ctx, req, vhost).thenApply(rows -> ApiResponse.ok(ListQuery.apply(rows, req.query(),
                List.of())));
    }

    /** The consumers on the connections the user may see (in {@code vhost} if given), as /api/consumers lists them. */
    static CompletableFuture<List<ObjectNode>> consumerRows(ManagementContext ctx, ApiRequest req, String vhost) {
        return ConnectionRoutes.views(ctx, req, vhost).thenApply(views -> {
            List<ObjectNode> rows = new ArrayList<>();
            for (ConnectionView v : views) {
                for (ConnectionView.ChannelView c : v.channelViews()) {
                    for (ConnectionView.ConsumerView k : c.consumers()) {
                        ObjectNode o = Json.object();
                        o.put("active", true);
                        o.put("activity_status", "up");
                        o.put("ack_required", k.ackRequired());
                        o.set("arguments", StoredForm.toJson(k.arguments()));
                        o.set("channel_details", details(ctx, v, c));
                        o.put("consumer_tag", k.tag());
                        o.put("exclusive", k.exclusive());
                        o.put("prefetch_count", k.prefetch());
                        o.putObject("queue").put("name", k.queue()).put("vhost", v.vhost());
                        rows.add(o);
                    }
                }
            }
            return rows;
        });
    }

    private static ObjectNode details(ManagementContext ctx, ConnectionView v, ConnectionView.ChannelView c) {
        return Json.object().put("connection_name", v.name()).put("name", channelName(v, c))
                .put("node", ctx.nodeName()).put("number", c.number()).put("peer_host", v.peerHost())
                .put("peer_port", v.peerPort()).put("user", v.user());
    }

    private static ObjectNode channelRow(ManagementContext ctx, ConnectionView v, ConnectionView.ChannelView c,
                                         SampleRange range) {
        ObjectNode o = Json.object();
        Rates.messageStats(o, ctx.statistics().messageStats(Kind.CHANNEL, null, channelName(v, c), range));
        o.set("connection_details", Json.object().put("name", v.name()).put("peer_host", v.peerHost())
                .put("peer_port", v.peerPort()));
        o.put("consumer_count", c.consumers().size());
        o.put("messages_unacknowledged", c.unacked());
        o.put("name", channelName(v, c));
        o.put("node", ctx.nodeName());
        o.put("number", c.number());
        o.put("prefetch_count", c.prefetch());
        o.put("state", "running");
        o.put("user", v.user());
        o.put("user_who_performed_action", v.user());
        o.put("vhost", v.vhost());
        return o;
    }
}
