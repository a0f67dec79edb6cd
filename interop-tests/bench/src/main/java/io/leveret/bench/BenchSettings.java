package io.leveret.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The harness's settings, from system properties ({@code mvn ... -Dbench.duration=5}); a bad value stops the
 * run before anything starts, naming the key and the value.
 *
 * @param against          other brokers' URIs ({@code bench.against}, comma separated), compared with Leveret
 * @param againstPids      their pids for memory and CPU ({@code bench.pid.N}, N counting from 1), same order
 * @param scenarios        what to run, in order ({@code bench.scenarios}, default all; empty: only start Leveret
 *                         and connect to every broker)
 * @param durationSeconds  each timed scenario's length ({@code bench.duration}, default 15)
 * @param backlogMessages  S7/S7P message count ({@code bench.backlog}, default 500000)
 * @param warmupSeconds    an unreported S1-shaped run per broker before the matrix ({@code bench.warmup}, default 10)
 * @param skipSeconds      per-second samples left out of the steady-state figures ({@code bench.skip}, default 3)
 * @param pauseSeconds     pause after each run ({@code bench.pause}, default 3)
 * @param quietMaxPct      before each run, wait until other processes use at most this % of one core
 *                         ({@code bench.quietMaxPct}, default 25) ...
 * @param quietWaitSeconds ... but no longer than this ({@code bench.quietWait}, default 60; 0 = don't wait)
 * @param perfTestJvm      JVM options for PerfTest ({@code bench.perftestJvm}, default "-Xms256m -Xmx2g")
 * @param leveretJvm       extra JVM options for the broker ({@code bench.leveretJvm}, default none: the jar as
 *                         a user runs it)
 * @param leveretJar       the broker jar ({@code leveret.jar}, set by the bench profile)
 * @param perfTestClasspath PerfTest's classpath ({@code bench.perftestClasspathFile}, written by the profile)
 * @param outDir           PerfTest's raw logs and the broker's log ({@code bench.out})
 */
public record BenchSettings(List<String> against, List<OptionalLong> againstPids, List<Scenario> scenarios,
                            int durationSeconds, long backlogMessages, int warmupSeconds, int skipSeconds,
                            int pauseSeconds, double quietMaxPct, int quietWaitSeconds, List<String> perfTestJvm,
                            List<String> leveretJvm, Path leveretJar, Path perfTestClasspath, Path outDir) {

    static final String ALL_SCENARIOS = "S1,S2,S3,S3X,S3L,S4,S5,S6,S7,S7P";

    public static BenchSettings from(Properties p, String runStamp) {
        List<String> against = list(p.getProperty("bench.against", ""));
        List<OptionalLong> pids = new ArrayList<>();
        for (int i = 1; i <= against.size(); i++) {
            String key = "bench.pid." + i;
            String v = p.getProperty(key, "").trim();
            pids.add(v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(positive(key, v)));
        }
        List<Scenario> scenarios = new ArrayList<>();
        for (String s : list(p.getProperty("bench.scenarios", ALL_SCENARIOS))) {
            try {
                scenarios.add(Scenario.named(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bench.scenarios: " + e.getMessage(), e);
            }
        }
        Path defaultOut = Path.of(p.getProperty("bench.defaultOut", "target/bench-runs"));
        return new BenchSettings(against, List.copyOf(pids), List.copyOf(scenarios),
                (int) number(p, "bench.duration", 15, 1),
                number(p, "bench.backlog", 500_000, 1),
                (int) number(p, "bench.warmup", 10, 0),
                (int) number(p, "bench.skip", 3, 0),
                (int) number(p, "bench.pause", 3, 0),
                number(p, "bench.quietMaxPct", 25, 0),
                (int) number(p, "bench.quietWait", 60, 0),
                words(p.getProperty("bench.perftestJvm", "-Xms256m -Xmx2g")),
                words(p.getProperty("bench.leveretJvm", "")),
                Path.of(p.getProperty("leveret.jar", "server/target/leveret.jar")).toAbsolutePath().normalize(),
                Path.of(p.getProperty("bench.perftestClasspathFile", "bench/target/perftest.classpath")).toAbsolutePath(),
                Path.of(p.getProperty("bench.out", defaultOut.resolve(runStamp).toString())).toAbsolutePath());
    }

    private static long number(Properties p, String key, long def, long min) {
        String v = p.getProperty(key, "").trim();
        if (v.isEmpty()) {
            return def;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min) {
                throw new IllegalArgumentException(key + "=" + v + ": must be at least " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + ": not a whole number", e);
        }
    }

    private static long positive(String key, String v) {
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the message naming the key
        }
        throw new IllegalArgumentException(key + "=" + v + ": not a process id");
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> words(String s) {
        return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }
}
