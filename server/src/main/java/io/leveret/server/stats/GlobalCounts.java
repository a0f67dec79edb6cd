package io.leveret.server.stats;

/**
 * The columns of a totals row ({@link Statistics#liveTotals()}, a vhost's and the broker's samples) past the
 * churn counts: what rabbitmq_prometheus shows per queue type and per dead-lettering reason. First the channel
 * counters once more for quorum queues only (the classic queues' share is the total less these), then the
 * messages dead-lettered by reason, queue type and whether the queue had a dead-letter exchange. Per-object
 * rows stop before them, so a queue's or channel's samples are no wider than before.
 */
public final class GlobalCounts {
    /** Why a message left its queue as a dead letter, as rabbitmq_prometheus's family names say it. */
    public enum Reason { EXPIRED, REJECTED, MAXLEN, DELIVERY_LIMIT }

    private static final Reason[] REASONS = Reason.values();
    private static final int QUORUM = Gauge.ROW + Churn.ALL.length;
    private static final int DEAD_LETTERED = QUORUM + Metric.ALL.length;
    /** How many dead-letter columns: each reason, for each of two queue types, with and without an exchange. */
    static final int DEAD_LETTER_COLUMNS = REASONS.length * 4;
    /** Width of a vhost's or the broker's totals row: counters, gauges, churn, then these. */
    public static final int TOTALS_ROW = DEAD_LETTERED + DEAD_LETTER_COLUMNS;

    private GlobalCounts() {
    }

    /** The column of {@code m} counted for quorum queues alone. */
    public static int quorum(Metric m) {
        return QUORUM + m.ordinal();
    }

    /**
     * The column of messages dead-lettered for {@code reason} from a queue of that type; {@code toExchange} false
     * when the queue had no dead-letter exchange and the message was dropped (RabbitMQ's strategy "disabled").
     */
    public static int deadLettered(Reason reason, boolean quorum, boolean toExchange) {
        return DEAD_LETTERED + index(reason, quorum, toExchange);
    }

    /** {@link #deadLettered}'s offset within the dead-letter columns. */
    static int index(Reason reason, boolean quorum, boolean toExchange) {
        return (reason.ordinal() * 2 + (quorum ? 1 : 0)) * 2 + (toExchange ? 1 : 0);
    }

    static int deadLetteredBase() {
        return DEAD_LETTERED;
    }
}
