package io.leveret.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one PerfTest run printed, read back from its output.
 *
 * <p>The end-of-run summary gives {@code sentAvg}, {@code recvAvg}, {@code latency} and {@code confirmLatency}
 * over the whole run, warm-up included. The per-second samples ({@code -i 1}) after the first
 * {@code skipSeconds} give the steady state: {@code sentSteady} and {@code recvSteady} are their means, and
 * {@code latencySteady} is the median over those seconds of each second's p50/p95/p99, so that neither the
 * client's JIT warm-up nor a single stalled second decides the figure. Rates are msg/s, latencies ms;
 * NaN means PerfTest printed nothing to measure it by (a producer-only run has no latency).
 *
 * @param samples how many per-second samples went into the steady figures
 */
public record PerfTestLog(double sentAvg, double recvAvg, Percentiles latency, Percentiles confirmLatency,
                          double sentSteady, double recvSteady, Percentiles latencySteady, int samples) {

    /* The "µ" of "µs" depends on the child's charset, so no pattern relies on it. */
    private static final Pattern SENDING_AVG = Pattern.compile("sending rate avg: (\\d+(?:\\.\\d+)?) msg/s");
    private static final Pattern RECEIVING_AVG = Pattern.compile("receiving rate avg: (\\d+(?:\\.\\d+)?) msg/s");
    private static final Pattern SUMMARY_CONSUMER = Pattern.compile(
            "consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+)");
    private static final Pattern SUMMARY_CONFIRM = Pattern.compile(
            "confirm latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+)");
    private static final Pattern SAMPLE_TIME = Pattern.compile(", time (\\d+(?:\\.\\d+)?) s,");
    private static final Pattern SAMPLE_SENT = Pattern.compile(" sent: (\\d+) msg/s");
    private static final Pattern SAMPLE_RECEIVED = Pattern.compile(" received: (\\d+) msg/s");
    private static final Pattern SAMPLE_CONSUMER = Pattern.compile(
            "consumer latency: (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+)");

    /** Parses PerfTest's standard output; lines it does not know (progress, warnings) are ignored. */
    public static PerfTestLog parse(List<String> lines, int skipSeconds) {
        double sentAvg = Double.NaN;
        double recvAvg = Double.NaN;
        Percentiles latency = Percentiles.NONE;
        Percentiles confirm = Percentiles.NONE;
        double sentSum = 0;
        double recvSum = 0;
        int samples = 0;
        List<long[]> steadyLatencies = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = SENDING_AVG.matcher(line)).find()) {
                sentAvg = Double.parseDouble(m.group(1));
            } else if ((m = RECEIVING_AVG.matcher(line)).find()) {
                recvAvg = Double.parseDouble(m.group(1));
            } else if ((m = SUMMARY_CONSUMER.matcher(line)).find()) {
                latency = percentiles(m);
                if ((m = SUMMARY_CONFIRM.matcher(line)).find()) {
                    confirm = percentiles(m);
                }
            } else if ((m = SUMMARY_CONFIRM.matcher(line)).find()) {
                confirm = percentiles(m);
            } else if ((m = SAMPLE_TIME.matcher(line)).find()) {
                if (Double.parseDouble(m.group(1)) <= skipSeconds) {
                    continue;
                }
                samples++;
                sentSum += number(SAMPLE_SENT, line);
                long received = number(SAMPLE_RECEIVED, line);
                recvSum += received;
                Matcher lat = SAMPLE_CONSUMER.matcher(line);
                // a second in which nothing arrived carries no latency worth counting
                if (received > 0 && lat.find()) {
                    steadyLatencies.add(new long[] {
                            Long.parseLong(lat.group(2)), Long.parseLong(lat.group(4)), Long.parseLong(lat.group(5))});
                }
            }
        }
        Percentiles latencySteady = steadyLatencies.isEmpty() ? Percentiles.NONE : Percentiles.fromPerfTestMicros(
                median(steadyLatencies, 0), median(steadyLatencies, 1), median(steadyLatencies, 2));
        return new PerfTestLog(sentAvg, recvAvg, latency, confirm,
                samples == 0 ? Double.NaN : sentSum / samples,
                samples == 0 ? Double.NaN : recvSum / samples,
                latencySteady, samples);
    }

    /** Steady-state received rate, or the run's average when no second was past the skip. */
    public double recvBest() {
        return Double.isNaN(recvSteady) ? recvAvg : recvSteady;
    }

    /** Steady-state sent rate, or the run's average when no second was past the skip. */
    public double sentBest() {
        return Double.isNaN(sentSteady) ? sentAvg : sentSteady;
    }

    /** Steady-state latency, or the run's summary when no second was past the skip. */
    public Percentiles latencyBest() {
        return latencySteady.isPresent() ? latencySteady : latency;
    }

    private static Percentiles percentiles(Matcher m) {
        return Percentiles.fromPerfTestMicros(Long.parseLong(m.group(2)), Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)));
    }

    private static long number(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The median of column {@code col}; for an even count, the mean of the two middle values. */
    private static double median(List<long[]> rows, int col) {
        long[] v = rows.stream().mapToLong(r -> r[col]).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    }
}
