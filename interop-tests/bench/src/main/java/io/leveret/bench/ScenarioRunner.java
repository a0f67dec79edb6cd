package io.leveret.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs one scenario against one broker, measures the broker around it and cleans up what it declared.
 */
final class ScenarioRunner {
    /** How long the queue may take to report the whole backlog after the publisher has finished. */
    private static final int BACKLOG_COUNT_TIMEOUT_S = 120;
    /** Upper bound on a drain: {@code -z} for a consumer that never receives its count. */
    private static final int DRAIN_TIMEOUT_S = 600;
    /** Settling time before resident memory is read at full backlog. */
    private static final long SETTLE_MILLIS = 2000;

    private final BenchSettings settings;
    private final PerfTestRunner perfTest;
    private final String prefix;
    private final List<Long> knownPids;

    ScenarioRunner(BenchSettings settings, PerfTestRunner perfTest, String prefix, List<Long> knownPids) {
        this.settings = settings;
        this.perfTest = perfTest;
        this.prefix = prefix;
        this.knownPids = List.copyOf(knownPids);
    }

    /** An S1-shaped run that is not reported: JIT and pools warm, for the broker and the client alike. */
    void warmUp(Target t) throws IOException, InterruptedException {
        List<String> args = common("warmup", settings.warmupSeconds());
        args.addAll(Scenario.S1.timedArgs(prefix + "-warmup"));
        perfTest.run(t.uri(), args, log(t, "warmup"));
        cleanUp(t, Scenario.S1.queues(prefix + "-warmup"), Scenario.exchanges(prefix + "-warmup"));
    }

    Result run(Scenario s, Target t) throws IOException, InterruptedException {
        Quiet.await(knownPids, settings.quietMaxPct(), settings.quietWaitSeconds());
        Result r = s.isBacklog() ? backlog(s, t) : timed(s, t);
        Thread.sleep(settings.pauseSeconds() * 1000L);
        return r;
    }

    private Result timed(Scenario s, Target t) throws IOException, InterruptedException {
        List<String> args = common(s.name(), settings.durationSeconds());
        args.addAll(s.timedArgs(prefix));
        Measurement m = Measurement.start(t.pid());
        PerfTestRunner.Run run = perfTest.run(t.uri(), args, log(t, s.name()));
        Measurement.Usage usage = m.stop();
        cleanUp(t, s.queues(prefix), Scenario.exchanges(prefix));
        PerfTestLog parsed = PerfTestLog.parse(run.lines(), settings.skipSeconds());
        return new Result(s, t.label(), parsed, usage, run.exitCode(), run.errorsInLog(), Optional.empty());
    }

    /**
     * Publish the backlog with no consumer, wait until the queue holds it all, read resident memory; then
     * drain it with one consumer and time that.
     */
    private Result backlog(Scenario s, Target t) throws IOException, InterruptedException {
        String queue = s.queues(prefix).get(0);
        long n = settings.backlogMessages();
        Measurement publishing = Measurement.start(t.pid());
        long t0 = System.nanoTime();
        List<String> pubArgs = common(s + "-pub", 0);
        pubArgs.addAll(s.publishArgs(prefix, n));
        PerfTestRunner.Run pub = perfTest.run(t.uri(), pubArgs, log(t, s + "-publish"));
        long queued;
        try (Admin admin = Admin.connect(t.uri())) {
            queued = admin.awaitCount(queue, n, BACKLOG_COUNT_TIMEOUT_S);
        }
        double publishWall = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(SETTLE_MILLIS);
        Measurement.Usage atBacklog = publishing.stop();
        progress(s + " " + t.label() + ": queue holds " + queued + " messages, broker RSS "
                + Result.num(atBacklog.rssMb(), 0) + " MB; draining");

        long toDrain = queued > 0 ? queued : n;
        Measurement draining = Measurement.start(t.pid());
        long t2 = System.nanoTime();
        List<String> drainArgs = common(s + "-drain", 0);
        drainArgs.addAll(s.drainArgs(prefix, toDrain, DRAIN_TIMEOUT_S));
        PerfTestRunner.Run drain = perfTest.run(t.uri(), drainArgs, log(t, s + "-drain"));
        double drainWall = (System.nanoTime() - t2) / 1e9;
        Measurement.Usage afterDrain = draining.stop();
        long left;
        try (Admin admin = Admin.connect(t.uri())) {
            left = admin.count(queue);
        }
        cleanUp(t, s.queues(prefix), Scenario.exchanges(prefix));

        PerfTestLog p = PerfTestLog.parse(pub.lines(), settings.skipSeconds());
        PerfTestLog d = PerfTestLog.parse(drain.lines(), settings.skipSeconds());
        // latency of a drained backlog is only the messages' age in the queue: not reported
        PerfTestLog combined = new PerfTestLog(p.sentAvg(), d.recvAvg(), Percentiles.NONE, p.confirmLatency(),
                p.sentSteady(), d.recvSteady(), Percentiles.NONE, d.samples());
        Measurement.Usage usage = new Measurement.Usage(atBacklog.rssMb(),
                Math.max(atBacklog.rssPeakMb(), afterDrain.rssPeakMb()), atBacklog.brokerCpuPct(),
                atBacklog.clientCpuPct(), atBacklog.otherCpuPct());
        Result.Backlog backlog = new Result.Backlog(toDrain, publishWall, drainWall, afterDrain.rssMb(), left);
        return new Result(s, t.label(), combined, usage, pub.exitCode() != 0 ? pub.exitCode() : drain.exitCode(),
                pub.errorsInLog() || drain.errorsInLog(), Optional.of(backlog));
    }

    /** Deletes what this run may have declared on the broker; a broker that has gone is only reported. */
    void cleanUp(Target t, List<String> queues, List<String> exchanges) {
        try (Admin admin = Admin.connect(t.uri())) {
            admin.delete(queues, exchanges);
        } catch (IOException | RuntimeException e) {
            progress("cleanup on " + t.label() + " failed: " + e.getMessage());
        }
    }

    /** Sampling every second, a short shutdown, the run's id, and {@code -z} when timed. */
    private static List<String> common(String id, int durationSeconds) {
        List<String> a = new ArrayList<>(List.of("-i", "1", "-st", "5", "--id", id));
        if (durationSeconds > 0) {
            a.addAll(List.of("-z", Integer.toString(durationSeconds)));
        }
        return a;
    }

    private Path log(Target t, String name) {
        return settings.outDir().resolve(t.label() + "-" + name + ".log");
    }

    static void progress(String message) {
        System.err.printf("[bench %tT] %s%n", System.currentTimeMillis(), message);
    }
}
