package io.leveret.bench;

import java.util.Locale;
import java.util.Optional;

/**
 * One scenario against one broker.
 *
 * <p>For a backlog scenario, {@code log} is the drain's PerfTest run with the publish rates put in
 * ({@code sent*} from the publisher), {@code usage.rssMb} is resident memory with the full backlog queued,
 * and {@code backlog} holds the wall times.
 *
 * @param exitCode     PerfTest's exit status (the publish's if that failed, else the drain's)
 * @param errorsInLog  PerfTest printed an exception or error: the figures may not mean what they say
 */
public record Result(Scenario scenario, String broker, PerfTestLog log, Measurement.Usage usage, int exitCode,
                     boolean errorsInLog, Optional<Backlog> backlog) {

    /**
     * @param messages       messages published (and then drained)
     * @param publishWallS   from starting the publisher until the queue held them all
     * @param drainWallS     from starting the consumer until it had them all
     * @param rssAfterDrainMb the broker's resident memory once the queue is empty again
     * @param leftAfterDrain messages still in the queue after the drain (0 when all went well)
     */
    public record Backlog(long messages, double publishWallS, double drainWallS, double rssAfterDrainMb,
                          long leftAfterDrain) {
    }

    /** The machine-readable line: "BENCH key=value ...", NA for what was not measured. */
    public String line() {
        StringBuilder b = new StringBuilder("BENCH scenario=").append(scenario).append(" broker=").append(broker);
        kv(b, "sent_msg_s", log.sentAvg(), 0);
        kv(b, "recv_msg_s", log.recvAvg(), 0);
        kv(b, "sent_steady", log.sentSteady(), 0);
        kv(b, "recv_steady", log.recvSteady(), 0);
        kv(b, "p50_ms", log.latency().p50(), 3);
        kv(b, "p95_ms", log.latency().p95(), 3);
        kv(b, "p99_ms", log.latency().p99(), 3);
        Percentiles s = log.latencySteady();
        b.append(" lat_steady_ms=").append(s.isPresent()
                ? num(s.p50(), 3) + "/" + num(s.p95(), 3) + "/" + num(s.p99(), 3) : "NA");
        kv(b, "confirm_p50_ms", log.confirmLatency().p50(), 3);
        kv(b, "confirm_p99_ms", log.confirmLatency().p99(), 3);
        kv(b, "rss_mb", usage.rssMb(), 0);
        kv(b, "rss_peak_mb", usage.rssPeakMb(), 0);
        kv(b, "broker_cpu_pct", usage.brokerCpuPct(), 0);
        kv(b, "client_cpu_pct", usage.clientCpuPct(), 0);
        kv(b, "other_cpu_pct", usage.otherCpuPct(), 0);
        backlog.ifPresent(k -> {
            b.append(" msgs=").append(k.messages());
            kv(b, "publish_wall_s", k.publishWallS(), 1);
            kv(b, "drain_wall_s", k.drainWallS(), 1);
            kv(b, "rss_after_drain_mb", k.rssAfterDrainMb(), 0);
            b.append(" left_after_drain=").append(k.leftAfterDrain());
        });
        b.append(" rc=").append(exitCode);
        if (errorsInLog) {
            b.append(" errors_in_log=yes");
        }
        return b.toString();
    }

    private static void kv(StringBuilder b, String key, double v, int decimals) {
        b.append(' ').append(key).append('=').append(num(v, decimals));
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "NA" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
