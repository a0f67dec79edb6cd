package io.leveret.server.protocol;

/**
 * Publish sequence numbers waiting for their confirm: added in increasing order, removed in any order, the
 * lowest one still waiting at hand. A ring of primitive longs, so a confirmed publish costs no allocation
 * (a {@code TreeSet<Long>} took a node and a boxed number per publish). Space is the span from the oldest
 * waiting number to the newest; a removed number's slot is reclaimed once every number before it is gone.
 */
final class PendingSequences {
    private long[] seqs = new long[64];
    private boolean[] removed = new boolean[64];
    /** Ring index of the oldest slot; slots [head, head + span) are in use, in increasing order of number. */
    private int head;
    private int span;
    /** Numbers still waiting. */
    private int waiting;

    /** Adds {@code seq}, which is higher than any added before. */
    void add(long seq) {
        if (span > 0 && seq <= seqs[slot(span - 1)]) {
            throw new IllegalArgumentException("sequence " + seq + " is not above " + seqs[slot(span - 1)]);
        }
        if (span == seqs.length) {
            grow();
        }
        int i = slot(span);
        seqs[i] = seq;
        removed[i] = false;
        span++;
        waiting++;
    }

    boolean isEmpty() {
        return waiting == 0;
    }

    /** The lowest number still waiting; only when not {@link #isEmpty()}. */
    long first() {
        return seqs[head]; // the head slot is never a removed one: removal moves the head past them
    }

    boolean contains(long seq) {
        return find(seq) >= 0;
    }

    /** Removes {@code seq}; false if it was not waiting. */
    boolean remove(long seq) {
        int i = find(seq);
        if (i < 0) {
            return false;
        }
        removed[i] = true;
        waiting--;
        while (span > 0 && removed[head]) {
            head = (head + 1) & (seqs.length - 1);
            span--;
        }
        return true;
    }

    /** The ring slot of {@code seq} if it is waiting, else -1: a binary search over the span. */
    private int find(long seq) {
        int lo = 0;
        int hi = span - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long v = seqs[slot(mid)];
            if (v < seq) {
                lo = mid + 1;
            } else if (v > seq) {
                hi = mid - 1;
            } else {
                return removed[slot(mid)] ? -1 : slot(mid);
            }
        }
        return -1;
    }

    private int slot(int offset) {
        return (head + offset) & (seqs.length - 1);
    }

    private void grow() {
        long[] s = new long[seqs.length * 2];
        boolean[] r = new boolean[s.length];
        for (int i = 0; i < span; i++) {
            s[i] = seqs[slot(i)];
            r[i] = removed[slot(i)];
        }
        seqs = s;
        removed = r;
        head = 0;
    }
}
