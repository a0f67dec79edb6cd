package io.leveret.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * Waits for the machine to calm down before a scenario: a build or another benchmark on the same cores would
 * otherwise decide the result. The brokers' own CPU does not count (a broker may still be settling).
 */
final class Quiet {
    private static final long WINDOW_MILLIS = 2000;

    private Quiet() {
    }

    /**
     * Waits until everything but the brokers uses at most {@code maxPct} % of one core over a two-second
     * window, or {@code maxWaitSeconds} have passed; returns the last window's figure (% of one core).
     */
    static double await(List<Long> brokerPids, double maxPct, int maxWaitSeconds) throws InterruptedException {
        if (maxWaitSeconds <= 0) {
            return Double.NaN;
        }
        long deadline = System.nanoTime() + maxWaitSeconds * 1_000_000_000L;
        while (true) {
            long[] h0 = ProcStats.hostTicks();
            long b0 = brokerTicks(brokerPids);
            Thread.sleep(WINDOW_MILLIS);
            long[] h1 = ProcStats.hostTicks();
            long b1 = brokerTicks(brokerPids);
            double other = 100.0 * ((h1[0] - h0[0]) - (b1 - b0)) / ProcStats.TICKS_PER_SECOND / (WINDOW_MILLIS / 1000.0);
            if (other <= maxPct || System.nanoTime() > deadline) {
                return other;
            }
        }
    }

    private static long brokerTicks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            OptionalLong t = ProcStats.cpuTicks(pid);
            sum += t.orElse(0);
        }
        return sum;
    }
}
