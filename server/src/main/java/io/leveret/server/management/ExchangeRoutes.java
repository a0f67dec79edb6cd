package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.security.Permission;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.vhost.Binding;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** /api/exchanges: list, one, declare, delete, their bindings, and publish. */
final class ExchangeRoutes implements Routes {
    private static final List<String> ORDER = List.of("vhost", "name");

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/exchanges", Tag.MANAGEMENT, req -> list(ctx, req));
        router.get("/api/exchanges/{vhost}", Tag.MANAGEMENT, req -> list(ctx, req));
        router.get("/api/exchanges/{vhost}/{exchange}", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Exchange x = require(v, req);
            ObjectNode row = Topology.exchangeRow(ctx, v, x, Rates.range(req));
            row.putArray("incoming");
            row.putArray("outgoing");
            return ListQuery.columns(row, req.query("columns"));
        });
        router.add(HttpMethod.PUT, "/api/exchanges/{vhost}/{exchange}", Tag.MANAGEMENT, req -> declare(ctx, req));
        router.add(HttpMethod.DELETE, "/api/exchanges/{vhost}/{exchange}", Tag.MANAGEMENT, req -> delete(ctx, req));
        router.get("/api/exchanges/{vhost}/{exchange}/bindings/source", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Exchange x = require(v, req);
            List<ObjectNode> rows = new ArrayList<>();
            if (x.name().isEmpty()) {
                Topology.bindingRows(v).stream().filter(r -> r.path("source").asText().isEmpty()).forEach(rows::add);
            } else {
                rows.addAll(Topology.bindingRows(v.name(), x.bindings()));
            }
            return ListQuery.apply(rows, req.query(), List.of());
        });
        router.get("/api/exchanges/{vhost}/{exchange}/bindings/destination", Tag.MANAGEMENT, req -> {
            VirtualHost v = Access.vhost(ctx, req);
            Exchange x = require(v, req);
            List<Binding> in = new ArrayList<>();
            for (Exchange source : v.exchanges()) {
                for (Binding b : source.bindings()) {
                    if (b.destination() == x) {
                        in.add(b);
                    }
                }
            }
            return ListQuery.apply(new ArrayList<>(Topology.bindingRows(v.name(), in)), req.query(), List.of());
        });
        router.add(HttpMethod.POST, "/api/exchanges/{vhost}/{exchange}/publish", Tag.MANAGEMENT,
                req -> Publish.publish(ctx, req));
    }

    private static JsonNode list(ManagementContext ctx, ApiRequest req) {
        List<ObjectNode> rows = new ArrayList<>();
        SampleRange range = Rates.listRange(req);
        for (VirtualHost v : Access.listed(ctx, req)) {
            for (Exchange x : v.exchanges()) {
                rows.add(Topology.exchangeRow(ctx, v, x, range));
            }
        }
        return ListQuery.apply(rows, req.query(), ORDER);
    }

    private static Exchange require(VirtualHost v, ApiRequest req) {
        Exchange x = Topology.exchange(v, req.param("exchange"));
        if (x == null) {
            throw ApiException.notFound();
        }
        return x;
    }

    /**
     * PUT: declares as exchange.declare does (same checks, same texts); 201 when created, 204 when an
     * equivalent one was there, once the declaration is durable.
     */
    private static CompletableFuture<ApiResponse> declare(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Topology.vhostForChange(ctx, req);
        String name = req.param("exchange");
        if (name.equals(Topology.DEFAULT_EXCHANGE) || name.startsWith("amq.")) {
            throw Topology.accessRefused();
        }
        Access.permit(ctx, req, v.name(), Permission.Access.CONFIGURE, name);
        JsonNode body = req.json();
        ExchangeMethod.Declare d = new ExchangeMethod.Declare(name, Json.text(body, "type", "direct"), false,
                Json.bool(body, "durable", false), Json.bool(body, "auto_delete", false),
                Json.bool(body, "internal", false), false, arguments(body));
        Exchange x = v.exchange(name);
        boolean created = false;
        if (x == null) {
            Topology.check(() -> Declarations.newExchange(d));
            try {
                x = v.declareExchange(d.type(), name, d.durable(), d.autoDelete(), d.internal(), d.arguments());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("unknown exchange type '" + d.type() + "'");
            }
            created = true;
        }
        Exchange declared = x;
        Topology.check(() -> Declarations.sameExchange(d, v, declared));
        return Topology.after(declared.stored(), created ? ApiResponse.created() : ApiResponse.noContent());
    }

    private static CompletableFuture<ApiResponse> delete(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Access.vhost(ctx, req);
        String name = req.param("exchange");
        if (name.equals(Topology.DEFAULT_EXCHANGE) || name.startsWith("amq.")) {
            throw Topology.accessRefused();
        }
        Exchange x = v.exchange(name);
        if (x == null) {
            throw ApiException.notFound();
        }
        Access.permit(ctx, req, v.name(), Permission.Access.CONFIGURE, name);
        if ("true".equals(req.query("if-unused")) && x.hasBindings()) {
            throw ApiException.badRequest("exchange '" + name + "' in vhost '" + v.name() + "' in use");
        }
        return Topology.after(v.deleteExchange(x), ApiResponse.noContent());
    }

    /** The body's "arguments" object as a field table; anything else there is RabbitMQ's 400. */
    static FieldTable arguments(JsonNode body) {
        JsonNode args = body.get("arguments");
        if (args == null || args.isNull() || args.isObject() && args.isEmpty()) {
            return FieldTable.EMPTY;
        }
        if (args.isTextual() && args.textValue().isEmpty()) {
            return FieldTable.EMPTY;
        }
        if (!args.isObject()) {
            throw ApiException.badRequest("arguments should be an object");
        }
        return StoredForm.table(args);
    }
}
