package io.leveret.server.vhost;

import io.leveret.server.vhost.QueueEntry.Body;
import io.leveret.store.messages.MessageStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a queue's ready bodies in memory within {@link #IN_MEMORY_BYTES}, and within what the broker-wide
 * {@link PagingBudget} leaves: beyond either, the oldest bodies the message log has on disk are dropped, and
 * other bodies are written to the queue's spill file (scratch space, never recovered) and dropped; both are
 * read back ({@link PageIn}) when a consumer needs them, so a backlog larger than memory costs a small entry
 * per message. Confined to the queue's thread; the disk work runs on the queue's {@link DiskIo} lane, a batch
 * of messages per task, and its results come back as tasks on the queue's thread.
 */
final class Paging {
    private static final Logger LOG = LoggerFactory.getLogger(Paging.class);
    /** Bodies of ready messages a queue keeps in memory. */
    static final long IN_MEMORY_BYTES = 32L << 20;
    /**
     * What a message in memory costs besides its body, as measured (a heap histogram of a queue of small
     * messages): about 180 bytes of buffer objects for the body and the properties, 40 for the message, 50
     * for its routing key, and the properties' bytes.
     */
    static final int MESSAGE_OVERHEAD = 320;
    /**
     * Bodies one spill write takes at least (unless the broker-wide budget is short): a queue over its
     * in-memory limit spills this much below it, so that a steady stream of publishes becomes one write per
     * 256 KiB, not one per message.
     */
    static final long SPILL_BATCH_BYTES = 256 << 10;
    /**
     * Bodies a queue may hold beyond {@link #IN_MEMORY_BYTES} while a spill write is under way before it keeps
     * its publishers' credit: a disk slower than the publishers slows them down instead of filling the heap.
     */
    private static final long BEHIND_BYTES = 8L << 20;
    /** Stale entries {@link #pageable} may hold beyond twice its live ones before it is swept. */
    private static final int STALE_SLACK = 1024;

    private final Queue queue;
    private final PagingBudget budget;
    /** Where this queue's disk work runs, in order; null for a broker without storage. */
    private final Executor lane;
    /** The queue's spill file: touched only on {@link #lane}. Null when the broker has no spill directory. */
    private final Spill spill;
    private final PageIn pageIn;
    /**
     * Ready entries whose body is in memory and could be paged out, oldest first: in the log already
     * (persistent messages in a durable queue) or spillable (the rest). Entries that have stopped counting
     * (no longer {@link Body#PAGEABLE}: handed out, dropped, paged out) are left behind and swept later.
     */
    private final ArrayDeque<QueueEntry> pageable = new ArrayDeque<>();
    /** Bytes of the entries that count, exactly; the same bytes are counted in {@link #budget}. */
    private long pageableBytes;
    /** Bytes of the spill write under way: out of {@link #pageableBytes}, still in the budget until it is done. */
    private long spillingBytes;
    private int pageableCount;
    /** A spill write is under way (one at a time: the next takes everything that piled up meanwhile). */
    private boolean writing;
    /** The last attempt to spill failed (disk full?): logged once until one succeeds again. */
    private boolean spillFailing;
    /** Spilled records the queue gave up, to be released on the lane in one task; see {@link #release}. */
    private long[] releases = new long[16];
    private int releaseCount;

    /** {@code store}: the message log, for a durable queue of a broker with storage; null otherwise. */
    Paging(Queue queue, MessageStore store) {
        this.queue = queue;
        Persistence p = queue.vhost().persistence();
        this.budget = p == null ? PagingBudget.unlimited() : p.pagingBudget();
        this.lane = p == null ? null : p.diskIo().lane();
        this.spill = p == null || p.spill() == null ? null : new Spill(p.spill());
        this.pageIn = new PageIn(queue, this, store);
    }

    /** Reads paged-out bodies back. */
    PageIn pageIn() {
        return pageIn;
    }

    /** The spill file, for tasks on {@link #onLane}; null without a spill directory. */
    Spill spill() {
        return spill;
    }

    /** A ready entry just enqueued with its body in memory: it may be paged out from now on. */
    void added(QueueEntry e) {
        if (e.body != Body.HELD || e.location == null && spill == null) {
            return;
        }
        count(e);
        pageable.add(e);
        pageOut();
    }

    /** {@code e} left the ready list (handed out, expired, dropped): its body no longer counts. */
    void taken(QueueEntry e) {
        switch (e.body) {
            case PAGEABLE -> {
                uncount(e);
                e.body = Body.HELD;
                sweep();
            }
            // A spill write under way finds that the entry no longer wants its record.
            case SPILLING -> e.body = Body.HELD;
            case AHEAD -> {
                pageIn.left(e);
                e.body = Body.HELD;
            }
            default -> {
                // HELD stays held; a PAGED_OUT or UNREADABLE entry is forgotten or dies next.
            }
        }
    }

    private void sweep() {
        QueueEntry head;
        while ((head = pageable.peekFirst()) != null && head.body != Body.PAGEABLE) {
            pageable.pollFirst();
        }
        if (pageable.size() > 2 * pageableCount + STALE_SLACK) {
            // Entries taken out of order (priorities) pile up behind an old one still waiting.
            pageable.removeIf(x -> x.body != Body.PAGEABLE);
        }
    }

    /** {@code e}'s body is in memory and may be paged out: it counts here and against the budget. */
    private void count(QueueEntry e) {
        e.body = Body.PAGEABLE;
        long n = pagedBytes(e);
        pageableBytes += n;
        pageableCount++;
        budget.kept(n);
    }

    private void uncount(QueueEntry e) {
        long n = pagedBytes(e);
        pageableBytes -= n;
        pageableCount--;
        budget.released(n);
    }

    /**
     * Drops in-memory bodies of the oldest ready entries while over {@link #IN_MEMORY_BYTES} or the broker
     * is over its budget: at once where the log has written them (appends complete in order, so the first one
     * not on disk ends the walk), after a spill write for the others.
     */
    private void pageOut() {
        long target = IN_MEMORY_BYTES;
        List<QueueEntry> batch = null;
        while (pageableBytes > target || pageableBytes > 0 && budget.exceeded()) {
            QueueEntry e = pageable.peekFirst();
            if (e.body != Body.PAGEABLE) {
                pageable.pollFirst();
                continue;
            }
            if (e.location != null) {
                if (!e.message.onDisk()) {
                    break;
                }
                pageable.pollFirst();
                uncount(e);
                e.body = Body.PAGED_OUT;
                e.message.release();
                e.message = null;
                pageIn.pagedOut();
                continue;
            }
            if (writing) {
                break;
            }
            if (batch == null) {
                batch = new ArrayList<>();
                target = IN_MEMORY_BYTES - SPILL_BATCH_BYTES;
            }
            pageable.pollFirst();
            // Out of this queue's own count, but still in memory until the write is done: the broker-wide
            // budget keeps counting it until then.
            long n = pagedBytes(e);
            pageableBytes -= n;
            pageableCount--;
            spillingBytes += n;
            e.body = Body.SPILLING;
            batch.add(e);
        }
        if (batch != null) {
            spillOut(batch.toArray(new QueueEntry[0]));
        }
    }

    /** True while the spill file lags so far behind that the queue's publishers should wait. */
    boolean behind() {
        return writing && pageableBytes > IN_MEMORY_BYTES + BEHIND_BYTES;
    }

    /** What a pageable entry counts against {@link #IN_MEMORY_BYTES} and the budget. */
    static long pagedBytes(QueueEntry e) {
        return (e.location != null ? e.location.length() : e.size) + MESSAGE_OVERHEAD;
    }

    /** One spill write: the entries (queue side) and what the lane reports back. */
    private static final class SpillWrite {
        final QueueEntry[] entries;
        final Message[] messages;
        final long[] positions;
        final int[] lengths;
        int written;
        Exception failure;

        SpillWrite(QueueEntry[] entries) {
            this.entries = entries;
            this.messages = new Message[entries.length];
            this.positions = new long[entries.length];
            this.lengths = new int[entries.length];
        }
    }

    /** Writes transient entries' messages to the spill file on the lane; {@link #written} takes it from there. */
    private void spillOut(QueueEntry[] entries) {
        SpillWrite w = new SpillWrite(entries);
        for (int i = 0; i < entries.length; i++) {
            // The lane's own reference: the queue may hand the message out and its consumer release it meanwhile.
            w.messages[i] = entries[i].message;
            w.messages[i].retain();
        }
        writing = true;
        onLane(() -> {
            try {
                for (; w.written < w.messages.length; w.written++) {
                    w.positions[w.written] = spill.write(w.messages[w.written]);
                    w.lengths[w.written] = spill.lastLength();
                }
            } catch (Exception ex) {
                w.failure = ex;
            } finally {
                for (Message m : w.messages) {
                    m.release();
                }
            }
            backToQueue(() -> written(w), () -> { });
        });
    }

    /**
     * A spill write is done: entries still waiting for it drop their bodies; those that left the queue
     * meanwhile give their records back; those it could not write stay in memory, first in line to try again.
     */
    private void written(SpillWrite w) {
        writing = false;
        budget.released(spillingBytes); // written, or back in the count below
        spillingBytes = 0;
        for (int i = 0; i < w.written; i++) {
            QueueEntry e = w.entries[i];
            if (e.body == Body.SPILLING) {
                e.body = Body.PAGED_OUT;
                e.spilledAt = w.positions[i];
                e.spilledLength = w.lengths[i];
                e.message.release();
                e.message = null;
                pageIn.pagedOut();
            } else {
                release(w.positions[i]);
            }
        }
        if (w.failure != null) {
            if (!spillFailing) {
                LOG.warn("{}: cannot page messages out to the spill file; they stay in memory", queue, w.failure);
                spillFailing = true;
            }
            for (int i = w.entries.length - 1; i >= w.written; i--) {
                QueueEntry e = w.entries[i];
                if (e.body == Body.SPILLING) {
                    count(e);
                    pageable.addFirst(e);
                }
            }
            // Tried again with the next message the queue takes in.
        } else {
            spillFailing = false;
            pageOut();
        }
        queue.pagingProgressed();
    }

    /**
     * The queue is done with {@code e}: its spilled copy, if any, is no longer needed. Returns false if a read
     * of its body is still under way: the caller must not tell the log it is done with the message yet, the
     * read's result does that ({@link PageIn}).
     */
    boolean forget(QueueEntry e) {
        taken(e);
        if (e.spilledAt != QueueEntry.NOT_SPILLED) {
            release(e.spilledAt);
            e.spilledAt = QueueEntry.NOT_SPILLED;
        }
        e.body = Body.GONE;
        return !e.reading;
    }

    /** Gives a spilled record back, with the others given back in the same task of the queue. */
    private void release(long position) {
        if (releaseCount == releases.length) {
            releases = Arrays.copyOf(releases, releaseCount * 2);
        }
        releases[releaseCount++] = position;
        if (releaseCount == 1) {
            try {
                queue.execute(this::flushReleases);
            } catch (RejectedExecutionException e) {
                // The broker is stopping: the spill directory is emptied at the next start anyway.
            }
        }
    }

    private void flushReleases() {
        if (releaseCount == 0) {
            return;
        }
        long[] positions = Arrays.copyOf(releases, releaseCount);
        releaseCount = 0;
        onLane(() -> {
            for (long p : positions) {
                spill.release(p);
            }
        });
    }

    /** Every ready entry is gone (purge): none counts any more. */
    void clear() {
        for (QueueEntry e : pageable) {
            if (e.body == Body.PAGEABLE) {
                e.body = Body.HELD;
            }
        }
        pageable.clear();
        budget.released(pageableBytes + spillingBytes);
        spillingBytes = 0;
        pageableBytes = 0;
        pageableCount = 0;
    }

    /** The queue is deleted: its spill file goes, after the reads and writes already asked for. */
    void close() {
        clear();
        pageIn.close();
        flushReleases();
        if (spill != null) {
            onLane(spill::close);
        }
    }

    /**
     * Runs {@code task} on the queue's lane. A lane that no longer takes tasks (the broker is stopping, its
     * event loops already stopped) gets the task run here: nothing waits for this thread any more.
     */
    void onLane(Runnable task) {
        try {
            lane.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    /**
     * Hands a lane's result back to the queue's thread; {@code otherwise} runs (on the lane) if the queue's
     * executor no longer takes tasks, to free what the result holds.
     */
    void backToQueue(Runnable result, Runnable otherwise) {
        try {
            queue.execute(result);
        } catch (RejectedExecutionException e) {
            otherwise.run();
        }
    }
}
