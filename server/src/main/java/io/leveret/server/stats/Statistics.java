package io.leveret.server.stats;

import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's statistics: a sampler that every {@code collect_statistics_interval} ms reads the counters
 * that channels, connections, queues and exchanges keep on their own threads, keeps the samples, and
 * answers the management API's questions from them.
 *
 * <h2>Read API (for the management HTTP API)</h2>
 * Every method returns a fresh, mutable {@code Map<String, Object>} ready for Jackson, with RabbitMQ's key
 * names, counts as {@code Long} and rates as {@code Double}; the caller puts it into its JSON object. An
 * empty map means "nothing to show" (statistics off, object unknown, not sampled yet, or no message has
 * moved yet): RabbitMQ then omits {@code message_stats}, so should the caller.
 * {@link SampleRange#fromQuery} turns {@code msg_rates_age/msg_rates_incr/lengths_age/lengths_incr} into the
 * range; {@link SampleRange#NONE} gives only {@code *_details.rate}.
 * <ul>
 *   <li>{@link #messageStats(Kind, String, String, SampleRange)} — {@code message_stats} of a queue
 *       ({@code Kind.QUEUE}, vhost, name), an exchange ({@code Kind.EXCHANGE}, vhost, name), a channel
 *       ({@code Kind.CHANNEL}, null, channel name "{@code <connection name> (<number>)}").</li>
 *   <li>{@link #queueLengths} — {@code messages}, {@code messages_ready}, {@code messages_unacknowledged}
 *       and their {@code *_details} for one queue.</li>
 *   <li>{@link #connectionOctets} — {@code recv_oct}, {@code send_oct} and their {@code *_details} for a
 *       connection by name ({@link ConnectionNames#of}).</li>
 *   <li>{@link #vhost} — a vhost's {@code message_stats}, lengths and octets, as the fields of
 *       {@code GET /api/vhosts/NAME} (keys {@code message_stats}, {@code messages...}, {@code recv_oct...}).</li>
 *   <li>{@link #overview} — {@code message_stats}, {@code churn_rates} and {@code queue_totals} of
 *       {@code GET /api/overview}, for the whole broker or summed over the vhosts a user sees.</li>
 * </ul>
 * Totals per vhost and overall include channels and connections that have closed.
 */
public final class Statistics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Statistics.class);
    /** RabbitMQ's default retention for the samples the API shows (605 s of 5 s samples). */
    static final long DEFAULT_RETENTION_MILLIS = 605_000;

    private final long intervalMillis;
    private final boolean enabled;
    private final Supplier<? extends Collection<VirtualHost>> vhosts;
    private final ScheduledExecutorService sampler;
    private final History overall = new History(DEFAULT_RETENTION_MILLIS);
    /** Sampler thread only: each vhost's last totals, so a deleted vhost's stay in the overall totals. */
    private final Map<String, long[]> lastVhostTotals = new HashMap<>();
    /** Sampler thread only: the counts (never the gauges) of vhosts deleted since boot. */
    private final long[] goneVhosts = new long[GlobalCounts.TOTALS_ROW];
    /** Queues' and exchanges' samples by object; replaced whole by each tick. */
    private volatile Map<Object, History> objects = new IdentityHashMap<>();

    private Statistics(long intervalMillis, boolean enabled, Supplier<? extends Collection<VirtualHost>> vhosts) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("collect_statistics_interval must be positive: " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
        this.enabled = enabled;
        this.vhosts = vhosts;
        this.sampler = enabled ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "statistics-sampler");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Starts sampling every {@code intervalMillis} (at multiples of it, as RabbitMQ's timestamps are), unless
     * {@code enabled} is false ({@code management_agent.disable_metrics_collector}): then nothing is sampled
     * and every read answers an empty map. {@code vhosts} is read on each tick, so vhosts added later count.
     */
    public static Statistics start(long intervalMillis, boolean enabled,
                                   Supplier<? extends Collection<VirtualHost>> vhosts) {
        Statistics s = new Statistics(intervalMillis, enabled, vhosts);
        if (enabled) {
            long now = System.currentTimeMillis();
            long first = intervalMillis - Math.floorMod(now, intervalMillis);
            s.sampler.scheduleAtFixedRate(s::tick, first, intervalMillis, TimeUnit.MILLISECONDS);
        }
        return s;
    }

    /** A statistics object that never samples on its own: tests call {@link #sample(long)}. */
    static Statistics manual(long intervalMillis, Supplier<? extends Collection<VirtualHost>> vhosts) {
        return new Statistics(intervalMillis, true, vhosts);
    }

    public boolean enabled() {
        return enabled;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    private void tick() {
        try {
            long now = System.currentTimeMillis();
            sample(now - Math.floorMod(now, intervalMillis));
        } catch (RuntimeException e) {
            LOG.warn("statistics sample failed", e);
        }
    }

    /** One sample of everything, stamped {@code time}. Sampler thread only. */
    void sample(long time) {
        long[] all = goneVhosts.clone();
        Map<Object, History> previous = objects;
        Map<Object, History> next = new IdentityHashMap<>(previous.size() + 16);
        Map<String, long[]> seen = new HashMap<>();
        for (VirtualHost v : vhosts.get()) {
            VhostStats vs = v.stats();
            long[] totals = new long[GlobalCounts.TOTALS_ROW];
            vs.addTotals(totals);
            for (Tracked t : vs.channels()) {
                t.history.record(time, row(t.counters()));
            }
            for (Tracked t : vs.connections()) {
                t.history.record(time, row(t.counters()));
            }
            for (Queue q : v.queues()) {
                long[] row = queueRow(q);
                for (Gauge g : Gauge.ALL) {
                    totals[g.column()] += row[g.column()];
                }
                next.computeIfAbsent(q, k -> existing(previous, k)).record(time, row);
            }
            for (Exchange e : v.exchanges()) {
                next.computeIfAbsent(e, k -> existing(previous, k)).record(time, row(e.counters()));
            }
            vs.history.record(time, derive(totals));
            seen.put(v.name(), totals);
            add(all, totals);
        }
        for (Map.Entry<String, long[]> e : lastVhostTotals.entrySet()) {
            if (!seen.containsKey(e.getKey())) {
                // A deleted vhost: its messages are gone, its counts stay in the broker's totals.
                long[] gone = e.getValue();
                for (int i = 0; i < gone.length; i++) {
                    if (i < Metric.ALL.length || i >= Gauge.ROW) {
                        goneVhosts[i] += gone[i];
                        all[i] += gone[i];
                    }
                }
            }
        }
        lastVhostTotals.clear();
        lastVhostTotals.putAll(seen);
        overall.record(time, derive(all));
        objects = next;
    }

    private History existing(Map<Object, History> previous, Object key) {
        History h = previous.get(key);
        return h != null ? h : new History(DEFAULT_RETENTION_MILLIS);
    }

    private static long[] row(CounterSource c) {
        long[] row = new long[Gauge.ROW];
        c.addTo(row);
        return derive(row);
    }

    /** Fills the columns that are sums of others. */
    private static long[] derive(long[] row) {
        row[Metric.DELIVER_GET.ordinal()] = row[Metric.DELIVER.ordinal()] + row[Metric.DELIVER_NO_ACK.ordinal()]
                + row[Metric.GET.ordinal()] + row[Metric.GET_NO_ACK.ordinal()];
        return row;
    }

    private static long[] queueRow(Queue q) {
        long[] row = row(q.stats());
        long ready = q.messageCount();
        long unacked = q.unackedCount();
        row[Gauge.MESSAGES_READY.column()] = ready;
        row[Gauge.MESSAGES_UNACKNOWLEDGED.column()] = unacked;
        row[Gauge.MESSAGES.column()] = ready + unacked;
        return row;
    }

    private static void add(long[] into, long[] row) {
        for (int i = 0; i < into.length; i++) {
            into[i] += row[i];
        }
    }

    // ---- the read API ----

    /** {@code message_stats} of a queue, exchange or channel (vhost ignored for a channel); see the class comment. */
    public Map<String, Object> messageStats(Kind kind, String vhost, String name, SampleRange range) {
        History h = switch (kind) {
            case QUEUE -> objectHistory(vhost, name, true);
            case EXCHANGE -> objectHistory(vhost, name, false);
            case CHANNEL -> trackedHistory(name, true);
            default -> throw new IllegalArgumentException("no message_stats by name for " + kind);
        };
        return messageStats(kind, h, range);
    }

    /** {@code messages}, {@code messages_ready}, {@code messages_unacknowledged} and details of one queue. */
    public Map<String, Object> queueLengths(String vhost, String name, SampleRange range) {
        return lengths(objectHistory(vhost, name, true), range);
    }

    /** {@code recv_oct}, {@code send_oct} and details of a connection, by its management API name. */
    public Map<String, Object> connectionOctets(String name, SampleRange range) {
        return octets(trackedHistory(name, false), range);
    }

    /** A vhost's {@code message_stats}, lengths and octets, keyed as in {@code GET /api/vhosts/NAME}. */
    public Map<String, Object> vhost(String vhost, SampleRange range) {
        Map<String, Object> out = new LinkedHashMap<>();
        VirtualHost v = vhostNamed(vhost);
        if (v == null || !enabled) {
            return out;
        }
        History h = v.stats().history;
        Map<String, Object> ms = messageStats(Kind.TOTALS, h, range);
        if (!ms.isEmpty()) {
            out.put("message_stats", ms);
        }
        out.putAll(lengths(h, range));
        out.putAll(octets(h, range));
        return out;
    }

    /** {@code message_stats}, {@code churn_rates} and {@code queue_totals} of {@code GET /api/overview}. */
    public Map<String, Object> overview(SampleRange range) {
        return overview(overall, range);
    }

    /**
     * {@link #overview(SampleRange)} as a user who sees only some vhosts gets it (RabbitMQ's management and
     * policymaker users): the sums of those vhosts' samples.
     */
    public Map<String, Object> overview(Collection<String> vhostNames, SampleRange range) {
        List<History> parts = new ArrayList<>();
        for (String name : vhostNames) {
            VirtualHost v = vhostNamed(name);
            if (v != null) {
                parts.add(v.stats().history);
            }
        }
        return overview(History.sum(parts, DEFAULT_RETENTION_MILLIS), range);
    }

    private Map<String, Object> overview(History h, SampleRange range) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!enabled) {
            return out;
        }
        Map<String, Object> ms = messageStats(Kind.TOTALS, h, range);
        if (!ms.isEmpty()) {
            out.put("message_stats", ms);
        }
        Map<String, Object> churn = new LinkedHashMap<>();
        long[] row = h.latest();
        if (row != null) {
            for (Churn c : Churn.ALL) {
                churn.put(c.key(), row[c.column()]);
                churn.put(c.key() + "_details", h.details(c.column(), intervalMillis, range.msgRatesAgeMillis(),
                        range.msgRatesIncrMillis(), h.lastTime()));
            }
        }
        out.put("churn_rates", churn);
        out.put("queue_totals", lengths(h, range));
        return out;
    }

    private Map<String, Object> messageStats(Kind kind, History h, SampleRange range) {
        Map<String, Object> out = new LinkedHashMap<>();
        long[] row = h == null ? null : h.latest();
        if (row == null || allZero(row, kind.messageMetrics())) {
            return out;
        }
        long now = h.lastTime();
        for (Metric m : kind.messageMetrics()) {
            out.put(m.key(), row[m.ordinal()]);
            out.put(m.key() + "_details", h.details(m.ordinal(), intervalMillis, range.msgRatesAgeMillis(),
                    range.msgRatesIncrMillis(), now));
        }
        return out;
    }

    private Map<String, Object> lengths(History h, SampleRange range) {
        Map<String, Object> out = new LinkedHashMap<>();
        long[] row = h == null ? null : h.latest();
        if (row == null || !enabled) {
            return out;
        }
        for (Gauge g : Gauge.ALL) {
            out.put(g.key(), row[g.column()]);
            out.put(g.key() + "_details", h.details(g.column(), intervalMillis, range.lengthsAgeMillis(),
                    range.lengthsIncrMillis(), h.lastTime()));
        }
        return out;
    }

    private Map<String, Object> octets(History h, SampleRange range) {
        Map<String, Object> out = new LinkedHashMap<>();
        long[] row = h == null ? null : h.latest();
        if (row == null || !enabled) {
            return out;
        }
        for (Metric m : List.of(Metric.RECV_OCT, Metric.SEND_OCT)) {
            out.put(m.key(), row[m.ordinal()]);
            out.put(m.key() + "_details", h.details(m.ordinal(), intervalMillis, range.msgRatesAgeMillis(),
                    range.msgRatesIncrMillis(), h.lastTime()));
        }
        return out;
    }

    private static boolean allZero(long[] row, List<Metric> metrics) {
        for (Metric m : metrics) {
            if (row[m.ordinal()] != 0) {
                return false;
            }
        }
        return true;
    }

    private History objectHistory(String vhost, String name, boolean queue) {
        VirtualHost v = vhostNamed(vhost);
        if (v == null || !enabled) {
            return null;
        }
        Object o = queue ? v.queue(name) : v.exchange(name);
        return o == null ? null : objects.get(o);
    }

    private History trackedHistory(String name, boolean channel) {
        if (!enabled) {
            return null;
        }
        for (VirtualHost v : vhosts.get()) {
            Tracked t = channel ? v.stats().channel(name) : v.stats().connection(name);
            if (t != null) {
                return t.history;
            }
        }
        return null;
    }

    private VirtualHost vhostNamed(String name) {
        for (VirtualHost v : vhosts.get()) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    // ---- live totals, for Prometheus ----

    /**
     * Every counter and churn count (by {@link Metric#ordinal()} and {@link Churn#column()}) summed over the
     * broker now, closed channels and connections included (not sampled).
     */
    public long[] liveTotals() {
        long[] all = goneVhostsSnapshot();
        for (VirtualHost v : vhosts.get()) {
            v.stats().addTotals(all);
        }
        return all;
    }

    /** An open channel or connection as a scrape sees it: name, live counters, what it holds. */
    public record Open(String name, CounterSource counters, Occupancy occupancy) {
    }

    /** Every open channel ({@code Kind.CHANNEL}) or connection ({@code Kind.CONNECTION}). */
    public void forEachOpen(Kind kind, java.util.function.Consumer<Open> action) {
        for (VirtualHost v : vhosts.get()) {
            for (Tracked t : kind == Kind.CHANNEL ? v.stats().channels() : v.stats().connections()) {
                action.accept(new Open(t.name(), t.counters(), t.occupancy()));
            }
        }
    }

    private long[] goneVhostsSnapshot() {
        // goneVhosts is the sampler's; a stale read only delays a deleted vhost's counts by one tick.
        return goneVhosts.clone();
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }
}
