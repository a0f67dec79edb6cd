package io.leveret.server.vhost;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where queues and delayed exchanges read and write message bodies (paging them out to spill files and back,
 * reading them back from the message log), so that no disk I/O runs on a network event loop: a stalled read
 * there would stall every connection and queue on that loop. A few daemon threads, each a lane whose tasks run
 * in the order given. An owner (a queue, a delayed exchange) takes one lane for good: its reads and writes then
 * happen in order, and its spill file is only ever touched by that one thread. Owners batch their work (one
 * task per window of messages, not per message) and get the results back as tasks on their own executor.
 */
public final class DiskIo implements AutoCloseable {
    private final ExecutorService[] lanes;
    private final AtomicInteger next = new AtomicInteger();

    private DiskIo(ExecutorService[] lanes) {
        this.lanes = lanes;
    }

    /** {@code threads} lanes of one daemon thread each, named {@code leveret-disk-io-N}. */
    public static DiskIo start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one disk I/O thread, not " + threads);
        }
        ExecutorService[] lanes = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            String name = "leveret-disk-io-" + i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
        return new DiskIo(lanes);
    }

    /** As many lanes as the machine has cores, between 2 and 4: disk work is mostly waiting. */
    public static DiskIo start() {
        return start(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Runs every task at once on the calling thread: for tests and tools whose queues run on the caller's own
     * thread (an immediate executor), where waiting on the disk blocks nobody else.
     */
    public static DiskIo callingThread() {
        return new DiskIo(null);
    }

    /** A lane for a new owner, round-robin. */
    Executor lane() {
        if (lanes == null) {
            return Runnable::run;
        }
        return lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
    }

    /** Lets the tasks already given finish (for up to 10 s), then stops the threads. */
    @Override
    public void close() {
        if (lanes == null) {
            return;
        }
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        try {
            for (ExecutorService lane : lanes) {
                lane.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
