package io.leveret.server.vhost;

import io.leveret.store.messages.Location;
import java.util.Arrays;

/**
 * The waiting messages of a delayed exchange, earliest due first: a binary min-heap over primitive arrays,
 * so a waiting message whose body is in the message log costs about 37 bytes of heap (due time, arrival order,
 * segment, offset, length, a flag, an empty slot) and no object of its own. Messages kept in memory (transient ones, within a budget) sit
 * in a parallel reference array. Equal due times come out in arrival order. Not thread-safe: its delayed
 * exchange's thread owns it.
 */
final class DueIndex {
    private long[] due = new long[16];
    private long[] order = new long[16];
    private long[] segment = new long[16];
    private int[] offset = new int[16];
    private int[] length = new int[16];
    private Message[] message = new Message[16];
    private boolean[] spilled = new boolean[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest due time; only when not empty. */
    long peekDue() {
        return due[0];
    }

    /**
     * Adds a message whose body the log keeps at {@code at}. {@code arrival} orders equal due times: the
     * caller numbers messages as they are published, since a persistent one joins only once it is written.
     */
    void add(long dueAt, long arrival, Location at, boolean spill) {
        add(dueAt, arrival, at.segment(), at.offset(), at.length(), null, spill);
    }

    /** Adds a message held in memory (its reference is taken over); {@code arrival} as above. */
    void add(long dueAt, long arrival, Message m) {
        add(dueAt, arrival, 0, 0, 0, m, false);
    }

    private void add(long dueAt, long arrival, long seg, int off, int len, Message m, boolean spill) {
        if (size == due.length) {
            int n = size * 2;
            due = Arrays.copyOf(due, n);
            order = Arrays.copyOf(order, n);
            segment = Arrays.copyOf(segment, n);
            offset = Arrays.copyOf(offset, n);
            length = Arrays.copyOf(length, n);
            message = Arrays.copyOf(message, n);
            spilled = Arrays.copyOf(spilled, n);
        }
        int i = size++;
        set(i, dueAt, arrival, seg, off, len, m, spill);
        siftUp(i);
    }

    /** The head's message if it is held in memory, else null (then see {@link #headLocation}). */
    Message headMessage() {
        return message[0];
    }

    /** Where the log keeps the head's body; only when {@link #headMessage} is null. */
    Location headLocation() {
        return new Location(segment[0], offset[0], length[0]);
    }

    /** True if the head's body is in the log only because memory was over budget (transient). */
    boolean headSpilled() {
        return spilled[0];
    }

    /** Removes the head (the caller took over its message, if any). */
    void removeHead() {
        int last = --size;
        if (last > 0) {
            set(0, due[last], order[last], segment[last], offset[last], length[last], message[last], spilled[last]);
        }
        message[last] = null;
        if (last > 0) {
            siftDown(0);
        }
    }

    private void set(int i, long d, long o, long seg, int off, int len, Message m, boolean spill) {
        spilled[i] = spill;
        due[i] = d;
        order[i] = o;
        segment[i] = seg;
        offset[i] = off;
        length[i] = len;
        message[i] = m;
    }

    private boolean less(int a, int b) {
        return due[a] < due[b] || due[a] == due[b] && order[a] < order[b];
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        for (;;) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left + 1 < size && less(left + 1, left) ? left + 1 : left;
            if (!less(smallest, i)) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        long d = due[a];
        due[a] = due[b];
        due[b] = d;
        long o = order[a];
        order[a] = order[b];
        order[b] = o;
        long s = segment[a];
        segment[a] = segment[b];
        segment[b] = s;
        int f = offset[a];
        offset[a] = offset[b];
        offset[b] = f;
        int l = length[a];
        length[a] = length[b];
        length[b] = l;
        boolean p = spilled[a];
        spilled[a] = spilled[b];
        spilled[b] = p;
        Message m = message[a];
        message[a] = message[b];
        message[b] = m;
    }
}
