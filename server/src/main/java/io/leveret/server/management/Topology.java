package io.leveret.server.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.ReplyCode;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.AmqpException;
import io.leveret.server.protocol.Declarations;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.vhost.Binding;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Policies;
import io.leveret.server.vhost.Policy;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Shared by the exchange, queue and binding areas: JSON rows, name rules, and AMQP errors as HTTP ones. */
final class Topology {
    /** The path name of the default exchange, whose real name is empty. */
    static final String DEFAULT_EXCHANGE = "amq.default";

    private Topology() {
    }

    /** The exchange a path segment names ({@code amq.default} is the default exchange), or null. */
    static Exchange exchange(VirtualHost v, String pathName) {
        return v.exchange(pathName.equals(DEFAULT_EXCHANGE) ? "" : pathName);
    }

    /**
     * The vhost of a mutation: RabbitMQ answers a PUT or POST into a missing vhost with its own 404 body,
     * not the generic one.
     */
    static VirtualHost vhostForChange(ManagementContext ctx, ApiRequest req) {
        if (!ctx.services().vhosts().containsKey(req.param("vhost"))) {
            throw new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", "vhost_not_found");
        }
        return Access.vhost(ctx, req);
    }

    /** An AMQP refusal as the HTTP answer RabbitMQ gives for it. */
    static ApiException http(AmqpException e) {
        return switch (e.replyCode()) {
            case ReplyCode.ACCESS_REFUSED -> accessRefused();
            case ReplyCode.NOT_FOUND -> ApiException.notFound();
            default -> ApiException.badRequest(Declarations.detail(e));
        };
    }

    static ApiException accessRefused() {
        return new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised", "Access refused.");
    }

    /** Runs a check that throws AMQP errors, throwing the HTTP ones instead. */
    static void check(Runnable check) {
        try {
            check.run();
        } catch (AmqpException e) {
            throw http(e);
        }
    }

    /** Completes with {@code response} once {@code written} (a store write) has, so the change is durable. */
    static CompletableFuture<ApiResponse> after(CompletableFuture<Void> written, ApiResponse response) {
        return written.handle((ok, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                throw new CompletionException(cause);
            }
            return response;
        });
    }

    static ObjectNode exchangeRow(ManagementContext ctx, VirtualHost v, Exchange x, SampleRange range) {
        ObjectNode o = Json.object();
        Rates.messageStats(o, ctx.statistics().messageStats(Kind.EXCHANGE, v.name(), x.name(), range));
        o.set("arguments", StoredForm.toJson(x.arguments()));
        o.put("auto_delete", x.autoDelete());
        o.put("durable", x.durable());
        o.put("internal", x.internal());
        o.put("name", x.name());
        o.put("type", x.type());
        o.put("vhost", v.name());
        return o;
    }

    /** A queue with the counts read on its thread. */
    static ObjectNode queueRow(ManagementContext ctx, QueueState s, SampleRange range) {
        Queue q = s.queue();
        ObjectNode o = Json.object();
        Rates.messageStats(o, ctx.statistics().messageStats(Kind.QUEUE, q.vhost().name(), q.name(), range));
        o.set("arguments", StoredForm.toJson(q.arguments()));
        o.put("auto_delete", q.autoDelete());
        o.put("consumers", s.consumers());
        // RabbitMQ answers a bare 0 for a queue without consumers, a share otherwise; both names, as 3.10 does.
        if (s.consumers() == 0) {
            o.put("consumer_capacity", 0);
            o.put("consumer_utilisation", 0);
        } else {
            o.put("consumer_capacity", s.consumerCapacity());
            o.put("consumer_utilisation", s.consumerCapacity());
        }
        o.put("durable", q.durable());
        o.put("exclusive", q.exclusive());
        o.putNull("exclusive_consumer_tag");
        o.put("message_bytes", s.messageBytes());
        o.put("message_bytes_ready", s.readyBytes());
        o.put("message_bytes_unacknowledged", s.unackedBytes());
        o.put("messages", s.messages());
        o.put("messages_ready", s.ready());
        o.put("messages_unacknowledged", s.unacked());
        o.put("name", q.name());
        // In a cluster, the queue's home node (RabbitMQ's "node": where the queue process runs).
        o.put("node", q.remoteHome() != null ? q.remoteHome() : ctx.nodeName());
        Policies policies = q.vhost().policies();
        Policy policy = policies.match(true, q.name(), false);
        Policy operatorPolicy = policies.match(true, q.name(), true);
        o.put("operator_policy", operatorPolicy == null ? null : operatorPolicy.name());
        o.put("policy", policy == null ? null : policy.name());
        o.set("effective_policy_definition", StoredForm.toJson(policies.effective(true, q.name())));
        o.put("state", "running");
        o.put("type", q.type().wireName());
        if (q.type() == io.leveret.server.vhost.QueueType.QUORUM) {
            // RabbitMQ's Raft membership of the queue; on one node, a group of one led by this node.
            o.put("leader", ctx.nodeName());
            o.putArray("members").add(ctx.nodeName());
            o.putArray("online").add(ctx.nodeName());
        }
        o.put("vhost", q.vhost().name());
        Rates.addMissing(o, ctx.statistics().queueLengths(q.vhost().name(), q.name(), range));
        return o;
    }

    /** Every binding in {@code v}: the default exchange's implicit one per queue first, then the others. */
    static List<ObjectNode> bindingRows(VirtualHost v) {
        List<ObjectNode> rows = new ArrayList<>();
        List<Queue> queues = new ArrayList<>(v.queues());
        queues.sort(java.util.Comparator.comparing(Queue::name));
        for (Queue q : queues) {
            rows.add(bindingRow(v.name(), "", q.name(), "queue", q.name(), io.leveret.codec.FieldTable.EMPTY));
        }
        List<Binding> bindings = new ArrayList<>();
        for (Exchange x : v.exchanges()) {
            bindings.addAll(x.bindings());
        }
        bindings.sort(BINDING_ORDER);
        for (Binding b : bindings) {
            rows.add(bindingRow(v.name(), b));
        }
        return rows;
    }

    /** RabbitMQ lists bindings by source, then routing key, then destination (exchanges before queues). */
    static final java.util.Comparator<Binding> BINDING_ORDER = java.util.Comparator
            .comparing((Binding b) -> b.source().name())
            .thenComparing(Binding::routingKey)
            .thenComparing(b -> b.destination() instanceof Queue ? 1 : 0)
            .thenComparing(b -> b.destination().name());

    /** {@code bindings} as rows, in RabbitMQ's order. */
    static List<ObjectNode> bindingRows(String vhost, List<Binding> bindings) {
        List<Binding> sorted = new ArrayList<>(bindings);
        sorted.sort(BINDING_ORDER);
        return sorted.stream().map(b -> bindingRow(vhost, b)).toList();
    }

    static ObjectNode bindingRow(String vhost, Binding b) {
        return bindingRow(vhost, b.source().name(), b.destination().name(),
                b.destination() instanceof Queue ? "queue" : "exchange", b.routingKey(), b.arguments());
    }

    private static ObjectNode bindingRow(String vhost, String source, String destination, String type, String key,
                                         io.leveret.codec.FieldTable args) {
        ObjectNode o = Json.object();
        o.put("source", source);
        o.put("vhost", vhost);
        o.put("destination", destination);
        o.put("destination_type", type);
        o.put("routing_key", key);
        o.set("arguments", StoredForm.toJson(args));
        o.put("properties_key", propertiesKey(key, args));
        return o;
    }

    /**
     * A binding's name in URLs: the routing key ('~' escaped) when it has no arguments, else the key, '~' and
     * a digest of the arguments. Clients take it from a listing and hand it back; it is opaque to them.
     */
    static String propertiesKey(String key, io.leveret.codec.FieldTable args) {
        String quoted = key.replace("%", "%25").replace("~", "%7E");
        if (args.isEmpty()) {
            return quoted;
        }
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(
                    StoredForm.toJson(args).toString().getBytes(StandardCharsets.UTF_8));
            return quoted + "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
