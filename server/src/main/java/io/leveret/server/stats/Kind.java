package io.leveret.server.stats;

import java.util.List;

/** The objects RabbitMQ keeps {@code message_stats} for, each with the keys it shows for them. */
public enum Kind {
    CONNECTION(List.of()),
    CHANNEL(List.of(Metric.ACK, Metric.CONFIRM, Metric.DELIVER, Metric.DELIVER_GET, Metric.DELIVER_NO_ACK,
            Metric.DROP_UNROUTABLE, Metric.GET, Metric.GET_EMPTY, Metric.GET_NO_ACK, Metric.PUBLISH, Metric.REDELIVER,
            Metric.RETURN_UNROUTABLE)),
    QUEUE(List.of(Metric.ACK, Metric.DELIVER, Metric.DELIVER_GET, Metric.DELIVER_NO_ACK, Metric.GET,
            Metric.GET_EMPTY, Metric.GET_NO_ACK, Metric.PUBLISH, Metric.REDELIVER)),
    EXCHANGE(List.of(Metric.PUBLISH_IN, Metric.PUBLISH_OUT)),
    /** A vhost and the whole broker: the channels' counters, summed, closed channels included. */
    TOTALS(CHANNEL.messageMetrics);

    private final List<Metric> messageMetrics;

    Kind(List<Metric> messageMetrics) {
        this.messageMetrics = messageMetrics;
    }

    /** The counters in this kind's {@code message_stats}, in RabbitMQ's (alphabetical) order. */
    List<Metric> messageMetrics() {
        return messageMetrics;
    }
}
