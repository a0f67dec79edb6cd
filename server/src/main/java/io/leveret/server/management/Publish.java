package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Message;
import io.leveret.server.vhost.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * POST /api/exchanges/{vhost}/{exchange}/publish: a message built from JSON, routed as a publish is, answered
 * with {@code {"routed":…}}; and the message properties as JSON both ways (get shows them the same way).
 */
final class Publish {
    private Publish() {
    }

    static CompletableFuture<ApiResponse> publish(ManagementContext ctx, ApiRequest req) {
        VirtualHost v = Access.vhost(ctx, req);
        JsonNode body = req.json();
        requireKeys(body, "routing_key", "properties", "payload", "payload_encoding");
        Exchange x = Topology.exchange(v, req.param("exchange"));
        if (x == null) {
            throw ApiException.badRequest("404 NOT_FOUND - no exchange '" + req.param("exchange") + "' in vhost '"
                    + v.name() + "'");
        }
        if (!Access.allowed(ctx, req, v.name(), io.leveret.server.security.Permission.Access.WRITE, x.name())) {
            // RabbitMQ publishes on an internal AMQP channel and reports that channel's refusal.
            throw ApiException.badRequest("403 ACCESS_REFUSED - access to exchange '" + x.name() + "' in vhost '"
                    + v.name() + "' refused for user '" + req.user().name() + "'");
        }
        String encoding = Json.text(body, "payload_encoding", "");
        String payloadText = Json.text(body, "payload", "");
        byte[] payload;
        if (encoding.equals("string")) {
            payload = payloadText.getBytes(StandardCharsets.UTF_8);
        } else if (encoding.equals("base64")) {
            try {
                payload = Base64.getDecoder().decode(payloadText.replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                        Json.array().add("not_base64").add(payloadText));
            }
        } else {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    Json.array().add("unsupported_encoding").add(encoding));
        }
        BasicProperties props = properties(body.get("properties"));
        ByteBuf raw = Unpooled.buffer();
        props.encode(raw);
        Message m = new Message(x.name(), Json.text(body, "routing_key", ""), props, raw,
                Unpooled.wrappedBuffer(payload));
        int routed = v.publish(x, m);
        return CompletableFuture.completedFuture(ApiResponse.ok(Json.object().put("routed", routed > 0)));
    }

    /** RabbitMQ's 400 for missing keys: the list of {key_missing, K} as Erlang prints it. */
    static void requireKeys(JsonNode body, String... keys) {
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            if (!body.has(k)) {
                missing.add("{key_missing," + k + "}");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String oneLine = "[" + String.join(",", missing) + "]";
        // io_lib's ~p breaks a list that does not fit its line, one element per line, indented by one.
        throw ApiException.badRequest(oneLine.length() < 79 ? oneLine : "[" + String.join(",\n ", missing) + "]");
    }

    /** The JSON properties object as basic properties; a field of the wrong kind is RabbitMQ's 400. */
    static BasicProperties properties(JsonNode p) {
        if (p == null || !p.isObject()) {
            return BasicProperties.EMPTY;
        }
        FieldTable headers = null;
        JsonNode h = p.get("headers");
        if (h != null && h.isObject()) {
            headers = StoredForm.table(h);
        }
        return new BasicProperties(str(p, "content_type"), str(p, "content_encoding"), headers,
                integer(p, "delivery_mode"), integer(p, "priority"), str(p, "correlation_id"), str(p, "reply_to"),
                str(p, "expiration"), str(p, "message_id"),
                p.has("timestamp") ? Long.valueOf(integer(p, "timestamp")) : null, str(p, "type"),
                str(p, "user_id"), str(p, "app_id"), str(p, "cluster_id"));
    }

    private static String str(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode p, String field) {
        JsonNode v = p.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.intValue();
        }
        if (v.isTextual()) {
            try {
                return Integer.valueOf(v.textValue());
            } catch (NumberFormatException e) {
                // falls through to RabbitMQ's answer
            }
        }
        throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                Json.array().add("not_int").add(field));
    }

    /**
     * Properties as get shows them: only those present; none at all is an empty JSON list, as RabbitMQ's
     * encoder writes an empty Erlang proplist.
     */
    static JsonNode json(BasicProperties p) {
        // RabbitMQ lists the present properties in name order.
        java.util.TreeMap<String, JsonNode> sorted = new java.util.TreeMap<>();
        text(sorted, "content_type", p.contentType());
        text(sorted, "content_encoding", p.contentEncoding());
        if (p.headers() != null) {
            sorted.put("headers", StoredForm.toJson(p.headers()));
        }
        if (p.deliveryMode() != null) {
            sorted.put("delivery_mode", com.fasterxml.jackson.databind.node.IntNode.valueOf(p.deliveryMode()));
        }
        if (p.priority() != null) {
            sorted.put("priority", com.fasterxml.jackson.databind.node.IntNode.valueOf(p.priority()));
        }
        text(sorted, "correlation_id", p.correlationId());
        text(sorted, "reply_to", p.replyTo());
        text(sorted, "expiration", p.expiration());
        text(sorted, "message_id", p.messageId());
        if (p.timestamp() != null) {
            sorted.put("timestamp", com.fasterxml.jackson.databind.node.LongNode.valueOf(p.timestamp()));
        }
        text(sorted, "type", p.type());
        text(sorted, "user_id", p.userId());
        text(sorted, "app_id", p.appId());
        text(sorted, "cluster_id", p.clusterId());
        if (sorted.isEmpty()) {
            return Json.array();
        }
        ObjectNode o = Json.object();
        o.setAll(sorted);
        return o;
    }

    private static void text(java.util.Map<String, JsonNode> out, String field, String value) {
        if (value != null) {
            out.put(field, com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
        }
    }
}
