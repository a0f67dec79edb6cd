package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RatioTableTest {
    private static final String RABBIT = "rabbitmq-3.10.8";

    @Test
    void throughputLatencyAndBacklogRowsWithTheirRatios() {
        List<Result> results = List.of(
                timed(Scenario.S1, "leveret", 160_000, 48, 67),
                timed(Scenario.S1, RABBIT, 85_000, 13, 40),
                timed(Scenario.S6, RABBIT, 1000, 0.11, 0.90),
                timed(Scenario.S6, "leveret", 1000, 0.08, 2.95),
                backlog(Scenario.S7, "leveret", 2458, 5.7),
                backlog(Scenario.S7, RABBIT, 3789, 12.0));

        String table = RatioTable.render("leveret", List.of(RABBIT), results);

        assertEquals("""
                | Scenario (PerfTest flags) | leveret | rabbitmq-3.10.8 | leveret / rabbitmq-3.10.8 |
                |---|---|---|---|
                | S1 1P/1C 16 B, auto-ack (`-x 1 -y 1 -s 16 -a`) | 160k msg/s, 48/67 ms | 85.0k msg/s, 13/40 ms | 1.9× |
                | S6 1000 msg/s, 1 KiB, latency (`-r 1000 -q 200`) | 0.08/3.0 ms | 0.11/0.90 ms | p99 3.3× |
                | S7 500k × 1 KiB backlog: resident memory, drain (`-y 0 -C N, then -x 0 -D N`) | 2.4 GB, 5.7 s drain | 3.7 GB, 12.0 s drain | memory 0.65×, drain 2.1× |
                """, table);
    }

    @Test
    void aMissingRunLeavesADashAndEveryOtherBrokerGetsItsColumns() {
        List<Result> results = List.of(
                timed(Scenario.S2, "leveret", 86_000, 16, 51),
                timed(Scenario.S2, "a", 43_000, 1, 2));

        String table = RatioTable.render("leveret", List.of("a", "b"), results);

        assertEquals("""
                | Scenario (PerfTest flags) | leveret | a | b | leveret / a | leveret / b |
                |---|---|---|---|---|---|
                | S2 1 KiB, manual ack, prefetch 200 (`-s 1024 -q 200`) | 86.0k msg/s, 16/51 ms | 43.0k msg/s, 1.0/2.0 ms | – | 2.0× | – |
                """, table);
    }

    @Test
    void unmeasuredMemoryIsNotARatio() {
        Result l = backlog(Scenario.S7P, "leveret", 700, 7.6);
        Result r = backlog(Scenario.S7P, RABBIT, Double.NaN, 15.2);

        assertEquals("NA, 15.2 s drain", RatioTable.cell(r));
        assertEquals("memory NA, drain 2.0×", RatioTable.ratio(l, r));
    }

    @Test
    void numbersReadAsInTheReadme() {
        assertEquals("58.7k msg/s", RatioTable.rate(58_700));
        assertEquals("162k msg/s", RatioTable.rate(162_400));
        assertEquals("950 msg/s", RatioTable.rate(950));
        assertEquals("0.08", RatioTable.millis(0.081));
        assertEquals("7.3", RatioTable.millis(7.31));
        assertEquals("2.4 GB", RatioTable.memory(2458));
        assertEquals("700 MB", RatioTable.memory(700));
        assertEquals("0.20×", RatioTable.times(0.2));
        assertEquals("3.8×", RatioTable.times(3.78));
        assertEquals("NA", RatioTable.times(Double.POSITIVE_INFINITY));
        assertEquals("500k", RatioTable.count(500_000));
        assertEquals("20k", RatioTable.count(20_000));
        assertEquals("1.5M", RatioTable.count(1_500_000));
        assertEquals("2M", RatioTable.count(2_000_000));
        assertEquals("12345", RatioTable.count(12_345));
    }

    static Result timed(Scenario s, String broker, double recv, double p50, double p99) {
        PerfTestLog log = new PerfTestLog(recv, recv, new Percentiles(p50 * 2, p50 * 3, p99 * 2), Percentiles.NONE,
                recv, recv, new Percentiles(p50, (p50 + p99) / 2, p99), 12);
        return new Result(s, broker, log, usage(400), 0, false, Optional.empty());
    }

    static Result backlog(Scenario s, String broker, double rssMb, double drainSeconds) {
        PerfTestLog log = new PerfTestLog(30_000, 40_000, Percentiles.NONE, Percentiles.NONE, 30_000, 40_000,
                Percentiles.NONE, 10);
        return new Result(s, broker, log, usage(rssMb), 0, false,
                Optional.of(new Result.Backlog(500_000, 15, drainSeconds, 300, 0)));
    }

    private static Measurement.Usage usage(double rssMb) {
        return new Measurement.Usage(rssMb, rssMb, 100, 80, 5);
    }
}
