package io.leveret.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The table the README shows: per scenario, each broker's headline figures and Leveret's ratio to each
 * other broker, in Markdown.
 *
 * <p>Headline per scenario: S1–S5 what the consumers received (steady-state mean, msg/s) with the consumer
 * latency p50/p99; S6 the latency p50/p99 at a fixed rate; S7/S7P resident memory at full backlog and the
 * drain's wall time. Ratios are always Leveret / other of the figure named: more is better for throughput
 * and drain speed, less for latency and memory.
 */
public final class RatioTable {
    private RatioTable() {
    }

    /**
     * @param leveret the label of the broker every other is compared with
     * @param others  the other brokers' labels, in column order
     * @param results every result of the run; scenarios appear in the order of their first result
     */
    public static String render(String leveret, List<String> others, List<Result> results) {
        List<Scenario> scenarios = results.stream().map(Result::scenario).distinct().toList();
        StringBuilder b = new StringBuilder("| Scenario (PerfTest flags) | ").append(leveret);
        for (String o : others) {
            b.append(" | ").append(o);
        }
        for (String o : others) {
            b.append(" | ").append(leveret).append(" / ").append(o);
        }
        b.append(" |\n|---|---");
        b.append("|---".repeat(2 * others.size())).append("|\n");
        for (Scenario s : scenarios) {
            Optional<Result> l = find(results, s, leveret);
            b.append("| ").append(s).append(' ').append(title(s, results)).append(" (`").append(s.flags()).append("`) | ")
                    .append(l.map(RatioTable::cell).orElse("–"));
            for (String o : others) {
                b.append(" | ").append(find(results, s, o).map(RatioTable::cell).orElse("–"));
            }
            for (String o : others) {
                Optional<Result> r = find(results, s, o);
                b.append(" | ").append(l.isPresent() && r.isPresent() ? ratio(l.get(), r.get()) : "–");
            }
            b.append(" |\n");
        }
        return b.toString();
    }

    /** The scenario's title; a backlog's with its size as run ("500k × 1 KiB backlog: ..."). */
    static String title(Scenario s, List<Result> results) {
        return results.stream().filter(r -> r.scenario() == s).flatMap(r -> r.backlog().stream()).findFirst()
                .map(k -> count(k.messages()) + " × " + s.title()).orElse(s.title());
    }

    static String count(long n) {
        if (n >= 1_000_000 && n % 100_000 == 0) {
            return fmt("%.1fM", n / 1e6).replace(".0M", "M");
        }
        return n >= 1000 && n % 1000 == 0 ? (n / 1000) + "k" : Long.toString(n);
    }

    /** One broker's headline figures for a scenario. */
    static String cell(Result r) {
        if (r.scenario().isBacklog()) {
            return memory(r.usage().rssMb()) + ", "
                    + r.backlog().map(k -> seconds(k.drainWallS())).orElse("NA") + " drain";
        }
        Percentiles lat = r.log().latencyBest();
        String latency = lat.isPresent() ? millis(lat.p50()) + "/" + millis(lat.p99()) + " ms" : "NA";
        if (r.scenario() == Scenario.S6) {
            return latency;
        }
        return rate(r.log().recvBest()) + ", " + latency;
    }

    /** Leveret's figure over the other broker's, named. */
    static String ratio(Result leveret, Result other) {
        if (leveret.scenario().isBacklog()) {
            double memory = leveret.usage().rssMb() / other.usage().rssMb();
            // drain speed: the same message count, so the inverse ratio of the wall times
            double drain = other.backlog().map(Result.Backlog::drainWallS).orElse(Double.NaN)
                    / leveret.backlog().map(Result.Backlog::drainWallS).orElse(Double.NaN);
            return "memory " + times(memory) + ", drain " + times(drain);
        }
        if (leveret.scenario() == Scenario.S6) {
            return "p99 " + times(leveret.log().latencyBest().p99() / other.log().latencyBest().p99());
        }
        return times(leveret.log().recvBest() / other.log().recvBest());
    }

    static String rate(double msgPerSecond) {
        if (Double.isNaN(msgPerSecond)) {
            return "NA";
        }
        if (msgPerSecond >= 100_000) {
            return fmt("%.0fk msg/s", msgPerSecond / 1000);
        }
        if (msgPerSecond >= 1_000) {
            return fmt("%.1fk msg/s", msgPerSecond / 1000);
        }
        return fmt("%.0f msg/s", msgPerSecond);
    }

    static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "NA";
        }
        return ms >= 10 ? fmt("%.0f", ms) : ms >= 1 ? fmt("%.1f", ms) : fmt("%.2f", ms);
    }

    static String memory(double mb) {
        if (Double.isNaN(mb)) {
            return "NA";
        }
        return mb >= 1024 ? fmt("%.1f GB", mb / 1024) : fmt("%.0f MB", mb);
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "NA" : fmt("%.1f s", s);
    }

    static String times(double ratio) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "NA";
        }
        return ratio < 1 ? fmt("%.2f×", ratio) : fmt("%.1f×", ratio);
    }

    /** The legend printed under the table. */
    static String legend() {
        return "Ratios are Leveret / other: more is better for throughput and drain speed, less for latency (p99)"
                + " and memory.";
    }

    /** The last result for the scenario and broker. */
    private static Optional<Result> find(List<Result> results, Scenario s, String broker) {
        return results.stream().filter(r -> r.scenario() == s && r.broker().equals(broker)).reduce((a, b) -> b);
    }

    private static String fmt(String format, double v) {
        return String.format(Locale.ROOT, format, v);
    }
}
