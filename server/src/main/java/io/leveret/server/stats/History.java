package io.leveret.server.stats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The samples of one object (or of a vhost, or of the whole broker), one row per sampler tick, kept for
 * {@code retentionMillis} so that the API can answer {@code msg_rates_age} and {@code lengths_age}.
 * A row equal to the one before only extends it: an idle queue costs one row however long it is idle,
 * which is what lets ten thousand queues keep ten minutes of history.
 * Written by the sampler; read by API threads; guarded by this.
 */
final class History {
    /** A run of ticks from {@code from} on, all with the same values. */
    private record Run(long from, long[] row) {
    }

    private final ArrayDeque<Run> runs = new ArrayDeque<>();
    private final long retentionMillis;
    private long last = Long.MIN_VALUE;

    History(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    /** The sample taken at {@code time}; later than every one before. */
    synchronized void record(long time, long[] row) {
        Run tail = runs.peekLast();
        if (tail == null || !Arrays.equals(tail.row, row)) {
            runs.addLast(new Run(time, row.clone()));
        }
        last = time;
        // Keep the run that covers the oldest moment still asked for.
        long oldest = time - retentionMillis;
        while (runs.size() > 1) {
            Iterator<Run> it = runs.iterator();
            it.next();
            if (it.next().from <= oldest) {
                runs.pollFirst();
            } else {
                break;
            }
        }
    }

    synchronized boolean isEmpty() {
        return runs.isEmpty();
    }

    /** Time of the newest sample, or {@link Long#MIN_VALUE} before the first. */
    synchronized long lastTime() {
        return last;
    }

    /** The newest row, or null before the first sample. */
    synchronized long[] latest() {
        Run tail = runs.peekLast();
        return tail == null ? null : tail.row;
    }

    /** The row in effect at {@code time}, or null if that is before the first sample or after the newest. */
    synchronized long[] at(long time) {
        if (time > last) {
            return null;
        }
        Iterator<Run> it = runs.descendingIterator();
        while (it.hasNext()) {
            Run r = it.next();
            if (r.from <= time) {
                return r.row;
            }
        }
        return null;
    }

    /** Per second over the last interval: (newest - the one an interval before) / interval. */
    synchronized double rate(int column, long intervalMillis) {
        long[] now = latest();
        long[] before = at(last - intervalMillis);
        if (now == null || before == null) {
            return 0.0;
        }
        return (now[column] - before[column]) * 1000.0 / intervalMillis;
    }

    /**
     * RabbitMQ's {@code *_details} for one column: {@code rate}, and when a range is asked for, the
     * samples from the newest multiple of {@code incr} back over {@code age}, newest first, with their
     * mean ({@code avg}) and the rate from the oldest to the newest ({@code avg_rate}).
     */
    synchronized Map<String, Object> details(int column, long intervalMillis, long ageMillis, long incrMillis,
                                             long nowMillis) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (ageMillis <= 0 || incrMillis <= 0) {
            d.put("rate", rate(column, intervalMillis));
            return d;
        }
        long end = nowMillis - Math.floorMod(nowMillis, incrMillis);
        List<Map<String, Object>> samples = new ArrayList<>();
        long sum = 0;
        long newest = 0;
        long oldest = 0;
        int n = 0;
        for (long t = end; t >= end - ageMillis; t -= incrMillis) {
            long[] row = at(Math.min(t, last));
            long v = row == null || t < firstTime() ? 0 : row[column];
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("sample", v);
            s.put("timestamp", t);
            samples.add(s);
            if (n == 0) {
                newest = v;
            }
            oldest = v;
            sum += v;
            n++;
        }
        d.put("avg", (double) sum / n);
        d.put("avg_rate", (newest - oldest) * 1000.0 / ageMillis);
        d.put("rate", rate(column, intervalMillis));
        d.put("samples", samples);
        return d;
    }

    /**
     * One history whose row at each moment is the sum of {@code parts}' rows then: a user's overview over the
     * vhosts they see. The parts are sampled at the same ticks; a part not sampled yet at a moment adds nothing.
     */
    static History sum(List<History> parts, long retentionMillis) {
        TreeSet<Long> times = new TreeSet<>();
        for (History h : parts) {
            synchronized (h) {
                h.runs.forEach(r -> times.add(r.from));
                if (!h.runs.isEmpty()) {
                    times.add(h.last);
                }
            }
        }
        History out = new History(retentionMillis);
        for (long t : times) {
            long[] row = null;
            for (History h : parts) {
                long[] r = h.at(t);
                if (r != null) {
                    if (row == null) {
                        row = new long[r.length];
                    }
                    for (int i = 0; i < r.length; i++) {
                        row[i] += r[i];
                    }
                }
            }
            if (row != null) {
                out.record(t, row);
            }
        }
        return out;
    }

    private long firstTime() {
        Run head = runs.peekFirst();
        return head == null ? Long.MAX_VALUE : head.from;
    }
}
