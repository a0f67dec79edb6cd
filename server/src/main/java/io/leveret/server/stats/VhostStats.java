package io.leveret.server.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

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
    /** Guarded by this: the counters of channels and connections that closed. */
    private final long[] retired = new long[Metric.ALL.length];
    final Churn churn = new Churn();
    final History history;
    private final long retentionMillis;

    /** RabbitMQ's churn counters (Prometheus {@code *_opened_total}, {@code *_closed_total}). */
    static final class Churn {
        final AtomicLong connectionsOpened = new AtomicLong();
        final AtomicLong connectionsClosed = new AtomicLong();
        final AtomicLong channelsOpened = new AtomicLong();
        final AtomicLong channelsClosed = new AtomicLong();
        final AtomicLong queuesDeclared = new AtomicLong();
        final AtomicLong queuesCreated = new AtomicLong();
        final AtomicLong queuesDeleted = new AtomicLong();
    }

    public VhostStats(String vhost) {
        this(vhost, Statistics.DEFAULT_RETENTION_MILLIS);
    }

    VhostStats(String vhost, long retentionMillis) {
        this.vhost = vhost;
        this.retentionMillis = retentionMillis;
        this.history = new History(retentionMillis);
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
            (channel ? churn.channelsClosed : churn.connectionsClosed).incrementAndGet();
        }
        (channel ? churn.channelsOpened : churn.connectionsOpened).incrementAndGet();
        return t;
    }

    /** It closed: its counters stay in the totals. Call it on the owner's thread, after its last count. */
    public synchronized void untrack(Tracked t) {
        Map<String, Tracked> live = t.kind() == Kind.CHANNEL ? channels : connections;
        if (!live.remove(t.name(), t)) {
            return;
        }
        t.counters().addTo(retired);
        (t.kind() == Kind.CHANNEL ? churn.channelsClosed : churn.connectionsClosed).incrementAndGet();
    }

    /** queue.declare, whether or not it created the queue (rabbitmq_queues_declared_total). */
    public void queueDeclared(boolean created) {
        churn.queuesDeclared.incrementAndGet();
        if (created) {
            churn.queuesCreated.incrementAndGet();
        }
    }

    public void queueDeleted() {
        churn.queuesDeleted.incrementAndGet();
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

    /** Every counter of every channel and connection, open or closed, added to {@code into}. */
    synchronized void addTotals(long[] into) {
        for (int i = 0; i < retired.length; i++) {
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
