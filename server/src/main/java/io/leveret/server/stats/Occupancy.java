package io.leveret.server.stats;

/**
 * What an open channel or connection holds right now, for the per-object gauges. Read from the sampler's or
 * a scrape's thread without a lock: each is one int field of the owner's, so a read is at worst a moment old.
 */
public interface Occupancy {
    Occupancy NONE = new Occupancy() {
    };

    /** A channel's consumers. */
    default int consumers() {
        return 0;
    }

    /** A channel's deliveries not yet acknowledged. */
    default int unacked() {
        return 0;
    }

    /** A connection's open channels. */
    default int channels() {
        return 0;
    }
}
