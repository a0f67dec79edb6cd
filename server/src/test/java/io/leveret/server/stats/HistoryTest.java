package io.leveret.server.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Samples, rates and RabbitMQ's samples arrays from one history. */
class HistoryTest {
    private static final long T0 = 1_796_447_700_000L;

    private static long[] row(long publish) {
        long[] r = new long[Gauge.ROW];
        r[Metric.PUBLISH.ordinal()] = publish;
        return r;
    }

    @Test
    void rateIsTheIncreaseOverTheLastIntervalPerSecond() {
        History h = new History(60_000);
        h.record(T0, row(10));
        assertEquals(0.0, h.rate(Metric.PUBLISH.ordinal(), 5000), "one sample has no rate yet");
        h.record(T0 + 5000, row(35));
        assertEquals(5.0, h.rate(Metric.PUBLISH.ordinal(), 5000));
        h.record(T0 + 10_000, row(35));
        assertEquals(0.0, h.rate(Metric.PUBLISH.ordinal(), 5000), "idle for an interval: rate back to 0");
    }

    @Test
    void equalSamplesExtendOneRunAndOldRunsAreDropped() {
        History h = new History(20_000);
        h.record(T0, row(1));
        for (int i = 1; i <= 10; i++) {
            h.record(T0 + i * 5000L, row(2));
        }
        assertNull(h.at(T0), "the first run is past retention: dropped");
        assertEquals(2, h.at(T0 + 5000)[Metric.PUBLISH.ordinal()], "ten equal samples are one run, kept whole");
        h.record(T0 + 55_000, row(3));
        assertEquals(2, h.at(T0 + 40_000)[Metric.PUBLISH.ordinal()]);
        assertEquals(3, h.latest()[Metric.PUBLISH.ordinal()]);
    }

    @Test
    @SuppressWarnings("unchecked")
    void samplesAverageAndAverageRateAsRabbitMqComputesThem() {
        // RabbitMQ 3.10.8, queue with 3 publishes 10 s before the query, msg_rates_age=60&msg_rates_incr=5:
        // 13 samples newest first (3, 3, 0 ... 0), avg 6/13, avg_rate 3/60.
        History h = new History(605_000);
        for (long t = T0; t <= T0 + 50_000; t += 5000) {
            h.record(t, row(0));
        }
        h.record(T0 + 55_000, row(3));
        h.record(T0 + 60_000, row(3));
        Map<String, Object> d = h.details(Metric.PUBLISH.ordinal(), 5000, 60_000, 5000, T0 + 60_000);
        List<Map<String, Object>> samples = (List<Map<String, Object>>) d.get("samples");
        assertEquals(13, samples.size());
        assertEquals(Map.of("sample", 3L, "timestamp", T0 + 60_000), samples.get(0));
        assertEquals(Map.of("sample", 0L, "timestamp", T0), samples.get(12));
        assertEquals(6.0 / 13, (Double) d.get("avg"), 1e-12);
        assertEquals(0.05, (Double) d.get("avg_rate"), 1e-12);
        assertEquals(0.0, d.get("rate"));
        assertEquals(List.of("avg", "avg_rate", "rate", "samples"), List.copyOf(d.keySet()));
    }

    @Test
    void withoutARangeDetailsHoldOnlyTheRate() {
        History h = new History(605_000);
        h.record(T0, row(0));
        h.record(T0 + 5000, row(10));
        assertEquals(Map.of("rate", 2.0), h.details(Metric.PUBLISH.ordinal(), 5000, 0, 0, T0 + 5000));
    }

    @Test
    void samplesBeforeTheObjectExistedAreZero() {
        History h = new History(605_000);
        h.record(T0 + 50_000, row(7));
        Map<String, Object> d = h.details(Metric.PUBLISH.ordinal(), 5000, 20_000, 10_000, T0 + 50_000);
        assertEquals(List.of(Map.of("sample", 7L, "timestamp", T0 + 50_000),
                Map.of("sample", 0L, "timestamp", T0 + 40_000), Map.of("sample", 0L, "timestamp", T0 + 30_000)),
                d.get("samples"));
    }
}
