package io.leveret.server.vhost;

import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a queue's ready bodies in memory within {@link #IN_MEMORY_BYTES}, and within what the broker-wide
 * {@link PagingBudget} leaves: beyond either, the oldest bodies the message log has on disk are dropped, and
 * other bodies are written to the queue's spill file (scratch space, never recovered) and dropped; both are
 * read back when a consumer needs them, so a backlog larger than memory costs a small entry per message.
 * Confined to the queue's thread.
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
    /** Stale entries {@link #pageable} may hold beyond twice its live ones before it is swept. */
    private static final int STALE_SLACK = 1024;

    private final Queue queue;
    /** The message log, for a durable queue of a broker with storage; null otherwise. */
    private final MessageStore store;
    private final QueueName storeName;
    private final PagingBudget budget;
    /**
     * Ready entries whose body is in memory and could be paged out, oldest first: in the log already
     * (persistent messages in a durable queue) or spillable (the rest). Entries that have stopped counting
     * ({@link QueueEntry#pageable} false: handed out, dropped, paged out) are left behind and swept later.
     */
    private final ArrayDeque<QueueEntry> pageable = new ArrayDeque<>();
    /** Bytes of the entries that count, exactly; the same bytes are counted in {@link #budget}. */
    private long pageableBytes;
    private int pageableCount;
    /** Scratch file for transient bodies paged out of memory; null until the first one is. */
    private Spill spill;
    /** The last attempt to spill failed (disk full?): logged once until one succeeds again. */
    private boolean spillFailing;

    Paging(Queue queue, MessageStore store, QueueName storeName) {
        this.queue = queue;
        this.store = store;
        this.storeName = storeName;
        Persistence p = queue.vhost().persistence();
        this.budget = p == null ? PagingBudget.unlimited() : p.pagingBudget();
    }

    /** A ready entry just enqueued with its body in memory: it may be paged out from now on. */
    void added(QueueEntry e) {
        if (e.location == null && !canSpill()) {
            return;
        }
        e.pageable = true;
        pageable.add(e);
        long n = pagedBytes(e);
        pageableBytes += n;
        pageableCount++;
        budget.kept(n);
        pageOut();
    }

    /** {@code e} left the ready list (handed out, expired, dropped): its body no longer counts. */
    void taken(QueueEntry e) {
        if (!e.pageable) {
            return;
        }
        uncount(e);
        QueueEntry head;
        while ((head = pageable.peekFirst()) != null && !head.pageable) {
            pageable.pollFirst();
        }
        if (pageable.size() > 2 * pageableCount + STALE_SLACK) {
            // Entries taken out of order (priorities) pile up behind an old one still waiting.
            pageable.removeIf(x -> !x.pageable);
        }
    }

    private void uncount(QueueEntry e) {
        e.pageable = false;
        long n = pagedBytes(e);
        pageableBytes -= n;
        pageableCount--;
        budget.released(n);
    }

    /**
     * Drops in-memory bodies of the oldest ready entries while over {@link #IN_MEMORY_BYTES} or the broker
     * is over its budget, as far as the log has written them (appends complete in order, so the first one
     * not on disk ends the walk).
     */
    private void pageOut() {
        while (pageableBytes > IN_MEMORY_BYTES || pageableBytes > 0 && budget.exceeded()) {
            QueueEntry e = pageable.peekFirst();
            if (!e.pageable) {
                pageable.pollFirst();
                continue;
            }
            if (e.location != null ? !e.message.onDisk() : !spillOut(e)) {
                return;
            }
            pageable.pollFirst();
            uncount(e);
            e.message.release();
            e.message = null;
        }
    }

    /** What a pageable entry counts against {@link #IN_MEMORY_BYTES} and the budget. */
    private static long pagedBytes(QueueEntry e) {
        return (e.location != null ? e.location.length() : e.size) + MESSAGE_OVERHEAD;
    }

    /** True when this queue can page bodies that are not in the log out to a spill file. */
    private boolean canSpill() {
        Persistence p = queue.vhost().persistence();
        return p != null && p.spill() != null;
    }

    /** Writes a transient entry's message to the spill file; false (and logged) if it cannot be. */
    private boolean spillOut(QueueEntry e) {
        try {
            if (spill == null) {
                spill = new Spill(queue.vhost().persistence().spill().newFile());
            }
            e.spilledAt = spill.write(e.message);
            e.spilledLength = spill.lastLength();
            spillFailing = false;
            return true;
        } catch (IOException | RuntimeException ex) {
            if (!spillFailing) {
                LOG.warn("{}: cannot page messages out to the spill file; they stay in memory", queue, ex);
                spillFailing = true;
            }
            return false;
        }
    }

    /**
     * Reads a paged-out (or recovered) message back: from the spill file, or from the log (a positional
     * read). False if it cannot be read: it is dropped, and the log told so.
     */
    boolean load(QueueEntry e) {
        if (e.spilledAt != QueueEntry.NOT_SPILLED) {
            long at = e.spilledAt;
            e.spilledAt = QueueEntry.NOT_SPILLED;
            try {
                e.message = spill.read(at, e.spilledLength);
                return true;
            } catch (IOException | RuntimeException ex) {
                LOG.error("{}: cannot read a paged-out message back from the spill file; it is dropped", queue, ex);
                return false;
            } finally {
                spill.release(at);
            }
        }
        try {
            e.message = Persistence.message(store.read(e.location));
            return true;
        } catch (IOException | RuntimeException ex) {
            LOG.error("{}: cannot read message at {} back from the message log; it is dropped", queue, e.location, ex);
            store.ack(storeName, e.location);
            return false;
        }
    }

    /** The queue is done with {@code e}: its spilled copy, if any, is no longer needed. */
    void forget(QueueEntry e) {
        if (e.spilledAt != QueueEntry.NOT_SPILLED) {
            spill.release(e.spilledAt);
            e.spilledAt = QueueEntry.NOT_SPILLED;
        }
    }

    /** Every ready entry is gone (purge): none counts any more. */
    void clear() {
        for (QueueEntry e : pageable) {
            e.pageable = false;
        }
        pageable.clear();
        budget.released(pageableBytes);
        pageableBytes = 0;
        pageableCount = 0;
    }

    /** The queue is deleted: its spill file goes. */
    void close() {
        clear();
        if (spill != null) {
            spill.close();
        }
    }
}
