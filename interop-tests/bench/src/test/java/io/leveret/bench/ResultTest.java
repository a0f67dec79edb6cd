package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultTest {

    @Test
    void oneKeyValueLinePerRunWithNaForWhatWasNotMeasured() {
        PerfTestLog log = new PerfTestLog(17969, 17969, new Percentiles(4.214, 20.465, 85.052),
                new Percentiles(7.049, 16.926, 30.727), 13962.3, 13955.7, new Percentiles(5.087, 30.866, 47.51), 3);
        Result r = new Result(Scenario.S3, "leveret", log,
                new Measurement.Usage(Double.NaN, Double.NaN, Double.NaN, 95.4, 12.2), 0, false, Optional.empty());

        assertEquals("BENCH scenario=S3 broker=leveret sent_msg_s=17969 recv_msg_s=17969 sent_steady=13962"
                + " recv_steady=13956 p50_ms=4.214 p95_ms=20.465 p99_ms=85.052 lat_steady_ms=5.087/30.866/47.510"
                + " confirm_p50_ms=7.049 confirm_p99_ms=30.727 rss_mb=NA rss_peak_mb=NA broker_cpu_pct=NA"
                + " client_cpu_pct=95 other_cpu_pct=12 rc=0", r.line());
    }

    @Test
    void aBacklogLineAddsItsWallTimesAndMemoryAfterTheDrain() {
        PerfTestLog log = new PerfTestLog(32067, 43421, Percentiles.NONE, Percentiles.NONE, 30531.5, 40000,
                Percentiles.NONE, 5);
        Result r = new Result(Scenario.S7, "rabbitmq-3.10.8", log, new Measurement.Usage(3789, 3801, 120, 60, 3),
                1, true, Optional.of(new Result.Backlog(500_000, 15.64, 11.96, 1200, 0)));

        assertEquals("BENCH scenario=S7 broker=rabbitmq-3.10.8 sent_msg_s=32067 recv_msg_s=43421 sent_steady=30532"
                + " recv_steady=40000 p50_ms=NA p95_ms=NA p99_ms=NA lat_steady_ms=NA confirm_p50_ms=NA"
                + " confirm_p99_ms=NA rss_mb=3789 rss_peak_mb=3801 broker_cpu_pct=120 client_cpu_pct=60"
                + " other_cpu_pct=3 msgs=500000 publish_wall_s=15.6 drain_wall_s=12.0 rss_after_drain_mb=1200"
                + " left_after_drain=0 rc=1 errors_in_log=yes", r.line());
    }
}
