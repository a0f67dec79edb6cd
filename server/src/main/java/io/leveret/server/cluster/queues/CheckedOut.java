package io.leveret.server.cluster.queues;

import java.util.Arrays;

/**
 * A consumer's unacknowledged messages by id: open addressing on a long key, so that checking out and settling a
 * message boxes nothing and allocates only when the table grows.
 */
final class CheckedOut {
    private static final int MIN_CAPACITY = 8;

    private long[] keys = new long[MIN_CAPACITY];
    private QueuedMessage[] values = new QueuedMessage[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void put(QueuedMessage message) {
        if ((size + 1) * 4 > values.length * 3) {
            grow();
        }
        int i = slot(message.id, keys.length);
        while (values[i] != null) {
            if (keys[i] == message.id) {
                values[i] = message;
                return;
            }
            i = (i + 1) & (keys.length - 1);
        }
        keys[i] = message.id;
        values[i] = message;
        size++;
    }

    /** Removes and answers the message {@code id}, or null if this consumer does not hold it. */
    QueuedMessage remove(long id) {
        int mask = keys.length - 1;
        int i = slot(id, keys.length);
        while (values[i] != null) {
            if (keys[i] == id) {
                QueuedMessage removed = values[i];
                shiftBack(i);
                size--;
                return removed;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Every message held, by id: the order they were checked out in, since ids grow with enqueue order. */
    QueuedMessage[] sorted() {
        QueuedMessage[] out = new QueuedMessage[size];
        int n = 0;
        for (QueuedMessage value : values) {
            if (value != null) {
                out[n++] = value;
            }
        }
        Arrays.sort(out, (a, b) -> Long.compare(a.id, b.id));
        return out;
    }

    void clear() {
        keys = new long[MIN_CAPACITY];
        values = new QueuedMessage[MIN_CAPACITY];
        size = 0;
    }

    /** Deletion in linear probing: moves later entries of the same run back so that lookups still find them. */
    private void shiftBack(int hole) {
        int mask = keys.length - 1;
        int i = hole;
        while (true) {
            i = (i + 1) & mask;
            if (values[i] == null) {
                break;
            }
            int home = slot(keys[i], keys.length);
            // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
            boolean stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!stays) {
                keys[hole] = keys[i];
                values[hole] = values[i];
                hole = i;
            }
        }
        values[hole] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        QueuedMessage[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new QueuedMessage[oldKeys.length * 2];
        size = 0;
        for (QueuedMessage value : oldValues) {
            if (value != null) {
                put(value);
            }
        }
    }

    private static int slot(long key, int capacity) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & (capacity - 1);
    }
}
