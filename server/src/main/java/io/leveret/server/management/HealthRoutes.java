package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.server.vhost.Message;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** /api/health/checks/* and /api/aliveness-test: 200 {"status":"ok"} or 503 with RabbitMQ's failure body. */
final class HealthRoutes implements Routes {
    /** The names RabbitMQ accepts for the AMQP 0-9-1 listener. */
    private static final List<String> AMQP_NAMES = List.of("amqp", "amqp091", "amqp0-9-1", "amqp0.9.1");

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.addSync(HttpMethod.GET, "/api/health/checks/alarms", Tag.MANAGEMENT, req -> alarms(ctx));
        router.addSync(HttpMethod.GET, "/api/health/checks/local-alarms", Tag.MANAGEMENT, req -> alarms(ctx));
        // Every vhost we have is served by this node, so none can be down.
        router.get("/api/health/checks/virtual-hosts", Tag.MANAGEMENT, req -> ok());
        router.get("/api/health/checks/node-is-quorum-critical", Tag.MANAGEMENT,
                req -> ok().put("reason", "single node cluster"));
        router.addSync(HttpMethod.GET, "/api/health/checks/port-listener/{port}", Tag.MANAGEMENT, req -> {
            int port;
            try {
                port = Integer.parseInt(req.param("port"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Invalid port");
            }
            List<Integer> ports = ports(ctx);
            if (ports.contains(port)) {
                return ApiResponse.ok(ok().put("port", port));
            }
            ObjectNode failed = failed("No active listener").put("missing", port);
            ArrayNode list = failed.putArray("ports");
            ports.stream().sorted().forEach(list::add);
            return new ApiResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, failed, Map.of());
        });
        router.addSync(HttpMethod.GET, "/api/health/checks/protocol-listener/{protocol}", Tag.MANAGEMENT, req -> {
            String asked = req.param("protocol").toLowerCase(Locale.ROOT);
            List<String> protocols = new ArrayList<>(List.of("http"));
            if (!ctx.amqpPorts().isEmpty()) {
                protocols.add("amqp");
            }
            if (!ctx.tlsPorts().isEmpty()) {
                protocols.add("amqp/ssl");
            }
            String normal = AMQP_NAMES.contains(asked) ? "amqp" : asked;
            if (protocols.contains(normal)) {
                return ApiResponse.ok(ok().put("protocol", normal));
            }
            ObjectNode failed = failed("No active listener").put("missing", asked);
            ArrayNode list = failed.putArray("protocols");
            protocols.forEach(list::add);
            return new ApiResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, failed, Map.of());
        });
        router.add(HttpMethod.GET, "/api/aliveness-test/{vhost}", Tag.MANAGEMENT, req -> aliveness(ctx, req));
    }

    private static ObjectNode ok() {
        return Json.object().put("status", "ok");
    }

    private static ObjectNode failed(String reason) {
        return Json.object().put("status", "failed").put("reason", reason);
    }

    private static ApiResponse alarms(ManagementContext ctx) {
        String alarm = ctx.services().alarms().reason();
        if (alarm == null) {
            return ApiResponse.ok(ok());
        }
        ObjectNode failed = failed("resource alarm(s) in effect in the cluster");
        ArrayNode alarms = failed.putArray("alarms");
        if (alarm.contains("memory")) {
            alarms.addObject().put("node", ctx.nodeName()).put("resource", "memory");
        }
        if (alarm.contains("disk")) {
            alarms.addObject().put("node", ctx.nodeName()).put("resource", "disk");
        }
        return new ApiResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, failed, Map.of());
    }

    private static List<Integer> ports(ManagementContext ctx) {
        List<Integer> ports = new ArrayList<>(ctx.amqpPorts());
        ports.addAll(ctx.tlsPorts());
        ports.add(ctx.managementPort());
        return ports;
    }

    /**
     * RabbitMQ's aliveness test: declares the non-durable queue {@code aliveness-test}, publishes a message to it
     * through the default exchange and takes it back; ok if the same text comes back.
     */
    private static CompletableFuture<ApiResponse> aliveness(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Access.vhost(ctx, req);
        Queue q = v.declareQueue("aliveness-test", false, false, FieldTable.EMPTY, null);
        byte[] text = "test_message".getBytes(StandardCharsets.US_ASCII);
        io.netty.buffer.ByteBuf raw = Unpooled.buffer();
        BasicProperties.EMPTY.encode(raw);
        v.publish(v.defaultExchange(), new Message("", q.name(), BasicProperties.EMPTY, raw,
                Unpooled.wrappedBuffer(text)));
        CompletableFuture<ApiResponse> done = new CompletableFuture<>();
        q.execute(() -> q.get(true, d -> {
            boolean same = false;
            if (d != null) {
                try {
                    same = d.message().body().equals(Unpooled.wrappedBuffer(text));
                } finally {
                    d.message().release();
                }
            }
            done.complete(same ? ApiResponse.ok(ok())
                    : new ApiResponse(HttpResponseStatus.SERVICE_UNAVAILABLE, failed("aliveness test failed"), Map.of()));
        }));
        return done;
    }
}
