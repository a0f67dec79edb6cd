package io.leveret.server.cluster.queues;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Puts many commands in one Raft log entry: a batch goes out {@code linger} after its first command or as soon as
 * it holds {@code maxBytes} of encoded commands, whichever comes first, and each caller's future completes with its
 * own command's effects from the batch's result. Batches are handed to the group in the order commands came, so a
 * publisher's sequence numbers reach the log in order.
 */
public final class CommandBatcher implements AutoCloseable {
    /** RabbitMQ's quorum queues batch similarly; these bound the added latency and the size of an entry. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private final Function<List<Command>, CompletableFuture<List<List<Effect>>>> submitAll;
    private final long lingerNanos;
    private final int maxBytes;
    private final ScheduledExecutorService timer;

    /** Guarded by this. */
    private List<Command> commands = new ArrayList<>();
    private List<CompletableFuture<List<Effect>>> callers = new ArrayList<>();
    private int bytes;
    /** Counts batches sent, so that a timer set for one batch never sends the next one early. */
    private long generation;
    private boolean closed;

    public CommandBatcher(Function<List<Command>, CompletableFuture<List<List<Effect>>>> submitAll, Duration linger,
                          int maxBytes) {
        if (maxBytes < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("linger " + linger + " and maxBytes " + maxBytes);
        }
        this.submitAll = submitAll;
        this.lingerNanos = linger.toNanos();
        this.maxBytes = maxBytes;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leveret-queues-batcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** A batcher in front of {@code group} with the default linger (1 ms) and size (64 KiB). */
    public static CommandBatcher of(QueueGroup group) {
        return new CommandBatcher(group::submitAll, DEFAULT_LINGER, DEFAULT_MAX_BYTES);
    }

    /** Adds {@code command} to the current batch; completes with its effects once the batch is applied. */
    public CompletableFuture<List<Effect>> submit(Command command) {
        CompletableFuture<List<Effect>> result = new CompletableFuture<>();
        int size = QueueCodec.encodedSize(command);
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new QueueGroupUnavailableException("the batcher is closed", null));
            }
            commands.add(command);
            callers.add(result);
            bytes += size;
            if (bytes >= maxBytes) {
                send();
            } else if (commands.size() == 1) {
                long scheduledFor = generation;
                try {
                    timer.schedule(() -> flush(scheduledFor), lingerNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    send();
                }
            }
        }
        return result;
    }

    private synchronized void flush(long scheduledFor) {
        if (generation == scheduledFor && !commands.isEmpty()) {
            send();
        }
    }

    /** Hands the batch to the group; under the lock, so that batches go out in order. */
    private void send() {
        List<Command> batch = commands;
        List<CompletableFuture<List<Effect>>> waiting = callers;
        commands = new ArrayList<>();
        callers = new ArrayList<>();
        bytes = 0;
        generation++;
        CompletableFuture<List<List<Effect>>> sent;
        try {
            sent = submitAll.apply(batch);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((effects, failure) -> {
            for (int i = 0; i < waiting.size(); i++) {
                if (failure != null) {
                    waiting.get(i).completeExceptionally(failure);
                } else {
                    waiting.get(i).complete(effects.get(i));
                }
            }
        });
    }

    /** Sends what is waiting, then takes no more. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (!commands.isEmpty()) {
                send();
            }
        }
        timer.shutdownNow();
    }
}
