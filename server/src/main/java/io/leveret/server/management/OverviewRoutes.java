package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.protocol.Version;
import io.leveret.server.security.User;
import io.leveret.server.stats.SampleRange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The node as a whole: overview, whoami, cluster-name, nodes, extensions. */
final class OverviewRoutes implements Routes {

    @Override
    public void register(Router router, ManagementContext ctx) {
        router.add(io.netty.handler.codec.http.HttpMethod.GET, "/api/overview", Tag.MANAGEMENT, req -> overview(ctx, req));
        router.get("/api/whoami", Tag.MANAGEMENT, req -> whoami(req.user()));
        router.get("/api/cluster-name", Tag.MANAGEMENT, req -> Json.object().put("name", ctx.clusterName()));
        router.get("/api/extensions", Tag.MANAGEMENT, req -> Json.array());
        router.get("/api/nodes", Tag.MONITORING, req -> nodes(ctx));
        router.get("/api/nodes/{node}", Tag.MONITORING, req -> {
            for (JsonNode node : nodes(ctx)) {
                if (node.path("name").asText().equals(req.param("node"))) {
                    return node;
                }
            }
            throw ApiException.notFound();
        });
    }

    static ObjectNode whoami(User user) {
        ObjectNode o = Json.object().put("name", user.name());
        ArrayNode tags = o.putArray("tags");
        user.tags().forEach(tags::add);
        return o;
    }

    private static java.util.concurrent.CompletionStage<ApiResponse> overview(ManagementContext ctx, ApiRequest req) {
        List<VirtualHost> vhosts = Access.visibleVhosts(ctx, req.user());
        List<Queue> queues = new ArrayList<>();
        long exchanges = 0;
        for (VirtualHost v : vhosts) {
            queues.addAll(v.queues());
            exchanges += v.exchanges().size();
        }
        long exchangeCount = exchanges;
        SampleRange range = Rates.range(req);
        CompletableFuture<List<io.leveret.server.protocol.ConnectionView>> connections =
                ConnectionRoutes.views(ctx, req, null);
        return QueueState.of(queues).thenCombine(connections, (states, views) -> {
            QueueState.Totals t = QueueState.Totals.of(states);
            ObjectNode o = Json.object();
            o.put("management_version", Version.RABBITMQ);
            o.put("rates_mode", ctx.statistics().enabled() ? "basic" : "none");
            // What History keeps: RabbitMQ's basic policy keeps an hour of coarser samples too, Leveret 600 s.
            ObjectNode retention = o.putObject("sample_retention_policies");
            for (String policy : List.of("global", "basic", "detailed")) {
                retention.putArray(policy).add(600);
            }
            ArrayNode types = o.putArray("exchange_types");
            for (String type : List.of("direct", "fanout", "headers", "topic")) {
                types.addObject().put("name", type)
                        .put("description", "AMQP " + type + " exchange, as per the AMQP specification")
                        .put("enabled", true);
            }
            o.put("product_version", Version.RABBITMQ);
            o.put("product_name", "RabbitMQ");
            o.put("rabbitmq_version", Version.RABBITMQ);
            o.put("leveret_version", Version.LEVERET);
            o.put("cluster_name", ctx.clusterName());
            o.put("erlang_version", "none");
            o.put("erlang_full_version", "Leveret on Java " + Runtime.version());
            o.put("disable_stats", !ctx.statistics().enabled());
            o.put("enable_queue_totals", false);
            // A monitoring or administrator user sees the broker's totals and the node; any other user the sums
            // over the vhosts they may access, and nothing of the node, as in RabbitMQ.
            boolean monitor = Access.seesEveryVhost(req.user());
            Map<String, Object> sampled = monitor ? ctx.statistics().overview(range)
                    : ctx.statistics().overview(vhosts.stream().map(VirtualHost::name).toList(), range);
            Rates.messageStats(o, Rates.part(sampled, "message_stats"));
            o.set("churn_rates", Json.MAPPER.valueToTree(Rates.part(sampled, "churn_rates")));
            ObjectNode queueTotals = o.putObject("queue_totals");
            if (!queues.isEmpty()) { // no queue, no totals: RabbitMQ answers {}
                queueTotals.put("messages", t.messages())
                        .put("messages_ready", t.ready())
                        .put("messages_unacknowledged", t.unacked());
                Rates.addMissing(queueTotals, Rates.part(sampled, "queue_totals"));
            }
            ObjectNode objectTotals = o.putObject("object_totals")
                    .put("channels", views.stream().mapToInt(v -> v.channelViews().size()).sum())
                    .put("connections", views.size());
            if (monitor) {
                objectTotals.put("consumers", t.consumers());
            }
            objectTotals.put("exchanges", exchangeCount).put("queues", queues.size());
            o.put("statistics_db_event_queue", 0);
            if (monitor) {
                o.put("node", ctx.nodeName());
                ArrayNode listeners = o.putArray("listeners");
                ctx.amqpPorts().forEach(p -> listener(listeners, ctx, "amqp", p));
                ctx.tlsPorts().forEach(p -> listener(listeners, ctx, "amqp/ssl", p));
                o.putArray("contexts");
            }
            return ApiResponse.ok(ListQuery.columns(o, req.query("columns")));
        });
    }

    private static void listener(ArrayNode out, ManagementContext ctx, String protocol, int port) {
        out.addObject().put("node", ctx.nodeName()).put("protocol", protocol).put("ip_address", "::")
                .put("port", port);
    }

    /**
     * Every node of the cluster, or this one alone. This node is described in full; a peer by what this node
     * knows of it: its name, its type and whether it answered a Raft request just now (RabbitMQ's shape for a
     * node it does not get statistics from). {@code metadata_leader}, Leveret's own, marks the metadata
     * group's leader as this node knows it.
     */
    static ArrayNode nodes(ManagementContext ctx) {
        ArrayNode out = Json.array();
        if (ctx.cluster() == null) {
            return out.add(node(ctx));
        }
        for (io.leveret.server.cluster.ClusterMembership.NodeState state : ctx.cluster().nodes()) {
            ObjectNode o = state.name().equals(ctx.nodeName()) ? node(ctx)
                    : Json.object().put("name", state.name()).put("type", "disc").put("running", state.running());
            out.add(o.put("metadata_leader", state.leader()));
        }
        return out;
    }

    /** This node as /api/nodes shows it: what the JVM can tell truthfully. */
    static ObjectNode node(ManagementContext ctx) {
        Runtime rt = Runtime.getRuntime();
        ObjectNode o = Json.object();
        o.put("name", ctx.nodeName());
        o.put("type", "disc");
        o.put("running", true);
        o.put("being_drained", false);
        o.put("processors", rt.availableProcessors());
        o.put("uptime", System.currentTimeMillis() - ctx.started().toEpochMilli());
        o.put("mem_used", rt.totalMemory() - rt.freeMemory());
        // RabbitMQ's mem_limit is the high watermark in bytes (set_vm_memory_high_watermark changes it)
        io.leveret.server.protocol.ResourceAlarms alarms = ctx.services().alarms();
        o.put("mem_limit", alarms.memoryLimit() == Long.MAX_VALUE ? rt.maxMemory() : alarms.memoryLimit());
        o.put("disk_free_limit", alarms.diskFreeLimit());
        String alarm = alarms.reason();
        o.put("mem_alarm", alarm != null && alarm.contains("memory"));
        o.put("disk_free_alarm", alarm != null && alarm.contains("disk"));
        o.putArray("partitions");
        o.putArray("applications");
        o.putArray("enabled_plugins").add("rabbitmq_management");
        return o;
    }
}
