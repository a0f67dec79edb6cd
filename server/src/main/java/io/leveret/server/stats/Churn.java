package io.leveret.server.stats;

/**
 * RabbitMQ's churn counters: how many connections, channels and queues came and went. They are the
 * overview's {@code churn_rates} (named as its JSON names them) and Prometheus' {@code *_opened_total},
 * {@code *_closed_total}, {@code rabbitmq_queues_*_total}. Each vhost counts its own; a vhost's and the
 * broker's samples carry them after the counters and gauges.
 */
public enum Churn {
    CHANNEL_CLOSED("channel_closed"),
    CHANNEL_CREATED("channel_created"),
    CONNECTION_CLOSED("connection_closed"),
    CONNECTION_CREATED("connection_created"),
    QUEUE_CREATED("queue_created"),
    QUEUE_DECLARED("queue_declared"),
    QUEUE_DELETED("queue_deleted");

    static final Churn[] ALL = values();

    private final String key;

    Churn(String key) {
        this.key = key;
    }

    /** The name in RabbitMQ's {@code churn_rates}. */
    public String key() {
        return key;
    }

    /** Where this count sits in a totals row (and in {@link Statistics#liveTotals()}). */
    public int column() {
        return Gauge.ROW + ordinal();
    }
}
