package io.leveret.server.prometheus;

import io.leveret.server.prometheus.Families.Type;
import io.leveret.server.stats.Occupancy;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.Metric;
import io.leveret.server.stats.Statistics;
import io.leveret.server.stats.Statistics.Open;
import java.util.function.ToIntFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * rabbitmq_channel_* and rabbitmq_connection_*: per open channel or connection (label {@code channel}, which
 * RabbitMQ fills with the process id and we with the management API's name), or summed over those open.
 */
final class ChannelFamilies {
    private ChannelFamilies() {
    }

    private record Counter(String name, String help, Metric metric) {
    }

    private static final List<Counter> CHANNEL = List.of(
            new Counter("rabbitmq_channel_messages_published_total",
                    "Total number of messages published into an exchange on a channel", Metric.PUBLISH),
            new Counter("rabbitmq_channel_messages_confirmed_total",
                    "Total number of messages published into an exchange and confirmed on the channel", Metric.CONFIRM),
            new Counter("rabbitmq_channel_messages_unroutable_returned_total",
                    "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable",
                    Metric.RETURN_UNROUTABLE),
            new Counter("rabbitmq_channel_messages_unroutable_dropped_total",
                    "Total number of messages published as non-mandatory into an exchange and dropped as unroutable",
                    Metric.DROP_UNROUTABLE),
            new Counter("rabbitmq_channel_get_ack_total",
                    "Total number of messages fetched with basic.get in manual acknowledgement mode", Metric.GET),
            new Counter("rabbitmq_channel_get_total",
                    "Total number of messages fetched with basic.get in automatic acknowledgement mode", Metric.GET_NO_ACK),
            new Counter("rabbitmq_channel_messages_delivered_ack_total",
                    "Total number of messages delivered to consumers in manual acknowledgement mode", Metric.DELIVER),
            new Counter("rabbitmq_channel_messages_delivered_total",
                    "Total number of messages delivered to consumers in automatic acknowledgement mode",
                    Metric.DELIVER_NO_ACK),
            new Counter("rabbitmq_channel_messages_redelivered_total",
                    "Total number of messages redelivered to consumers", Metric.REDELIVER),
            new Counter("rabbitmq_channel_messages_acked_total",
                    "Total number of messages acknowledged by consumers", Metric.ACK),
            new Counter("rabbitmq_channel_get_empty_total",
                    "Total number of times basic.get operations fetched no message", Metric.GET_EMPTY));

    private static final List<Counter> CONNECTION = List.of(
            new Counter("rabbitmq_connection_incoming_bytes_total", "Total number of bytes received on a connection",
                    Metric.RECV_OCT),
            new Counter("rabbitmq_connection_outgoing_bytes_total", "Total number of bytes sent on a connection",
                    Metric.SEND_OCT));

    static void write(Families f, Statistics stats, boolean perObject) {
        List<Open> channels = open(stats, Kind.CHANNEL);
        List<Open> connections = open(stats, Kind.CONNECTION);
        write(f, channels, CHANNEL, perObject);
        write(f, connections, CONNECTION, perObject);
        gauge(f, "rabbitmq_channel_consumers", "Consumers on a channel", channels, perObject, Occupancy::consumers);
        gauge(f, "rabbitmq_channel_messages_unacked", "Delivered but not yet acknowledged messages", channels,
                perObject, Occupancy::unacked);
        gauge(f, "rabbitmq_connection_channels", "Channels on a connection", connections, perObject,
                Occupancy::channels);
    }

    private static void gauge(Families f, String name, String help, List<Open> open, boolean perObject,
                              ToIntFunction<Occupancy> value) {
        f.family(Families.Type.GAUGE, name, help);
        if (!perObject) {
            long sum = 0;
            for (Open o : open) {
                sum += value.applyAsInt(o.occupancy());
            }
            f.value(sum);
            return;
        }
        for (Open o : open) {
            f.value(value.applyAsInt(o.occupancy()), "channel", o.name());
        }
    }

    private static List<Open> open(Statistics stats, Kind kind) {
        List<Open> list = new ArrayList<>();
        stats.forEachOpen(kind, list::add);
        return list;
    }

    private static void write(Families f, List<Open> open, List<Counter> counters, boolean perObject) {
        for (Counter c : counters) {
            f.family(Type.COUNTER, c.name, c.help);
            if (!perObject) {
                long sum = 0;
                for (Open o : open) {
                    sum += o.counters().get(c.metric);
                }
                f.value(sum);
                continue;
            }
            for (Open o : open) {
                f.value(o.counters().get(c.metric), "channel", o.name());
            }
        }
    }
}
