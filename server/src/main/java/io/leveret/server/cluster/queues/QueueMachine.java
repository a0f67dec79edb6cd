package io.leveret.server.cluster.queues;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replicated queue engine: many queues, each a FIFO with consumers, held by every member of a queue group and
 * changed only by {@link #apply}. Applying does no I/O and reads no clock; it returns the {@link Effect}s (deliveries,
 * confirms, dead-letters) for the caller to perform. The same commands in the same order leave every member in the
 * same state, which {@link QueueCodec#encodeSnapshot} writes byte for byte alike. Not thread-safe: one thread
 * applies (Ratis' apply thread), others read under the caller's lock.
 */
public final class QueueMachine {
    /** Ordered, so that a node going down walks the queues in the same order everywhere. */
    final TreeMap<QueueName, ReplicatedQueue> queues = new TreeMap<>();

    /** Applies one command and answers what the caller must do, in order. */
    public List<Effect> apply(Command command) {
        List<Effect> effects = new ArrayList<>(2);
        apply(command, effects);
        return effects;
    }

    /** Applies one command, adding its effects to {@code effects}. */
    public void apply(Command command, List<Effect> effects) {
        if (command instanceof Command.Declare c) {
            boolean created = !queues.containsKey(c.queue());
            if (created) {
                queues.put(c.queue(), new ReplicatedQueue(c.queue(), c.config()));
            }
            effects.add(new Effect.Declared(c.queue(), created));
        } else if (command instanceof Command.NodeDown c) {
            for (ReplicatedQueue q : queues.values()) {
                for (ConsumerId consumer : q.consumersOn(c.node())) {
                    q.cancel(consumer, true, effects);
                }
            }
        } else if (command instanceof Command.Delete c) {
            ReplicatedQueue q = queues.remove(c.queue());
            if (q == null) {
                effects.add(new Effect.NoQueue(c.queue()));
            } else {
                q.delete(effects);
            }
        } else {
            applyToQueue(command, effects);
        }
    }

    private void applyToQueue(Command command, List<Effect> effects) {
        if (command instanceof Command.Enqueue c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.enqueue(c.publisher(), c.seq(), c.body(), effects);
            }
        } else if (command instanceof Command.Checkout c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.checkout(c.consumer(), c.prefetch(), c.priority(), effects);
            }
        } else if (command instanceof Command.Settle c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.settle(c.consumer(), c.ids(), effects);
            }
        } else if (command instanceof Command.Return c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.giveBack(c.consumer(), c.ids(), effects);
            }
        } else if (command instanceof Command.Discard c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.discard(c.consumer(), c.ids(), effects);
            }
        } else if (command instanceof Command.Cancel c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.cancel(c.consumer(), c.returnUnacked(), effects);
            }
        } else if (command instanceof Command.Purge c) {
            ReplicatedQueue q = queue(c.queue(), effects);
            if (q != null) {
                q.purge(effects);
            }
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private ReplicatedQueue queue(QueueName name, List<Effect> effects) {
        ReplicatedQueue q = queues.get(name);
        if (q == null) {
            effects.add(new Effect.NoQueue(name));
        }
        return q;
    }

    /**
     * What a queue holds now, or null if there is no such queue.
     *
     * @param ready      messages waiting for a consumer
     * @param readyBytes their body bytes
     * @param unacked    messages delivered and not yet settled
     * @param consumers  consumers that may get deliveries, in round-robin order
     * @param blocked    over its limit with reject-publish: enqueues are refused
     */
    public record Stats(long ready, long readyBytes, long unacked, List<ConsumerId> consumers, boolean blocked) {
    }

    public Stats stats(QueueName name) {
        ReplicatedQueue q = queues.get(name);
        if (q == null) {
            return null;
        }
        return new Stats(q.ready.size(), q.readyBytes, q.unackedCount(),
                q.serviceOrder.stream().map(c -> c.id).toList(), q.blocked);
    }

    /** The queues that exist, in order. */
    public List<QueueName> queueNames() {
        return List.copyOf(queues.keySet());
    }

    /** The queue's configuration, or null if there is no such queue. */
    public QueueConfig config(QueueName name) {
        ReplicatedQueue q = queues.get(name);
        return q == null ? null : q.config;
    }

    /** Drops everything: before a snapshot is loaded into this machine. */
    void clear() {
        queues.clear();
    }

    Map<QueueName, ReplicatedQueue> queueMap() {
        return queues;
    }
}
