package io.leveret.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads Linux's {@code /proc}: a process's resident memory and CPU time, and the whole machine's CPU time.
 * Every reader answers empty rather than failing when the file is not there (another OS, a process that
 * has exited, a pid we may not read), since a benchmark without memory figures is still a benchmark.
 */
public final class ProcStats {
    /** USER_HZ: the unit of /proc's CPU times; 100 on every Linux the JVM runs on unless getconf says other. */
    public static final long TICKS_PER_SECOND = clockTicks();

    private ProcStats() {
    }

    /** VmRSS of {@code pid} in KiB. */
    public static OptionalLong rssKb(long pid) {
        try {
            return rssKbOf(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** CPU time (user + system) of {@code pid} so far, in ticks. */
    public static OptionalLong cpuTicks(long pid) {
        try {
            return OptionalLong.of(statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))
                    .ownTicks());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** CPU time of this JVM's children that have exited and been waited for (PerfTest runs), in ticks. */
    public static long reapedChildrenTicks() {
        try {
            return statFields(Files.readString(Path.of("/proc/self/stat"))).childrenTicks();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The machine's CPU time as {busy, total} in ticks, summed over cores; {0, 0} if unknown. */
    public static long[] hostTicks() {
        try {
            return hostTicksOf(Files.readAllLines(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    static OptionalLong rssKbOf(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmRSS:")) {
                return OptionalLong.of(Long.parseLong(line.substring(6).trim().split("\\s+")[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** The fields of /proc/PID/stat that we use; the command name may hold spaces and parentheses. */
    record Stat(long utime, long stime, long cutime, long cstime) {
        long ownTicks() {
            return utime + stime;
        }

        long childrenTicks() {
            return cutime + cstime;
        }
    }

    static Stat statFields(String stat) {
        // fields 14..17 (1-based) are utime, stime, cutime, cstime; field 3 is the first after "comm)"
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return new Stat(Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]));
    }

    static long[] hostTicksOf(List<String> statLines) {
        for (String line : statLines) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
                long busy = 0;
                long total = 0;
                for (int i = 1; i <= 8 && i < f.length; i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
                return new long[] {busy, total};
            }
        }
        return new long[] {0, 0};
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
