package io.leveret.server.stats;

/**
 * A channel or connection while it is open: its name as the management API shows it, its counters and
 * its samples. {@link VhostStats#untrack} folds its counters into the vhost's totals when it closes.
 */
public final class Tracked {
    private final Kind kind;
    private final String name;
    private final CounterSource counters;
    private final Occupancy occupancy;
    final History history;

    Tracked(Kind kind, String name, CounterSource counters, Occupancy occupancy, long retentionMillis) {
        this.kind = kind;
        this.name = name;
        this.counters = counters;
        this.occupancy = occupancy;
        this.history = new History(retentionMillis);
    }

    Occupancy occupancy() {
        return occupancy;
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    CounterSource counters() {
        return counters;
    }
}
