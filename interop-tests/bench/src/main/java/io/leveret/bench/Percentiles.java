package io.leveret.bench;

/**
 * Latency percentiles in milliseconds; {@link #NONE} (NaN everywhere) when PerfTest reported none.
 */
public record Percentiles(double p50, double p95, double p99) {
    public static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN);

    public boolean isPresent() {
        return !Double.isNaN(p50);
    }

    /** PerfTest prints {@code min/median/75th/95th/99th} in microseconds. */
    static Percentiles fromPerfTestMicros(double median, double p95, double p99) {
        return new Percentiles(median / 1000.0, p95 / 1000.0, p99 / 1000.0);
    }
}
