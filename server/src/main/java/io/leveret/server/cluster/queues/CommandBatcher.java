package io.leveret.server.cluster.queues;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Puts many commands in one Raft log entry: a batch is due {@code linger} after its first command or as soon as it
 * holds {@code maxBytes} of encoded commands, whichever comes first, and each caller's future completes with its
 * own command's effects from the batch's result. At most {@code maxInFlight} entries are outstanding: while that
 * many wait for their commit, a due batch keeps taking commands (up to {@code maxBytes}) and goes out when one
 * completes, so that under load entries grow instead of queueing up behind each other. Batches are handed to the
 * group in the order their commands came, so a publisher's sequence numbers reach the log in order.
 */
public final class CommandBatcher implements AutoCloseable {
    /** These bound the added latency and the size of an entry. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;

    /** Commands going into one entry, with their callers. */
    private static final class Batch {
        final List<Command> commands = new ArrayList<>();
        final List<CompletableFuture<List<Effect>>> callers = new ArrayList<>();
        int bytes;
    }

    private final Function<List<Command>, CompletableFuture<List<List<Effect>>>> submitAll;
    private final long lingerNanos;
    private final int maxBytes;
    private final int maxInFlight;
    private final ScheduledExecutorService timer;
    /** Whether {@link #close} ends the timer: not when it is shared, as by a pool's batchers. */
    private final boolean ownsTimer;

    /** The batch taking commands. Guarded by this, as is everything below. */
    private Batch open = new Batch();
    /** The open batch's linger has run out: it goes as soon as an entry may. */
    private boolean due;
    /** Full batches waiting for an entry to complete, oldest first. */
    private final ArrayDeque<Batch> full = new ArrayDeque<>();
    private int inFlight;
    /** Counts batches closed, so that a timer set for one batch never makes the next one due early. */
    private long generation;
    private boolean closed;

    public CommandBatcher(Function<List<Command>, CompletableFuture<List<List<Effect>>>> submitAll, Duration linger,
                          int maxBytes, int maxInFlight) {
        this(submitAll, linger, maxBytes, maxInFlight, newTimer(), true);
    }

    private CommandBatcher(Function<List<Command>, CompletableFuture<List<List<Effect>>>> submitAll, Duration linger,
                           int maxBytes, int maxInFlight, ScheduledExecutorService timer, boolean ownsTimer) {
        if (maxBytes < 1 || maxInFlight < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("linger " + linger + ", maxBytes " + maxBytes + ", maxInFlight "
                    + maxInFlight);
        }
        this.submitAll = submitAll;
        this.lingerNanos = linger.toNanos();
        this.maxBytes = maxBytes;
        this.maxInFlight = maxInFlight;
        this.timer = timer;
        this.ownsTimer = ownsTimer;
    }

    /** The thread that makes batches due when their linger runs out. */
    static ScheduledExecutorService newTimer() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leveret-queues-batcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** A batcher in front of {@code group}: 1 ms, 64 KiB, 4 entries in flight. */
    public static CommandBatcher of(QueueGroup group) {
        return new CommandBatcher(group::submitAll, DEFAULT_LINGER, DEFAULT_MAX_BYTES, DEFAULT_MAX_IN_FLIGHT);
    }

    /**
     * As {@link #of(QueueGroup)}, with a timer shared by several batchers (a pool's, one per group) and left
     * running by {@link #close}: its owner ends it once every batcher using it is closed.
     */
    static CommandBatcher of(QueueGroup group, ScheduledExecutorService sharedTimer) {
        return new CommandBatcher(group::submitAll, DEFAULT_LINGER, DEFAULT_MAX_BYTES, DEFAULT_MAX_IN_FLIGHT,
                sharedTimer, false);
    }

    /** Adds {@code command} to the open batch; completes with its effects once its entry is applied. */
    public CompletableFuture<List<Effect>> submit(Command command) {
        CompletableFuture<List<Effect>> result = new CompletableFuture<>();
        int size = QueueCodec.encodedSize(command);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new QueueGroupUnavailableException("the batcher is closed", null));
            }
            open.commands.add(command);
            open.callers.add(result);
            open.bytes += size;
            if (open.bytes >= maxBytes) {
                closeOpen();
                pump();
            } else if (open.commands.size() == 1) {
                long scheduledFor = generation;
                try {
                    timer.schedule(() -> lingerOver(scheduledFor), lingerNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    due = true;
                    pump();
                }
            }
        }
        return result;
    }

    private synchronized void lingerOver(long scheduledFor) {
        if (generation == scheduledFor && !open.commands.isEmpty()) {
            due = true;
            pump();
        }
    }

    private void closeOpen() {
        full.addLast(open);
        open = new Batch();
        due = false;
        generation++;
    }

    /** Sends what may go: full batches first, then the open one if due, while fewer than maxInFlight are out. */
    private void pump() {
        while (inFlight < maxInFlight) {
            if (full.isEmpty()) {
                if (!due || open.commands.isEmpty()) {
                    return;
                }
                closeOpen();
            }
            send(full.pollFirst());
        }
    }

    /** Hands a batch to the group; under the lock, so that batches go out in order. */
    private void send(Batch batch) {
        inFlight++;
        CompletableFuture<List<List<Effect>>> sent;
        try {
            sent = submitAll.apply(batch.commands);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((effects, failure) -> {
            for (int i = 0; i < batch.callers.size(); i++) {
                if (failure != null) {
                    batch.callers.get(i).completeExceptionally(failure);
                } else {
                    batch.callers.get(i).complete(effects.get(i));
                }
            }
            synchronized (this) {
                inFlight--;
                pump();
            }
        });
    }

    /** Makes what waits due (it goes as entries complete), then takes no more. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            due = true;
            pump();
        }
        if (ownsTimer) {
            timer.shutdownNow();
        }
    }
}
