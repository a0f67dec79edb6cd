package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.FieldTable;
import io.leveret.codec.QueueMethod;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.security.Permission;
import io.leveret.server.vhost.Binding;
import io.leveret.server.vhost.Destination;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * /api/bindings: every list form, POST to bind an exchange to a queue ({@code q}) or an exchange
 * ({@code e}) answering 201 with a Location naming the new binding's properties key, and GET and DELETE of
 * one binding by that key.
 */
final class BindingRoutes implements Routes {

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/bindings", Tag.MANAGEMENT, req -> all(ctx, req));
        router.get("/api/bindings/{vhost}", Tag.MANAGEMENT, req -> all(ctx, req));
        for (String kind : List.of("q", "e")) {
            String pair = "/api/bindings/{vhost}/e/{source}/" + kind + "/{destination}";
            router.get(pair, Tag.MANAGEMENT, req -> {
                Ends ends = ends(ctx, req, kind);
                List<ObjectNode> rows = new ArrayList<>();
                for (Binding b : ends.source().bindings()) {
                    if (b.destination() == ends.destination()) {
                        rows.add(Topology.bindingRow(ends.vhost().name(), b));
                    }
                }
                return ListQuery.apply(rows, req.query(), List.of());
            });
            router.add(HttpMethod.POST, pair, Tag.MANAGEMENT, req -> bind(ctx, req, kind));
            router.get(pair + "/{props}", Tag.MANAGEMENT, req -> Topology.bindingRow(
                    ends(ctx, req, kind).vhost().name(), find(ctx, req, kind)));
            router.add(HttpMethod.DELETE, pair + "/{props}", Tag.MANAGEMENT, req -> {
                Binding b = find(ctx, req, kind);
                VirtualHost v = Access.vhost(ctx, req);
                Access.permit(ctx, req, v.name(), Permission.Access.WRITE, b.destination().name());
                Access.permit(ctx, req, v.name(), Permission.Access.READ, b.source().name());
                return Topology.after(v.unbind(b.source(), b.destination(), b.routingKey(), b.arguments()),
                        ApiResponse.noContent());
            });
        }
    }

    private static JsonNode all(ManagementContext ctx, ApiRequest req) {
        List<ObjectNode> rows = new ArrayList<>();
        for (VirtualHost v : Access.listed(ctx, req)) {
            rows.addAll(Topology.bindingRows(v));
        }
        return ListQuery.apply(rows, req.query(), List.of());
    }

    private record Ends(VirtualHost vhost, Exchange source, Destination destination) {
    }

    /** The two ends a path names; either one missing is 404. */
    private static Ends ends(ManagementContext ctx, ApiRequest req, String kind) {
        VirtualHost v = Access.vhost(ctx, req);
        Exchange source = Topology.exchange(v, req.param("source"));
        Destination destination = kind.equals("q") ? v.queue(req.param("destination"))
                : Topology.exchange(v, req.param("destination"));
        if (source == null || destination == null) {
            throw ApiException.notFound();
        }
        return new Ends(v, source, destination);
    }

    private static Binding find(ManagementContext ctx, ApiRequest req, String kind) {
        Ends ends = ends(ctx, req, kind);
        for (Binding b : ends.source().bindings()) {
            if (b.destination() == ends.destination()
                    && Topology.propertiesKey(b.routingKey(), b.arguments()).equals(req.param("props"))) {
                return b;
            }
        }
        throw ApiException.notFound();
    }

    /** POST: binds as queue.bind / exchange.bind do; 201 with the new binding's Location once durable. */
    private static CompletableFuture<ApiResponse> bind(ManagementContext ctx, ApiRequest req, String kind) {
        Ends ends = ends(ctx, req, kind);
        if (ends.source().name().isEmpty()
                || ends.destination() instanceof Exchange x && x.name().isEmpty()) {
            throw Topology.accessRefused();
        }
        // queue.bind and exchange.bind: write on the destination, read on the source.
        Access.permit(ctx, req, ends.vhost().name(), Permission.Access.WRITE, ends.destination().name());
        Access.permit(ctx, req, ends.vhost().name(), Permission.Access.READ, ends.source().name());
        JsonNode body = req.json();
        String key = Json.text(body, "routing_key", "");
        FieldTable args = ExchangeRoutes.arguments(body);
        Topology.check(() -> Declarations.binding(new QueueMethod.Bind(0, ends.destination().name(),
                ends.source().name(), key, false, args), ends.source(), args));
        if (ends.destination() instanceof Queue q && q.exclusive()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", "cannot obtain exclusive access to"
                    + " locked queue '" + q.name() + "' in vhost '" + ends.vhost().name() + "'");
        }
        CompletableFuture<Void> written = ends.vhost().bind(ends.source(), ends.destination(), key, args);
        // RabbitMQ's Location is relative to the POSTed URL: the destination segment, then the properties key.
        String location = req.segments().get(req.segments().size() - 1).isEmpty() ? ""
                : encode(req.param("destination")) + "/" + encode(Topology.propertiesKey(key, args));
        return Topology.after(written, new ApiResponse(HttpResponseStatus.CREATED, null,
                Map.of("location", location)));
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
