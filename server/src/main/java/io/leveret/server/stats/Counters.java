package io.leveret.server.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters of one channel, connection or queue, written only by the thread that owns that object (the
 * connection's event loop, the queue's executor): a plain read and an opaque write, no lock, no CAS, no
 * allocation. The sampler reads them from its own thread with opaque reads, which never see a torn long;
 * a value it reads may be a moment old, which a statistic tolerates.
 */
public final class Counters implements CounterSource {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values = new long[Metric.ALL.length];
    /** The share of each counter that concerned quorum queues (rabbitmq_prometheus's queue_type label). */
    private final long[] quorum = new long[Metric.ALL.length];

    /** One more of {@code m}; owner thread only. */
    public void add(Metric m) {
        int i = m.ordinal();
        SLOT.setOpaque(values, i, values[i] + 1);
    }

    /** {@code n} more of {@code m}; owner thread only. */
    public void add(Metric m, long n) {
        int i = m.ordinal();
        SLOT.setOpaque(values, i, values[i] + n);
    }

    /** {@code n} more of {@code m}, from a quorum queue if {@code fromQuorum}; owner thread only. */
    public void add(Metric m, long n, boolean fromQuorum) {
        add(m, n);
        if (fromQuorum) {
            int i = m.ordinal();
            SLOT.setOpaque(quorum, i, quorum[i] + n);
        }
    }

    /** A delivery to a consumer: deliver or deliver_no_ack, and redeliver if it was. */
    public void delivered(boolean noAck, boolean redelivered) {
        delivered(noAck, redelivered, false);
    }

    /** {@link #delivered(boolean, boolean)}, from a quorum queue if {@code fromQuorum}. */
    public void delivered(boolean noAck, boolean redelivered, boolean fromQuorum) {
        add(noAck ? Metric.DELIVER_NO_ACK : Metric.DELIVER, 1, fromQuorum);
        if (redelivered) {
            add(Metric.REDELIVER, 1, fromQuorum);
        }
    }

    /** A message fetched by basic.get: get or get_no_ack, and redeliver if it was. */
    public void got(boolean noAck, boolean redelivered) {
        got(noAck, redelivered, false);
    }

    /** {@link #got(boolean, boolean)}, from a quorum queue if {@code fromQuorum}. */
    public void got(boolean noAck, boolean redelivered, boolean fromQuorum) {
        add(noAck ? Metric.GET_NO_ACK : Metric.GET, 1, fromQuorum);
        if (redelivered) {
            add(Metric.REDELIVER, 1, fromQuorum);
        }
    }

    /** Any thread. */
    @Override
    public long get(Metric m) {
        return (long) SLOT.getOpaque(values, m.ordinal());
    }

    /** Any thread. */
    @Override
    public long quorum(Metric m) {
        return (long) SLOT.getOpaque(quorum, m.ordinal());
    }
}
