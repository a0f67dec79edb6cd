package io.leveret.server.stats;

/** Counters the sampler may read from any thread. */
public interface CounterSource {
    long get(Metric m);

    /** The share of {@code m} that concerned quorum queues; none unless the source counts it. */
    default long quorum(Metric m) {
        return 0;
    }

    /**
     * Adds every counter to {@code into}, indexed by {@link Metric#ordinal()}, and, if it is as wide as a totals
     * row, the quorum queues' shares too ({@link GlobalCounts#quorum}).
     */
    default void addTo(long[] into) {
        boolean totals = into.length >= GlobalCounts.TOTALS_ROW;
        for (Metric m : Metric.ALL) {
            into[m.ordinal()] += get(m);
            if (totals) {
                into[GlobalCounts.quorum(m)] += quorum(m);
            }
        }
    }
}
