package io.leveret.server.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * One vhost's statistics: its open channels and connections, and the counters of those that closed, so
 * that the vhost's and the broker's totals never go down when a channel closes (as in RabbitMQ). Opening
 * and closing take this object's monitor, and so does the sampler while it sums; the hot path never does,
 * it only writes its own {@link Counters}.
 */
public final class VhostStats {
    private final String vhost;
    private final Map<String, Tracked> channels = new ConcurrentHashMap<>();
    private final Map<String, Tracked> connections = new ConcurrentHashMap<>();
    /** Guarded by this: the counters of channels and connections that closed, quorum shares included. */
    private final long[] retired = new long[GlobalCounts.TOTALS_ROW];
    /**
     * Messages dead-lettered (or dropped for want of a dead-letter exchange) by this vhost's queues, by
     * {@link GlobalCounts#index}. Every queue thread counts here, so each slot is an adder: no lock, and no
     * allocation once it has its cells.
     */
    private final LongAdder[] deadLettered = new LongAdder[GlobalCounts.DEAD_LETTER_COLUMNS];
    /** RabbitMQ's churn counters, by {@link Churn#ordinal()}: rare events, so one shared array. */
    private final AtomicLongArray churn = new AtomicLongArray(Churn.ALL.length);
    final History history;
    private final long retentionMillis;

    public VhostStats(String vhost) {
        this(vhost, Statistics.DEFAULT_RETENTION_MILLIS);
    }

    VhostStats(String vhost, long retentionMillis) {
        this.vhost = vhost;
        this.retentionMillis = retentionMillis;
        this.history = new History(retentionMillis);
        for (int i = 0; i < deadLettered.length; i++) {
            deadLettered[i] = new LongAdder();
        }
    }

    public String vhost() {
        return vhost;
    }

    /** A channel or connection opened; {@code name} is the one the management API shows. */
    public synchronized Tracked track(Kind kind, String name, CounterSource counters) {
        return track(kind, name, counters, Occupancy.NONE);
    }

    /** {@link #track(Kind, String, CounterSource)} with what it holds, for the per-object gauges. */
    public synchronized Tracked track(Kind kind, String name, CounterSource counters, Occupancy occupancy) {
        Tracked t = new Tracked(kind, name, counters, occupancy, retentionMillis);
        boolean channel = kind == Kind.CHANNEL;
        Tracked before = (channel ? channels : connections).put(name, t);
        if (before != null) {
            // The name's previous owner was not untracked yet (a channel number reused at once): it is closed
            // now in all but name, so its counts go to the totals here; its own untrack will find nothing.
            before.counters().addTo(retired);
            count(channel ? Churn.CHANNEL_CLOSED : Churn.CONNECTION_CLOSED);
        }
        count(channel ? Churn.CHANNEL_CREATED : Churn.CONNECTION_CREATED);
        return t;
    }

    /** It closed: its counters stay in the totals. Call it on the owner's thread, after its last count. */
    public synchronized void untrack(Tracked t) {
        Map<String, Tracked> live = t.kind() == Kind.CHANNEL ? channels : connections;
        if (!live.remove(t.name(), t)) {
            return;
        }
        t.counters().addTo(retired);
        count(t.kind() == Kind.CHANNEL ? Churn.CHANNEL_CLOSED : Churn.CONNECTION_CLOSED);
    }

    /** queue.declare, whether or not it created the queue (rabbitmq_queues_declared_total). */
    public void queueDeclared(boolean created) {
        count(Churn.QUEUE_DECLARED);
        if (created) {
            count(Churn.QUEUE_CREATED);
        }
    }

    public void queueDeleted() {
        count(Churn.QUEUE_DELETED);
    }

    /** A queue of this vhost dead-lettered a message, or dropped it where it had no dead-letter exchange. */
    public void deadLettered(GlobalCounts.Reason reason, boolean quorum, boolean toExchange) {
        deadLettered[GlobalCounts.index(reason, quorum, toExchange)].increment();
    }

    private void count(Churn c) {
        churn.incrementAndGet(c.ordinal());
    }

    Tracked channel(String name) {
        return channels.get(name);
    }

    Tracked connection(String name) {
        return connections.get(name);
    }

    Iterable<Tracked> channels() {
        return channels.values();
    }

    Iterable<Tracked> connections() {
        return connections.values();
    }

    int channelCount() {
        return channels.size();
    }

    int connectionCount() {
        return connections.size();
    }

    /**
     * Every counter of every channel and connection, open or closed, added to {@code into}; and, if it is as
     * wide as a totals row, the churn counts, the quorum queues' shares and the dead-letter counts.
     */
    synchronized void addTotals(long[] into) {
        if (into.length >= GlobalCounts.TOTALS_ROW) {
            for (Churn c : Churn.ALL) {
                into[c.column()] += churn.get(c.ordinal());
            }
            for (int i = 0; i < deadLettered.length; i++) {
                into[GlobalCounts.deadLetteredBase() + i] += deadLettered[i].sum();
            }
        }
        for (int i = 0; i < Math.min(retired.length, into.length); i++) {
            into[i] += retired[i];
        }
        for (Tracked t : channels.values()) {
            t.counters().addTo(into);
        }
        for (Tracked t : connections.values()) {
            t.counters().addTo(into);
        }
    }
}
