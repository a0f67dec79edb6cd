package io.leveret.server.stats;

import java.util.concurrent.atomic.LongAdder;

/**
 * An exchange's publish_in and publish_out. Unlike a channel or a queue, an exchange has no thread of its
 * own: every connection's loop publishes into it. A {@link LongAdder} keeps that lock-free and spreads
 * contended increments over cells instead of one cache line; after its cells exist it allocates nothing.
 */
public final class ExchangeCounters implements CounterSource {
    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();

    /** A message published into the exchange. */
    public void publishIn() {
        in.increment();
    }

    /** A message the exchange routed to at least one queue. */
    public void publishOut() {
        out.increment();
    }

    @Override
    public long get(Metric m) {
        return switch (m) {
            case PUBLISH_IN -> in.sum();
            case PUBLISH_OUT -> out.sum();
            default -> 0;
        };
    }
}
