package io.leveret.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The benchmark: starts the built Leveret, runs PerfTest's scenarios against it and against every other broker
 * given, alternating broker by broker within each scenario so that both see the same state of a shared
 * machine, prints one {@code BENCH} line per scenario and broker as it goes, then the ratio table.
 *
 * <p>Run it through the bench profile (README, Performance); settings are in {@link BenchSettings}.
 * Progress goes to standard error, results to standard output (and to {@code results.txt} and
 * {@code table.md} next to PerfTest's raw logs).
 */
public final class Bench {
    private static final String LEVERET = "leveret";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        BenchSettings settings = BenchSettings.from(System.getProperties(), stamp);
        Files.createDirectories(settings.outDir());
        PerfTestRunner perfTest = new PerfTestRunner(settings.perfTestClasspath(), settings.perfTestJvm());
        String prefix = "bench-" + stamp.substring(9) + "-" + ProcessHandle.current().pid();

        ScenarioRunner.progress("starting " + settings.leveretJar());
        LeveretProcess leveret = LeveretProcess.start(settings.leveretJar(), settings.leveretJvm(),
                settings.outDir().resolve("leveret-broker.log"));
        List<Target> targets = new CopyOnWriteArrayList<>();
        Thread hook = new Thread(() -> {
            // Ctrl-C: leave no PerfTest, no broker and no scenario queues behind
            perfTest.stopRunning();
            cleanUpEverything(settings, perfTest, prefix, targets);
            leveret.close();
        }, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            targets.addAll(targets(settings, leveret));
            List<String> out = new ArrayList<>();
            for (Target t : targets) {
                out.add(info(settings, t));
            }
            out.forEach(System.out::println);
            List<Long> pids = targets.stream().map(Target::pid).filter(OptionalLong::isPresent)
                    .map(OptionalLong::getAsLong).toList();
            ScenarioRunner runner = new ScenarioRunner(settings, perfTest, prefix, pids);
            if (settings.scenarios().isEmpty()) {
                ScenarioRunner.progress("no scenarios: every broker answered, nothing measured");
                return;
            }
            for (Target t : targets) {
                if (settings.warmupSeconds() > 0) {
                    ScenarioRunner.progress("warm-up on " + t.label() + " (" + settings.warmupSeconds() + " s)");
                    runner.warmUp(t);
                }
            }
            List<Result> results = new ArrayList<>();
            for (int i = 0; i < settings.scenarios().size(); i++) {
                Scenario s = settings.scenarios().get(i);
                // each scenario starts with the next broker in turn, so none always runs first (or last)
                for (int k = 0; k < targets.size(); k++) {
                    Target t = targets.get((i + k) % targets.size());
                    ScenarioRunner.progress(s + " on " + t.label());
                    try {
                        Result r = runner.run(s, t);
                        results.add(r);
                        System.out.println(r.line());
                        out.add(r.line());
                    } catch (IOException | RuntimeException e) {
                        ScenarioRunner.progress(s + " on " + t.label() + " failed: " + e);
                    }
                }
            }
            List<String> others = targets.stream().map(Target::label).filter(l -> !l.equals(LEVERET)).toList();
            String table = RatioTable.render(LEVERET, others, results) + "\n" + RatioTable.legend() + "\n";
            System.out.println();
            System.out.print(table);
            Files.write(settings.outDir().resolve("results.txt"), out);
            Files.writeString(settings.outDir().resolve("table.md"), table);
            ScenarioRunner.progress("done; PerfTest logs, results.txt and table.md in " + settings.outDir());
        } finally {
            leveret.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running and does the same
            }
        }
    }

    /** Leveret first, then each URI given, labelled by what the broker says it is. */
    private static List<Target> targets(BenchSettings settings, LeveretProcess leveret) throws IOException {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(LEVERET, leveret.uri(), OptionalLong.of(leveret.pid())));
        Set<String> labels = new HashSet<>(Set.of(LEVERET));
        for (int i = 0; i < settings.against().size(); i++) {
            String uri = settings.against().get(i);
            String product;
            try (Admin admin = Admin.connect(uri)) {
                product = admin.product();
            }
            String label = Target.labelOf(product);
            for (int n = 2; !labels.add(label); n++) {
                label = Target.labelOf(product) + "-" + n;
            }
            targets.add(new Target(label, uri, settings.againstPids().get(i)));
        }
        return targets;
    }

    private static String info(BenchSettings s, Target t) {
        OptionalLong kb = t.pid().isPresent() ? ProcStats.rssKb(t.pid().getAsLong()) : OptionalLong.empty();
        String rss = kb.isPresent() ? Long.toString(kb.getAsLong() / 1024) : "NA";
        return "BENCH-INFO broker=" + t.label() + " uri=" + Target.mask(t.uri())
                + " pid=" + (t.pid().isPresent() ? t.pid().getAsLong() : "NA") + " rss_start_mb=" + rss
                + " perftest=" + System.getProperty("bench.perftestVersion", "NA")
                + " duration_s=" + s.durationSeconds() + " backlog=" + s.backlogMessages()
                + " cores=" + Runtime.getRuntime().availableProcessors()
                + " mem_gb=" + memGb() + " java=" + System.getProperty("java.version")
                + " date=" + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String memGb() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Long.toString(Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        return "NA";
    }

    private static void cleanUpEverything(BenchSettings settings, PerfTestRunner perfTest, String prefix,
                                          List<Target> targets) {
        List<String> queues = new ArrayList<>(Scenario.S1.queues(prefix + "-warmup"));
        settings.scenarios().forEach(s -> queues.addAll(s.queues(prefix)));
        List<String> exchanges = new ArrayList<>(Scenario.exchanges(prefix));
        exchanges.addAll(Scenario.exchanges(prefix + "-warmup"));
        ScenarioRunner cleaner = new ScenarioRunner(settings, perfTest, prefix, List.of());
        for (Target t : targets) {
            cleaner.cleanUp(t, queues, exchanges);
        }
    }
}
