package io.leveret.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The benchmark matrix: PerfTest's flags for each scenario. Every queue and exchange a scenario uses is
 * named after the run's {@code prefix}, so the harness can delete exactly what it made.
 *
 * <p>Timed scenarios run {@code -z duration}; the backlog ones (S7, S7P) publish a fixed number of 1 KiB
 * messages with no consumer, then drain them with one, and are measured by resident memory at full backlog
 * and by how long the drain takes.
 */
public enum Scenario {
    S1("1P/1C 16 B, auto-ack", "-x 1 -y 1 -s 16 -a"),
    S2("1 KiB, manual ack, prefetch 200", "-s 1024 -q 200"),
    S3("persistent 1 KiB, durable queue, confirms 200, manual ack", "-f persistent -c 200 -q 200"),
    S3X("10P/10C persistent 1 KiB, one durable queue, confirms 200, manual ack",
            "-x 10 -y 10 -f persistent -c 200 -q 200"),
    S3L("persistent 1 MiB, durable queue, confirms 20, manual ack, prefetch 20",
            "-s 1048576 -f persistent -c 20 -q 20"),
    S4("fanout to 4 queues, 1 KiB, manual ack", "-y 4 -t fanout -q 200"),
    S5("10P/10C over 10 queues, 1 KiB, manual ack", "-x 10 -y 10 -q 200"),
    S6("1000 msg/s, 1 KiB, latency", "-r 1000 -q 200"),
    S7("1 KiB backlog: resident memory, drain", "-y 0 -C N, then -x 0 -D N"),
    S7P("1 KiB backlog, persistent with confirms", "-f persistent -c 200 -y 0 -C N, then -x 0 -D N");

    /** Prefetch 200 with manual acks, as every acking scenario uses. */
    private static final List<String> ACK_200 = List.of("-q", "200");

    private final String title;
    private final String flags;

    Scenario(String title, String flags) {
        this.title = title;
        this.flags = flags;
    }

    /** For the ratio table: what is measured, in words (a backlog's size is the run's, so the table adds it). */
    public String title() {
        return title;
    }

    /** For the ratio table: the PerfTest flags that make this scenario, abridged. */
    public String flags() {
        return flags;
    }

    public boolean isBacklog() {
        return this == S7 || this == S7P;
    }

    /** Parses a name as given in {@code bench.scenarios}, case-insensitively. */
    public static Scenario named(String name) {
        for (Scenario s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + name.trim() + "' (known: S1..S7, S3X, S3L, S7P)");
    }

    /** The queues this scenario declares, to delete after it. */
    public List<String> queues(String prefix) {
        return switch (this) {
            case S4 -> numbered(prefix + "-S4-", 4);
            case S5 -> numbered(prefix + "-S5-", 10);
            default -> List.of(prefix + "-" + name());
        };
    }

    /** The exchanges the harness's scenarios may declare, to delete after each. */
    public static List<String> exchanges(String prefix) {
        return List.of(direct(prefix), fanout(prefix));
    }

    /** PerfTest's flags for a timed scenario (everything but the URI, id, sampling and duration). */
    public List<String> timedArgs(String prefix) {
        List<String> a = new ArrayList<>();
        switch (this) {
            case S1 -> a.addAll(List.of("-x", "1", "-y", "1", "-s", "16", "-a"));
            case S2 -> {
                a.addAll(List.of("-x", "1", "-y", "1", "-s", "1024"));
                a.addAll(ACK_200);
            }
            case S3 -> {
                a.addAll(List.of("-x", "1", "-y", "1", "-s", "1024"));
                a.addAll(ACK_200);
                a.addAll(List.of("-f", "persistent", "-c", "200"));
            }
            case S3X -> {
                a.addAll(List.of("-x", "10", "-y", "10", "-s", "1024"));
                a.addAll(ACK_200);
                a.addAll(List.of("-f", "persistent", "-c", "200"));
            }
            case S3L -> a.addAll(List.of("-x", "1", "-y", "1", "-s", "1048576", "-q", "20", "-f", "persistent",
                    "-c", "20"));
            case S4 -> {
                a.addAll(List.of("-x", "1", "-y", "4", "-s", "1024"));
                a.addAll(ACK_200);
                a.addAll(List.of("-e", fanout(prefix), "-t", "fanout", "--queue-pattern", prefix + "-S4-%d",
                        "--queue-pattern-from", "1", "--queue-pattern-to", "4"));
                return a;
            }
            case S5 -> {
                a.addAll(List.of("-x", "10", "-y", "10", "-s", "1024"));
                a.addAll(ACK_200);
                a.addAll(List.of("-e", direct(prefix), "--queue-pattern", prefix + "-S5-%d",
                        "--queue-pattern-from", "1", "--queue-pattern-to", "10"));
                return a;
            }
            case S6 -> {
                a.addAll(List.of("-x", "1", "-y", "1", "-s", "1024"));
                a.addAll(ACK_200);
                a.addAll(List.of("-r", "1000"));
            }
            case S7, S7P -> throw new IllegalStateException(this + " is a backlog scenario");
        }
        a.addAll(List.of("-u", queues(prefix).get(0), "-e", direct(prefix)));
        return a;
    }

    /** The backlog's first half: one producer, no consumer, {@code messages} x 1 KiB into a kept queue. */
    public List<String> publishArgs(String prefix, long messages) {
        requireBacklog();
        List<String> a = new ArrayList<>(List.of("-x", "1", "-y", "0", "-s", "1024", "-C", Long.toString(messages),
                "-u", queues(prefix).get(0), "-ad", "false", "-e", direct(prefix)));
        if (this == S7P) {
            a.addAll(List.of("-f", "persistent", "-c", "200"));
        }
        return a;
    }

    /**
     * The backlog's second half: one consumer, manual ack, prefetch 200, on the existing queue ({@code -p}),
     * until {@code messages} have arrived; {@code -z} only bounds a drain that never ends.
     */
    public List<String> drainArgs(String prefix, long messages, int timeoutSeconds) {
        requireBacklog();
        List<String> a = new ArrayList<>(List.of("-x", "0", "-y", "1"));
        a.addAll(ACK_200);
        a.addAll(List.of("-u", queues(prefix).get(0), "-p", "-ad", "false", "-e", direct(prefix),
                "-D", Long.toString(messages), "-z", Integer.toString(timeoutSeconds)));
        return a;
    }

    private void requireBacklog() {
        if (!isBacklog()) {
            throw new IllegalStateException(this + " is a timed scenario");
        }
    }

    private static String direct(String prefix) {
        return prefix + "-direct";
    }

    private static String fanout(String prefix) {
        return prefix + "-fanout";
    }

    private static List<String> numbered(String stem, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> stem + i).toList();
    }
}
