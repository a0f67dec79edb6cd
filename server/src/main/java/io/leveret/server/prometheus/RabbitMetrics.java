package io.leveret.server.prometheus;

import io.leveret.server.prometheus.Families.Type;
import io.leveret.server.protocol.ResourceAlarms;
import io.leveret.server.protocol.Version;
import io.leveret.server.stats.Churn;
import io.leveret.server.stats.GlobalCounts;
import io.leveret.server.stats.GlobalCounts.Reason;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.Metric;
import io.leveret.server.stats.Statistics;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.VirtualHost;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * rabbitmq_prometheus's families, names, types, labels and help texts, filled from Leveret's counters.
 * {@code /metrics} aggregates: one unlabelled sample per family (the {@code rabbitmq_global_*} ones carry
 * {@code protocol} and {@code queue_type}, as in RabbitMQ); {@code /metrics/per-object} labels queue
 * families with {@code vhost} and {@code queue}, and channel and connection families with {@code channel}.
 * Counters are read live at scrape time; like RabbitMQ's, the per-channel and per-connection families only
 * cover what is open, while the global ones never go down.
 */
public final class RabbitMetrics {
    private static final String CLASSIC = QueueType.CLASSIC.rabbitModule();
    /** RabbitMQ's third queue type, which Leveret does not have: its series are there, at 0, as RabbitMQ's are. */
    private static final String STREAM = "rabbit_stream_queue";
    private static final String AT_LEAST_ONCE = "at_least_once";
    private static final String AT_MOST_ONCE = "at_most_once";
    private static final String DISABLED = "disabled";
    private static final String AMQP = "amqp091";

    private final Statistics stats;
    private final Supplier<? extends Collection<VirtualHost>> vhosts;
    private final ResourceAlarms alarms;
    private final String node;
    private final String cluster;
    private final String clusterId;

    public RabbitMetrics(Statistics stats, Supplier<? extends Collection<VirtualHost>> vhosts, ResourceAlarms alarms,
                         String node, String cluster) {
        this.stats = stats;
        this.vhosts = vhosts;
        this.alarms = alarms;
        this.node = node;
        this.cluster = cluster;
        this.clusterId = permanentId(cluster);
    }

    /**
     * RabbitMQ draws rabbitmq_cluster_permanent_id at random and stores it; ours is derived from the cluster
     * name, so it is as stable as that name without a stored value.
     */
    private static String permanentId(String cluster) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(cluster.getBytes(StandardCharsets.UTF_8));
            return "rabbitmq-cluster-id-" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(java.util.Arrays.copyOf(h, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    public MetricSnapshots collect(boolean perObject) {
        Families f = new Families();
        identity(f);
        resources(f);
        churn(f);
        objects(f, perObject);
        global(f);
        return new MetricSnapshots(f.snapshots());
    }

    private void identity(Families f) {
        f.family(Type.UNTYPED, "rabbitmq_build_info", "RabbitMQ & Erlang/OTP version info")
                .value(1, "rabbitmq_version", Version.RABBITMQ, "prometheus_plugin_version", Version.RABBITMQ,
                        "product_name", "Leveret", "product_version", Version.LEVERET);
        f.family(Type.UNTYPED, "rabbitmq_identity_info", "RabbitMQ node & cluster identity info")
                .value(1, "rabbitmq_node", node, "rabbitmq_cluster", cluster,
                        "rabbitmq_cluster_permanent_id", clusterId);
    }

    private void resources(Families f) {
        f.family(Type.UNTYPED, "rabbitmq_alarms_free_disk_space_watermark",
                "is 1 if free disk space watermark alarm is in effect").value(alarms.diskAlarm() ? 1 : 0);
        f.family(Type.UNTYPED, "rabbitmq_alarms_memory_used_watermark",
                "is 1 if VM memory watermark alarm is in effect").value(alarms.memoryAlarm() ? 1 : 0);
        Runtime rt = Runtime.getRuntime();
        f.family(Type.GAUGE, "rabbitmq_process_resident_memory_bytes", "Memory used in bytes")
                .value(rt.totalMemory() - rt.freeMemory() + io.netty.util.internal.PlatformDependent.usedDirectMemory());
        if (alarms.memoryLimit() != Long.MAX_VALUE) {
            f.family(Type.GAUGE, "rabbitmq_resident_memory_limit_bytes", "Memory high watermark in bytes")
                    .value(alarms.memoryLimit());
        }
        f.family(Type.GAUGE, "rabbitmq_disk_space_available_bytes", "Disk space available in bytes")
                .value(alarms.diskFree());
        f.family(Type.GAUGE, "rabbitmq_disk_space_available_limit_bytes", "Free disk space low watermark in bytes")
                .value(alarms.diskFreeLimit());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            f.family(Type.GAUGE, "rabbitmq_process_open_fds", "Open file descriptors")
                    .value(os.getOpenFileDescriptorCount());
            f.family(Type.GAUGE, "rabbitmq_process_max_fds", "Open file descriptors limit")
                    .value(os.getMaxFileDescriptorCount());
        }
        f.family(Type.GAUGE, "rabbitmq_erlang_uptime_seconds", "Node uptime")
                .value(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }

    private void churn(Families f) {
        long[] t = stats.liveTotals();
        f.family(Type.COUNTER, "rabbitmq_connections_opened_total", "Total number of connections opened")
                .value(t[Churn.CONNECTION_CREATED.column()]);
        f.family(Type.COUNTER, "rabbitmq_connections_closed_total",
                "Total number of connections closed or terminated").value(t[Churn.CONNECTION_CLOSED.column()]);
        f.family(Type.COUNTER, "rabbitmq_channels_opened_total", "Total number of channels opened")
                .value(t[Churn.CHANNEL_CREATED.column()]);
        f.family(Type.COUNTER, "rabbitmq_channels_closed_total", "Total number of channels closed")
                .value(t[Churn.CHANNEL_CLOSED.column()]);
        f.family(Type.COUNTER, "rabbitmq_queues_declared_total", "Total number of queues declared")
                .value(t[Churn.QUEUE_DECLARED.column()]);
        f.family(Type.COUNTER, "rabbitmq_queues_created_total", "Total number of queues created")
                .value(t[Churn.QUEUE_CREATED.column()]);
        f.family(Type.COUNTER, "rabbitmq_queues_deleted_total", "Total number of queues deleted")
                .value(t[Churn.QUEUE_DELETED.column()]);
    }

    /** The per-object families: per queue, channel and connection, or their sums. */
    private void objects(Families f, boolean perObject) {
        QueueFamilies.write(f, vhosts.get(), perObject);
        ChannelFamilies.write(f, stats, perObject);
        int queues = 0;
        int consumers = 0;
        for (VirtualHost v : vhosts.get()) {
            for (Queue q : v.queues()) {
                queues++;
                consumers += q.consumerCount();
            }
        }
        int[] open = new int[2];
        stats.forEachOpen(Kind.CONNECTION, o -> open[0]++);
        stats.forEachOpen(Kind.CHANNEL, o -> open[1]++);
        f.family(Type.GAUGE, "rabbitmq_connections", "Connections currently open").value(open[0]);
        f.family(Type.GAUGE, "rabbitmq_channels", "Channels currently open").value(open[1]);
        f.family(Type.GAUGE, "rabbitmq_consumers", "Consumers currently connected").value(consumers);
        f.family(Type.GAUGE, "rabbitmq_queues", "Queues available").value(queues);
        f.family(Type.GAUGE, "rabbitmq_global_consumers", "Current number of consumers").value(consumers, "protocol", AMQP);
        int[] publishers = new int[1];
        stats.forEachOpen(Kind.CHANNEL, o -> publishers[0] += o.counters().get(Metric.PUBLISH) > 0 ? 1 : 0);
        f.family(Type.GAUGE, "rabbitmq_global_publishers", "Current number of publishers")
                .value(publishers[0], "protocol", AMQP);
    }

    /** rabbitmq_global_*: every message since boot, closed channels included. */
    private void global(Families f) {
        long[] t = stats.liveTotals();
        perQueueType(f, "rabbitmq_global_messages_acknowledged_total",
                "Total number of messages acknowledged by consumers", t, Metric.ACK);
        f.family(Type.COUNTER, "rabbitmq_global_messages_confirmed_total",
                "Total number of messages confirmed to publishers").value(t[Metric.CONFIRM.ordinal()], "protocol", AMQP);
        deadLettered(f, t);
        perQueueType(f, "rabbitmq_global_messages_delivered_consume_auto_ack_total",
                "Total number of messages delivered to consumers using basic.consume with automatic acknowledgment",
                t, Metric.DELIVER_NO_ACK);
        perQueueType(f, "rabbitmq_global_messages_delivered_consume_manual_ack_total",
                "Total number of messages delivered to consumers using basic.consume with manual acknowledgment",
                t, Metric.DELIVER);
        perQueueType(f, "rabbitmq_global_messages_delivered_get_auto_ack_total",
                "Total number of messages delivered to consumers using basic.get with automatic acknowledgment",
                t, Metric.GET_NO_ACK);
        perQueueType(f, "rabbitmq_global_messages_delivered_get_manual_ack_total",
                "Total number of messages delivered to consumers using basic.get with manual acknowledgment",
                t, Metric.GET);
        perQueueType(f, "rabbitmq_global_messages_delivered_total", "Total number of messages delivered to consumers",
                t, Metric.DELIVER, Metric.DELIVER_NO_ACK, Metric.GET, Metric.GET_NO_ACK);
        perQueueType(f, "rabbitmq_global_messages_get_empty_total",
                "Total number of times basic.get operations fetched no message", t, Metric.GET_EMPTY);
        f.family(Type.COUNTER, "rabbitmq_global_messages_received_confirm_total",
                "Total number of messages received from publishers expecting confirmations")
                .value(t[Metric.RECEIVED_CONFIRM.ordinal()], "protocol", AMQP);
        f.family(Type.COUNTER, "rabbitmq_global_messages_received_total",
                "Total number of messages received from publishers").value(t[Metric.PUBLISH.ordinal()], "protocol", AMQP);
        perQueueType(f, "rabbitmq_global_messages_redelivered_total", "Total number of messages redelivered to consumers",
                t, Metric.REDELIVER);
        f.family(Type.COUNTER, "rabbitmq_global_messages_routed_total",
                "Total number of messages routed to queues or streams").value(t[Metric.ROUTED.ordinal()], "protocol", AMQP);
        f.family(Type.COUNTER, "rabbitmq_global_messages_unroutable_dropped_total",
                "Total number of messages published as non-mandatory into an exchange and dropped as unroutable")
                .value(t[Metric.DROP_UNROUTABLE.ordinal()], "protocol", AMQP);
        f.family(Type.COUNTER, "rabbitmq_global_messages_unroutable_returned_total",
                "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable")
                .value(t[Metric.RETURN_UNROUTABLE.ordinal()], "protocol", AMQP);
    }

    /**
     * One sample per queue type, as RabbitMQ has them: classic (the total less the quorum queues' share), quorum,
     * and stream, which Leveret does not have and which is therefore always 0.
     */
    private static void perQueueType(Families f, String name, String help, long[] t, Metric... metrics) {
        long all = 0;
        long quorum = 0;
        for (Metric m : metrics) {
            all += t[m.ordinal()];
            quorum += t[GlobalCounts.quorum(m)];
        }
        f.family(Type.COUNTER, name, help)
                .value(all - quorum, "protocol", AMQP, "queue_type", CLASSIC)
                .value(quorum, "protocol", AMQP, "queue_type", QueueType.QUORUM.rabbitModule())
                .value(0, "protocol", AMQP, "queue_type", STREAM);
    }

    /**
     * rabbitmq_global_messages_dead_lettered_*: the series RabbitMQ 3.10.8 has for each reason, by queue type and
     * dead_letter_strategy ("disabled" where the queue had no dead-letter exchange and dropped the message).
     * Leveret dead-letters at most once, so the at_least_once series stay 0; and since only quorum queues take
     * at-least-once there, only they have those series. A classic queue's delivery limit is Leveret's own:
     * RabbitMQ has no series for it, so they appear only once such a message was counted.
     */
    private static void deadLettered(Families f, long[] t) {
        f.family(Type.COUNTER, "rabbitmq_global_messages_dead_lettered_confirmed_total",
                "Total number of messages dead-lettered and confirmed by target queues")
                .value(0, "queue_type", QueueType.QUORUM.rabbitModule(), "dead_letter_strategy", AT_LEAST_ONCE);
        deadLettered(f, t, Reason.DELIVERY_LIMIT, "rabbitmq_global_messages_dead_lettered_delivery_limit_total",
                "Total number of messages dead-lettered due to delivery-limit exceeded");
        deadLettered(f, t, Reason.EXPIRED, "rabbitmq_global_messages_dead_lettered_expired_total",
                "Total number of messages dead-lettered due to message TTL exceeded");
        deadLettered(f, t, Reason.MAXLEN, "rabbitmq_global_messages_dead_lettered_maxlen_total",
                "Total number of messages dead-lettered due to overflow drop-head or reject-publish-dlx");
        deadLettered(f, t, Reason.REJECTED, "rabbitmq_global_messages_dead_lettered_rejected_total",
                "Total number of messages dead-lettered due to basic.reject or basic.nack");
    }

    private static void deadLettered(Families f, long[] t, Reason reason, String name, String help) {
        f.family(Type.COUNTER, name, help);
        long classicToExchange = t[GlobalCounts.deadLettered(reason, false, true)];
        long classicDropped = t[GlobalCounts.deadLettered(reason, false, false)];
        if (reason != Reason.DELIVERY_LIMIT || classicToExchange + classicDropped > 0) {
            f.value(classicToExchange, "queue_type", CLASSIC, "dead_letter_strategy", AT_MOST_ONCE)
                    .value(classicDropped, "queue_type", CLASSIC, "dead_letter_strategy", DISABLED);
        }
        String quorum = QueueType.QUORUM.rabbitModule();
        if (reason != Reason.MAXLEN) {
            // RabbitMQ's at-least-once needs x-overflow reject-publish, so it never drops the head for length.
            f.value(0, "queue_type", quorum, "dead_letter_strategy", AT_LEAST_ONCE);
        }
        f.value(t[GlobalCounts.deadLettered(reason, true, true)], "queue_type", quorum, "dead_letter_strategy",
                        AT_MOST_ONCE)
                .value(t[GlobalCounts.deadLettered(reason, true, false)], "queue_type", quorum,
                        "dead_letter_strategy", DISABLED);
    }
}
