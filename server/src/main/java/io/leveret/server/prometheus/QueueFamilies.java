package io.leveret.server.prometheus;

import io.leveret.server.prometheus.Families.Type;
import io.leveret.server.stats.Metric;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.ToLongFunction;

/** rabbitmq_queue_*: per queue (labels vhost, queue), or summed over every queue. */
final class QueueFamilies {
    private QueueFamilies() {
    }

    private record Row(String vhost, String queue, long ready, long unacked, long consumers, long published) {
    }

    static void write(Families f, Collection<VirtualHost> vhosts, boolean perObject) {
        List<Row> rows = new ArrayList<>();
        for (VirtualHost v : vhosts) {
            for (Queue q : v.queues()) {
                rows.add(new Row(v.name(), q.name(), q.messageCount(), q.unackedCount(), q.consumerCount(),
                        q.stats().get(Metric.PUBLISH)));
            }
        }
        family(f, Type.GAUGE, "rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers",
                rows, perObject, Row::ready);
        family(f, Type.GAUGE, "rabbitmq_queue_messages_unacked",
                "Messages delivered to consumers but not yet acknowledged", rows, perObject, Row::unacked);
        family(f, Type.GAUGE, "rabbitmq_queue_messages",
                "Sum of ready and unacknowledged messages - total queue depth", rows, perObject,
                r -> r.ready + r.unacked);
        family(f, Type.GAUGE, "rabbitmq_queue_consumers", "Consumers on a queue", rows, perObject, Row::consumers);
        family(f, Type.COUNTER, "rabbitmq_queue_messages_published_total",
                "Total number of messages published to queues", rows, perObject, Row::published);
    }

    private static void family(Families f, Type type, String name, String help, List<Row> rows, boolean perObject,
                               ToLongFunction<Row> value) {
        f.family(type, name, help);
        if (!perObject) {
            long sum = 0;
            for (Row r : rows) {
                sum += value.applyAsLong(r);
            }
            f.value(sum);
            return;
        }
        for (Row r : rows) {
            f.value(value.applyAsLong(r), "vhost", r.vhost, "queue", r.queue);
        }
    }
}
