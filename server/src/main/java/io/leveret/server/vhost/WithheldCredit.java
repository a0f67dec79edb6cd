package io.leveret.server.vhost;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The publisher credit a queue keeps while its consumers lag behind a backlog, so that publishers go at
 * the consumers' pace. Credit is withheld only while the consumers make progress: if nothing was handed
 * out for {@link #STALL_MILLIS}, it is all given back. Confined to the queue's thread.
 */
final class WithheldCredit {
    /**
     * A publisher whose own connection carries the consumers' acks (or a ring of such connections) stops
     * reading its socket once out of credit, and would otherwise never read the acks that let the consumers
     * go on.
     */
    static final long STALL_MILLIS = 200;

    private final EventExecutor executor;
    private final ArrayDeque<Held> withheld = new ArrayDeque<>();
    /** Messages handed out so far: the stall check's witness of progress. */
    private long handedOut;
    private boolean stallCheckPending;

    WithheldCredit(EventExecutor executor) {
        this.executor = executor;
    }

    /** Credit kept back from one publisher: a run of its messages in a row. */
    private static final class Held {
        final PublisherCredit credit;
        long units;

        Held(PublisherCredit credit, long units) {
            this.credit = credit;
            this.units = units;
        }
    }

    /**
     * Keeps {@code units} of {@code credit} until {@link #releaseAll} or a stall. Consecutive messages from
     * one publisher share one entry, so withholding costs no allocation per message.
     */
    void withhold(PublisherCredit credit, int units) {
        Held last = withheld.peekLast();
        if (last != null && last.credit == credit) {
            last.units += units;
        } else {
            withheld.add(new Held(credit, units));
        }
        armStallCheck();
    }

    /** The queue handed a message out: progress. */
    void handedOut() {
        handedOut++;
    }

    /** The queue wrote bodies out to its spill file: progress too, for credit kept while that lagged. */
    void progressed() {
        handedOut++;
    }

    /** Gives every withheld credit back. */
    void releaseAll() {
        while (!withheld.isEmpty()) {
            Held h = withheld.poll();
            h.credit.granted(h.units);
        }
    }

    private void armStallCheck() {
        if (stallCheckPending) {
            return;
        }
        stallCheckPending = true;
        long seen = handedOut;
        executor.schedule(() -> {
            stallCheckPending = false;
            if (withheld.isEmpty()) {
                return;
            }
            if (handedOut == seen) {
                releaseAll();
            } else {
                armStallCheck();
            }
        }, STALL_MILLIS, TimeUnit.MILLISECONDS);
    }
}
