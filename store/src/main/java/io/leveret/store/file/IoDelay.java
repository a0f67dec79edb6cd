package io.leveret.store.file;

import java.util.concurrent.TimeUnit;

/**
 * A test hook, off unless asked for: with {@code -Dleveret.test.ioDelayMs=N} (read once, when this class
 * loads) every read and write of the message log and of the spill files sleeps N ms first, as on a slow or
 * overloaded disk. Tests use it to show that no such read or write runs on a thread that must never wait
 * (a broker's network loops). The store calls {@link #beforeIo()} once per buffer it reads or writes (one
 * positional read of a run of messages, one flush of a write buffer), not per message in that buffer.
 */
public final class IoDelay {
    /** The system property that turns the delay on. */
    public static final String PROPERTY = "leveret.test.ioDelayMs";
    private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(Math.max(0, Long.getLong(PROPERTY, 0)));

    private IoDelay() {
    }

    /** Sleeps the configured delay (nothing at all unless the property is set). */
    public static void beforeIo() {
        if (DELAY_NANOS == 0) {
            return;
        }
        long end = System.nanoTime() + DELAY_NANOS;
        for (long left = DELAY_NANOS; left > 0; left = end - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
