package io.leveret.server.vhost;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A queue's ready messages in the order they go out, as RabbitMQ's classic (priority) queues order them:
 * one lane per priority (a single lane for a queue without {@code x-max-priority}), the highest non-empty
 * lane first. Within a lane, requeued messages come first, back at their original position (by sequence
 * number), then messages never delivered, oldest first. Tracks the ready bodies' bytes for
 * x-max-length-bytes. Confined to the queue's thread.
 */
final class ReadyList {
    /** One priority's messages. */
    private static final class Lane {
        final ArrayDeque<QueueEntry> fresh = new ArrayDeque<>();
        final PriorityQueue<QueueEntry> requeued = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));

        QueueEntry peek() {
            QueueEntry e = requeued.peek();
            return e != null ? e : fresh.peekFirst();
        }

        QueueEntry poll() {
            QueueEntry e = requeued.poll();
            return e != null ? e : fresh.poll();
        }

        boolean isEmpty() {
            return fresh.isEmpty() && requeued.isEmpty();
        }
    }

    /** Lanes by priority: index 0 is priority 0 (and messages without one). */
    private final Lane[] lanes;
    /** No lane above this one holds anything: where {@link #peek} starts looking. */
    private int top;
    private int size;
    private long bytes;

    /** A list for a queue whose x-max-priority is {@code maxPriority} (0: not a priority queue). */
    ReadyList(int maxPriority) {
        lanes = new Lane[maxPriority + 1];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
    }

    /** The highest priority this list orders by; 0 for a queue without priorities. */
    int maxPriority() {
        return lanes.length - 1;
    }

    /**
     * The lane a message with the {@code priority} property goes to: none counts as 0, above the
     * queue's maximum as the maximum (RabbitMQ's rabbit_priority_queue).
     */
    int laneOf(Integer priority) {
        if (priority == null || lanes.length == 1) {
            return 0;
        }
        return Math.min(Math.max(priority, 0), lanes.length - 1);
    }

    /** Appends a message never delivered, in the lane of its {@link QueueEntry#priority}. */
    void add(QueueEntry e) {
        lanes[e.priority].fresh.add(e);
        added(e);
    }

    /** Puts a message that was handed out back at its original position in its lane. */
    void requeue(QueueEntry e) {
        lanes[e.priority].requeued.add(e);
        added(e);
    }

    private void added(QueueEntry e) {
        size++;
        bytes += e.size;
        if (e.priority > top) {
            top = e.priority;
        }
    }

    /** The entry that would go out next, without taking it; null when empty. */
    QueueEntry peek() {
        Lane lane = highest();
        return lane == null ? null : lane.peek();
    }

    /** Takes the entry that would go out next; null when empty. */
    QueueEntry poll() {
        Lane lane = highest();
        if (lane == null) {
            return null;
        }
        QueueEntry e = lane.poll();
        size--;
        bytes -= e.size;
        return e;
    }

    /** The highest non-empty lane, lowering {@link #top} past empty ones; null when all are empty. */
    private Lane highest() {
        if (size == 0) {
            return null;
        }
        while (lanes[top].isEmpty()) {
            top--;
        }
        return lanes[top];
    }

    /**
     * Shows {@code visitor} the messages never delivered in the order they go out (highest lane first), until
     * it returns false. Requeued messages are left out: they come back from a consumer, so their bodies are in
     * memory, and this serves to find bodies to read back from disk ahead of their turn.
     */
    void upcoming(Predicate<QueueEntry> visitor) {
        for (int i = top; i >= 0; i--) {
            for (QueueEntry e : lanes[i].fresh) {
                if (!visitor.test(e)) {
                    return;
                }
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Sum of the ready bodies' sizes. */
    long bytes() {
        return bytes;
    }

    /** Empties the list, handing each entry to {@code sink}. */
    void drain(Consumer<QueueEntry> sink) {
        for (QueueEntry e; (e = poll()) != null; ) {
            sink.accept(e);
        }
    }
}
