package io.leveret.server.vhost;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ConsumerChannel} that records what a queue hands it. Each delivery owns a reference to its message,
 * so the test releases deliveries it has looked at ({@link #releaseAll}); a channel-wide prefetch is counted
 * the way AmqpChannel does it.
 */
final class RecordingChannel implements ConsumerChannel {
    final List<List<Delivery>> batches = new ArrayList<>();
    final List<Delivery> deliveries = new ArrayList<>();
    final List<String> bodies = new ArrayList<>();
    final List<String> cancelled = new ArrayList<>();
    private int released;
    volatile boolean accepting = true;
    /** 0: no channel-wide limit. */
    int channelLimit;
    int channelUsed;

    @Override
    public boolean acceptingDeliveries() {
        return accepting;
    }

    @Override
    public int tryAcquireChannelCredit(boolean ackRequired) {
        if (channelLimit == 0) {
            return UNLIMITED;
        }
        if (channelUsed >= channelLimit) {
            return NO_CREDIT;
        }
        if (!ackRequired) {
            return UNLIMITED;
        }
        channelUsed++;
        return ACQUIRED;
    }

    @Override
    public void deliver(List<Delivery> batch) {
        batches.add(List.copyOf(batch));
        deliveries.addAll(batch);
        batch.forEach(d -> bodies.add(TestMessages.body(d.message())));
    }

    @Override
    public void consumerCancelled(String consumerTag) {
        cancelled.add(consumerTag);
    }

    /** Releases the reference of every delivery not released yet; the entries stay for inspection. */
    void releaseAll() {
        for (; released < deliveries.size(); released++) {
            deliveries.get(released).message().release();
        }
    }
}
