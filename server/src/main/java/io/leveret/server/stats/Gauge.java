package io.leveret.server.stats;

/** A queue's lengths, sampled next to the counters so that {@code messages_details} has samples too. */
public enum Gauge {
    MESSAGES("messages"),
    MESSAGES_READY("messages_ready"),
    MESSAGES_UNACKNOWLEDGED("messages_unacknowledged");

    static final Gauge[] ALL = values();

    private final String key;

    Gauge(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** Where this gauge sits in a sample row: after the counters. */
    int column() {
        return Metric.ALL.length + ordinal();
    }

    /** Width of a sample row: every counter, then every gauge. */
    static final int ROW = Metric.ALL.length + ALL.length;
}
