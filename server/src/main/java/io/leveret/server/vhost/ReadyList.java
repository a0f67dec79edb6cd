package io.leveret.server.vhost;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A queue's ready messages in the order they go out: requeued messages first, back at their original
 * position (by sequence number), then messages never delivered, oldest first. Tracks their body bytes for
 * x-max-length-bytes. Confined to the queue's thread.
 */
final class ReadyList {
    private final ArrayDeque<QueueEntry> fresh = new ArrayDeque<>();
    private final PriorityQueue<QueueEntry> requeued = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
    private long bytes;

    /** Appends a message never delivered. */
    void add(QueueEntry e) {
        fresh.add(e);
        bytes += e.size;
    }

    /** Puts a message that was handed out back at its original position. */
    void requeue(QueueEntry e) {
        requeued.add(e);
        bytes += e.size;
    }

    /** The entry that would go out next, without taking it; null when empty. */
    QueueEntry peek() {
        QueueEntry e = requeued.peek();
        return e != null ? e : fresh.peekFirst();
    }

    /** Takes the entry that would go out next; null when empty. */
    QueueEntry poll() {
        QueueEntry e = requeued.poll();
        if (e == null) {
            e = fresh.poll();
        }
        if (e != null) {
            bytes -= e.size;
        }
        return e;
    }

    int size() {
        return fresh.size() + requeued.size();
    }

    boolean isEmpty() {
        return fresh.isEmpty() && requeued.isEmpty();
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
