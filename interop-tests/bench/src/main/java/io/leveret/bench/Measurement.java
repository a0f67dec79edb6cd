package io.leveret.bench;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The broker's resident memory and CPU, and the client's and the rest of the machine's CPU, over one
 * stretch of a scenario. Resident memory is sampled every half second for the peak; CPU is the difference
 * of /proc's counters between {@link #start} and {@link #stop}. Without a broker pid, only the client's and
 * the machine's figures are known.
 */
public final class Measurement {
    private static final long SAMPLE_MILLIS = 500;

    private final OptionalLong brokerPid;
    private final long startNanos;
    private final OptionalLong brokerTicks0;
    private final long[] host0;
    private final long client0;
    private final AtomicLong peakKb = new AtomicLong();
    private final Thread sampler;

    /**
     * What the stretch measured. CPU is in % of one core (200 = both cores of a two-core machine busy); memory
     * in MiB; NaN where not measured.
     *
     * @param otherCpuPct everything on the machine but the broker and PerfTest: how noisy the run was
     */
    public record Usage(double rssMb, double rssPeakMb, double brokerCpuPct, double clientCpuPct,
                        double otherCpuPct) {
    }

    private Measurement(OptionalLong brokerPid) {
        this.brokerPid = brokerPid;
        this.startNanos = System.nanoTime();
        this.brokerTicks0 = brokerPid.isPresent() ? ProcStats.cpuTicks(brokerPid.getAsLong()) : OptionalLong.empty();
        this.host0 = ProcStats.hostTicks();
        this.client0 = ProcStats.reapedChildrenTicks();
        this.sampler = new Thread(this::samplePeak, "bench-rss-sampler");
        this.sampler.setDaemon(true);
        if (brokerPid.isPresent()) {
            sampler.start();
        }
    }

    public static Measurement start(OptionalLong brokerPid) {
        return new Measurement(brokerPid);
    }

    /** Ends the stretch. Client CPU counts only PerfTest runs that have exited by now. */
    public Usage stop() {
        sampler.interrupt();
        try {
            sampler.join(SAMPLE_MILLIS * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double hz = ProcStats.TICKS_PER_SECOND;
        long[] host1 = ProcStats.hostTicks();
        double client = ProcStats.reapedChildrenTicks() - client0;
        double broker = Double.NaN;
        double rss = Double.NaN;
        double peak = Double.NaN;
        if (brokerPid.isPresent()) {
            OptionalLong ticks1 = ProcStats.cpuTicks(brokerPid.getAsLong());
            if (brokerTicks0.isPresent() && ticks1.isPresent()) {
                broker = ticks1.getAsLong() - brokerTicks0.getAsLong();
            }
            OptionalLong kb = ProcStats.rssKb(brokerPid.getAsLong());
            if (kb.isPresent()) {
                rss = kb.getAsLong() / 1024.0;
                peakKb.accumulateAndGet(kb.getAsLong(), Math::max);
            }
            peak = peakKb.get() == 0 ? Double.NaN : peakKb.get() / 1024.0;
        }
        double hostBusy = host1[0] - host0[0];
        double other = hostBusy - client - (Double.isNaN(broker) ? 0 : broker);
        return new Usage(rss, peak, pct(broker, hz, seconds), pct(client, hz, seconds),
                host1[1] == 0 ? Double.NaN : pct(Math.max(0, other), hz, seconds));
    }

    private static double pct(double ticks, double hz, double seconds) {
        return seconds <= 0 ? Double.NaN : 100 * ticks / hz / seconds;
    }

    private void samplePeak() {
        long pid = brokerPid.getAsLong();
        while (!Thread.currentThread().isInterrupted()) {
            ProcStats.rssKb(pid).ifPresent(kb -> peakKb.accumulateAndGet(kb, Math::max));
            try {
                Thread.sleep(SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
