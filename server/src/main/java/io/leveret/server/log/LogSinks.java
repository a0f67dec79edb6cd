package io.leveret.server.log;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.event.Level;

/**
 * Where log lines go: standard error at {@code log.console.level} and, when {@code log.file} is set, that
 * file at {@code log.file.level}, both at once (as RabbitMQ's console and file handlers). Lines look like
 * slf4j-simple's ({@code millis-since-start [thread] LEVEL logger - message}, then the stack trace), which
 * is what Leveret wrote before. Configured once, early, by {@code Main}; until then standard error at INFO.
 * Each line is written whole under one lock, so lines from different threads never interleave.
 */
public final class LogSinks {
    /** A threshold above every level: the destination is off (RabbitMQ's level {@code none}). */
    public static final int OFF = Integer.MAX_VALUE;
    private static final long START = System.currentTimeMillis();
    private static final Object LOCK = new Object();

    private record Sinks(int consoleThreshold, PrintStream file, int fileThreshold) {
        int lowest() {
            return Math.min(consoleThreshold, file == null ? OFF : fileThreshold);
        }
    }

    private static volatile Sinks sinks = new Sinks(Level.INFO.toInt(), null, OFF);

    private LogSinks() {
    }

    /**
     * Sends lines at {@code consoleThreshold} and above to standard error, and those at {@code fileThreshold}
     * and above to {@code file} (appended to; null for none). Thresholds are SLF4J's {@link Level#toInt()}
     * values, or {@link #OFF}.
     *
     * @throws IOException if the file cannot be opened for appending
     */
    public static void configure(int consoleThreshold, Path file, int fileThreshold) throws IOException {
        PrintStream out = file == null ? null
                : new PrintStream(new BufferedOutputStream(new FileOutputStream(file.toFile(), true)), false,
                        StandardCharsets.UTF_8);
        synchronized (LOCK) {
            PrintStream old = sinks.file();
            sinks = new Sinks(consoleThreshold, out, fileThreshold);
            if (old != null) {
                old.close();
            }
        }
    }

    /** Back to standard error at INFO alone, closing the file (tests). */
    public static void reset() throws IOException {
        configure(Level.INFO.toInt(), null, OFF);
    }

    /** RabbitMQ's level names (debug, info, notice, warning, error, critical, none) as thresholds. */
    public static int threshold(String rabbitLevel) {
        return switch (rabbitLevel) {
            case "debug" -> Level.DEBUG.toInt();
            case "warning" -> Level.WARN.toInt();
            case "error", "critical" -> Level.ERROR.toInt();
            case "none" -> OFF;
            default -> Level.INFO.toInt(); // info, and notice, which SLF4J does not have
        };
    }

    static boolean enabled(Level level) {
        return level.toInt() >= sinks.lowest();
    }

    static void write(Level level, String logger, String message, Throwable t) {
        Sinks s = sinks;
        boolean console = level.toInt() >= s.consoleThreshold();
        boolean file = s.file() != null && level.toInt() >= s.fileThreshold();
        if (!console && !file) {
            return;
        }
        String line = (System.currentTimeMillis() - START) + " [" + Thread.currentThread().getName() + "] "
                + level + " " + logger + " - " + message;
        synchronized (LOCK) {
            if (console) {
                print(System.err, line, t);
            }
            // Configure may have closed this file meanwhile; it is checked again under the lock.
            if (file && sinks.file() == s.file()) {
                print(s.file(), line, t);
            }
        }
    }

    private static void print(PrintStream out, String line, Throwable t) {
        out.println(line);
        if (t != null) {
            t.printStackTrace(out);
        }
        out.flush();
    }
}
