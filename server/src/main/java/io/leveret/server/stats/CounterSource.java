package io.leveret.server.stats;

/** Counters the sampler may read from any thread. */
public interface CounterSource {
    long get(Metric m);

    /** Adds every counter to {@code into}, indexed by {@link Metric#ordinal()}. */
    default void addTo(long[] into) {
        for (Metric m : Metric.ALL) {
            into[m.ordinal()] += get(m);
        }
    }
}
