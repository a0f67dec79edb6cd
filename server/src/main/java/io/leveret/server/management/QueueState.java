package io.leveret.server.management;

import io.leveret.server.vhost.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queue's counts, read on the queue's own thread (its state is confined there, as queue.declare-ok reads
 * it) and handed back as a value.
 */
record QueueState(Queue queue, int ready, long readyBytes, int unacked, long unackedBytes, int consumers,
                  double consumerCapacity) {

    int messages() {
        return ready + unacked;
    }

    long messageBytes() {
        return readyBytes + unackedBytes;
    }

    /** Reads one queue on its thread. */
    static CompletableFuture<QueueState> of(Queue q) {
        CompletableFuture<QueueState> f = new CompletableFuture<>();
        q.execute(() -> {
            try {
                f.complete(new QueueState(q, q.messageCount(), q.readyBytes(), q.unackedCount(), q.unackedBytes(),
                        q.consumerCount(), q.consumerCapacity()));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Reads every queue, each on its own thread, answering once all have answered, in the given order. */
    static CompletableFuture<List<QueueState>> of(List<Queue> queues) {
        List<CompletableFuture<QueueState>> parts = new ArrayList<>(queues.size());
        for (Queue q : queues) {
            parts.add(of(q));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** The totals over some queues. */
    record Totals(long ready, long unacked, long readyBytes, long unackedBytes, long consumers) {
        static Totals of(List<QueueState> states) {
            long r = 0;
            long u = 0;
            long rb = 0;
            long ub = 0;
            long c = 0;
            for (QueueState s : states) {
                r += s.ready();
                u += s.unacked();
                rb += s.readyBytes();
                ub += s.unackedBytes();
                c += s.consumers();
            }
            return new Totals(r, u, rb, ub, c);
        }

        long messages() {
            return ready + unacked;
        }
    }
}
