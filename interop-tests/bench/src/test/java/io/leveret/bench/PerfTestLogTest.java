package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads back PerfTest 2.22.1's output: fixtures are excerpts of real runs. */
class PerfTestLogTest {
    private static final double EPS = 1e-9;

    @Test
    void summaryAndSteadyStateOfAConfirmingRun() throws IOException {
        PerfTestLog log = PerfTestLog.parse(fixture("s3-confirms.log"), 3);

        assertEquals(17969, log.sentAvg(), EPS);
        assertEquals(17969, log.recvAvg(), EPS);
        assertPercentiles(4.214, 20.465, 85.052, log.latency());
        assertPercentiles(7.049, 16.926, 30.727, log.confirmLatency());
        // seconds 3.001 to 6.001 are past the 3 s skip; 1.001 and 2.036 are not
        assertEquals(4, log.samples());
        assertEquals((11896 + 13834 + 16567 + 11486) / 4.0, log.sentSteady(), EPS);
        assertEquals((12308 + 13756 + 16512 + 11599) / 4.0, log.recvSteady(), EPS);
        // each percentile is the median of those seconds' figures, here the mean of the middle two:
        // p50 of 7141/5962/4871/5087 is (5087 + 5962) / 2 µs, and so on
        assertPercentiles(5.5245, 34.276, 68.245, log.latencySteady());
    }

    @Test
    void aProducerOnlyRunHasRatesButNoLatency() throws IOException {
        PerfTestLog log = PerfTestLog.parse(fixture("s7-publish.log"), 3);

        assertEquals(32067, log.sentAvg(), EPS);
        assertEquals(0, log.recvAvg(), EPS);
        assertEquals((34982 + 26081) / 2.0, log.sentSteady(), EPS);
        assertEquals(0, log.recvSteady(), EPS);
        assertFalse(log.latency().isPresent());
        assertFalse(log.latencySteady().isPresent());
        assertFalse(log.confirmLatency().isPresent());
    }

    @Test
    void aConsumerOnlyRunCountsNoSentMessages() throws IOException {
        PerfTestLog log = PerfTestLog.parse(fixture("s7-drain.log"), 0);

        assertEquals(43421, log.recvAvg(), EPS);
        assertEquals(5, log.samples());
        assertEquals(0, log.sentSteady(), EPS);
        assertEquals((28707 + 54360 + 51330 + 38454 + 43496) / 5.0, log.recvSteady(), EPS);
    }

    @Test
    void microsecondsInAnotherCharsetStillParse() {
        List<String> lines = List.of(
                "id: S1, time 4.001 s, sent: 100 msg/s, received: 90 msg/s, min/median/75th/95th/99th consumer latency: 1/2000/3000/4000/5000 ?s",
                "id: S1, time 5.001 s, sent: 300 msg/s, received: 110 msg/s, min/median/75th/95th/99th consumer latency: 1/4000/5000/6000/7000 \uFFFDs",
                "id: S1, consumer latency min/median/75th/95th/99th 1/3000/4000/5000/6000 ?s");

        PerfTestLog log = PerfTestLog.parse(lines, 3);

        assertPercentiles(3, 5, 6, log.latency());
        // an even number of seconds: the median is the mean of the middle two
        assertPercentiles(3, 5, 6, log.latencySteady());
        assertEquals(200, log.sentSteady(), EPS);
        assertEquals(100, log.recvSteady(), EPS);
    }

    @Test
    void aSecondInWhichNothingArrivedAddsNoLatency() {
        List<String> lines = List.of(
                "id: S6, time 4.000 s, sent: 1000 msg/s, received: 0 msg/s, min/median/75th/95th/99th consumer latency: 0/0/0/0/0 µs",
                "id: S6, time 5.000 s, sent: 1000 msg/s, received: 1000 msg/s, min/median/75th/95th/99th consumer latency: 10/80/90/100/2950 µs");

        PerfTestLog log = PerfTestLog.parse(lines, 3);

        assertPercentiles(0.08, 0.1, 2.95, log.latencySteady());
    }

    @Test
    void withNoSecondPastTheSkipTheSummaryStandsIn() {
        List<String> lines = List.of(
                "id: S1, time 1.000 s, sent: 100 msg/s, received: 100 msg/s, min/median/75th/95th/99th consumer latency: 1/2/3/4/5 µs",
                "id: S1, sending rate avg: 120 msg/s",
                "id: S1, receiving rate avg: 110 msg/s",
                "id: S1, consumer latency min/median/75th/95th/99th 1000/2000/3000/4000/5000 µs");

        PerfTestLog log = PerfTestLog.parse(lines, 3);

        assertEquals(0, log.samples());
        assertTrue(Double.isNaN(log.recvSteady()));
        assertEquals(110, log.recvBest(), EPS);
        assertEquals(120, log.sentBest(), EPS);
        assertPercentiles(2, 4, 5, log.latencyBest());
    }

    @Test
    void anEmptyLogMeasuresNothing() {
        PerfTestLog log = PerfTestLog.parse(List.of("Exception in thread \"main\" java.net.ConnectException"), 3);

        assertTrue(Double.isNaN(log.sentAvg()));
        assertTrue(Double.isNaN(log.recvBest()));
        assertFalse(log.latencyBest().isPresent());
    }

    private static void assertPercentiles(double p50, double p95, double p99, Percentiles actual) {
        assertEquals(p50, actual.p50(), EPS, "p50");
        assertEquals(p95, actual.p95(), EPS, "p95");
        assertEquals(p99, actual.p99(), EPS, "p99");
    }

    static List<String> fixture(String name) throws IOException {
        try (InputStream in = PerfTestLogTest.class.getResourceAsStream("/perftest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
