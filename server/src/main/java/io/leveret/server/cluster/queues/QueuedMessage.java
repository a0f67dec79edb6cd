package io.leveret.server.cluster.queues;

/** A message in a replicated queue: its id in the queue (enqueue order), how often it came back, its body. */
final class QueuedMessage {
    final long id;
    int deliveryCount;
    final Body body;

    QueuedMessage(long id, int deliveryCount, Body body) {
        this.id = id;
        this.deliveryCount = deliveryCount;
        this.body = body;
    }
}
