package io.leveret.server.vhost;

import io.leveret.server.vhost.QueueEntry.Body;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.StoredMessage;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a queue's paged-out bodies back, from its spill file or the message log, on the queue's
 * {@link DiskIo} lane: never on the queue's own thread, which is a network loop. Reads go by windows of
 * {@link #WINDOW_BYTES} of upcoming messages, one lane task each, and reading goes on while less than two
 * windows wait in memory, so a consumer of a paged-out backlog rarely waits for the disk (and a queue holds
 * at most three windows read ahead). Messages that die (expire, overflow,
 * are rejected) while paged out wait here, in order, for their bodies before they are dead-lettered.
 * Confined to the queue's thread, like {@link Paging}.
 */
final class PageIn {
    private static final Logger LOG = LoggerFactory.getLogger(PageIn.class);
    /** Bodies (with their {@link Paging#MESSAGE_OVERHEAD}) one read takes in, as one dispatch hands out. */
    static final long WINDOW_BYTES = 256 << 10;
    /** Entries a look for the next window passes over at most (bodies in memory, ones being read). */
    private static final int SCAN_LIMIT = 8192;

    private final Queue queue;
    private final Paging paging;
    private final MessageStore store;
    /** The last look for a window found no paged-out entry: none is looked for until one is paged out. */
    private boolean nothingToRead;
    /** A window of ready entries is being read. */
    private boolean readingWindow;
    /** Bytes of ready entries read ahead ({@link Body#AHEAD}) and not yet taken. */
    private long aheadBytes;
    /** Entries to be dead-lettered once their bodies are back, in order, with the reasons. */
    private final ArrayDeque<QueueEntry> dying = new ArrayDeque<>();
    private final ArrayDeque<String> reasons = new ArrayDeque<>();
    /** A read for {@link #dying} entries is under way. */
    private boolean readingDying;

    PageIn(Queue queue, Paging paging, MessageStore store) {
        this.queue = queue;
        this.paging = paging;
        this.store = store;
    }

    /** A ready entry's body was paged out (or a recovered entry's never came in). */
    void pagedOut() {
        nothingToRead = false;
    }

    /** The head is paged out: reads the window it starts, unless a read of one is under way. */
    void readHead() {
        if (!readingWindow) {
            nothingToRead = false;
            readWindow();
        }
    }

    /** The head was read ahead: reads the next window while less than two are left in memory. */
    void readAheadIfLow() {
        if (!readingWindow && !nothingToRead && aheadBytes < 2 * WINDOW_BYTES) {
            readWindow();
        }
    }

    /** A ready entry read ahead left the ready list. */
    void left(QueueEntry e) {
        if (e.body == Body.AHEAD) {
            aheadBytes -= Paging.pagedBytes(e);
        }
    }

    private void readWindow() {
        List<QueueEntry> window = new ArrayList<>();
        long[] bytes = new long[1];
        int[] scanned = new int[1];
        queue.ready().upcoming(e -> {
            if (e.body == Body.PAGED_OUT && !e.reading) {
                window.add(e);
                bytes[0] += Paging.pagedBytes(e);
                return bytes[0] < WINDOW_BYTES;
            }
            return ++scanned[0] < SCAN_LIMIT;
        });
        if (window.isEmpty()) {
            nothingToRead = true;
        } else {
            readingWindow = true;
            read(window, false);
        }
    }

    // ---- Dead letters that wait for their bodies. ----

    /** True while dead letters wait here: later ones wait behind them, so that they go out in order. */
    boolean hasDying() {
        return !dying.isEmpty();
    }

    /**
     * {@code e} (out of the ready list) is to be dead-lettered for {@code reason} once its body is back; one
     * whose body could not be read is dropped.
     */
    void dieLater(QueueEntry e, String reason) {
        if (e.body == Body.UNREADABLE) {
            queue.departures().forgetUnreadable(e);
            return;
        }
        e.body = Body.DYING;
        dying.add(e);
        reasons.add(reason);
        deadLetterReady();
    }

    /** Dead-letters the dying entries at the front whose bodies are back; asks for the next ones' bodies. */
    private void deadLetterReady() {
        for (QueueEntry e; (e = dying.peekFirst()) != null; ) {
            if (e.body == Body.GONE) {
                dying.pollFirst();
                reasons.pollFirst();
                continue;
            }
            if (e.message == null) {
                if (!e.reading && !readingDying) {
                    readDying(WINDOW_BYTES);
                }
                return;
            }
            dying.pollFirst();
            queue.departures().deadLetterEntry(e, reasons.pollFirst());
        }
    }

    /** Reads the bodies of dying entries, up to {@code limit} bytes of them. */
    private void readDying(long limit) {
        List<QueueEntry> window = new ArrayList<>();
        long bytes = 0;
        for (QueueEntry e : dying) {
            if (e.body == Body.DYING && e.message == null && !e.reading) {
                window.add(e);
                bytes += Paging.pagedBytes(e);
                if (bytes >= limit) {
                    break;
                }
            }
        }
        if (!window.isEmpty()) {
            readingDying = true;
            read(window, true);
        }
    }

    /** The queue is deleted: the dead letters it owes still go out, once read (before the spill file goes). */
    void close() {
        readDying(Long.MAX_VALUE);
    }

    // ---- Reading. ----

    /** One read: the entries (queue side), where their bodies are, and what the lane reports back. */
    private static final class Read {
        final QueueEntry[] entries;
        final boolean forDying;
        final long[] spilledAt;
        final int[] spilledLength;
        final Location[] locations;
        final Message[] messages;
        final Exception[] failures;

        Read(int n, boolean forDying) {
            this.entries = new QueueEntry[n];
            this.forDying = forDying;
            this.spilledAt = new long[n];
            this.spilledLength = new int[n];
            this.locations = new Location[n];
            this.messages = new Message[n];
            this.failures = new Exception[n];
        }
    }

    /**
     * Reads the bodies of {@code window} on the lane. A spilled record is the read's from now on (the lane
     * gives it back once read), so forgetting the entry meanwhile does not give it back twice.
     */
    private void read(List<QueueEntry> window, boolean forDying) {
        Read r = new Read(window.size(), forDying);
        int logReads = 0;
        for (int i = 0; i < r.entries.length; i++) {
            QueueEntry e = window.get(i);
            e.reading = true;
            r.entries[i] = e;
            r.spilledAt[i] = e.spilledAt;
            r.spilledLength[i] = e.spilledLength;
            e.spilledAt = QueueEntry.NOT_SPILLED;
            if (r.spilledAt[i] == QueueEntry.NOT_SPILLED) {
                r.locations[logReads++] = e.location;
            }
        }
        int logCount = logReads;
        paging.onLane(() -> {
            readOnLane(r, logCount);
            paging.backToQueue(() -> done(r), () -> {
                for (Message m : r.messages) {
                    if (m != null) {
                        m.release();
                    }
                }
            });
        });
    }

    /** Runs on the lane: spilled records one by one (the spill file reads them by windows), log records at once. */
    private void readOnLane(Read r, int logCount) {
        Spill spill = paging.spill();
        for (int i = 0; i < r.entries.length; i++) {
            long at = r.spilledAt[i];
            if (at == QueueEntry.NOT_SPILLED) {
                continue;
            }
            try {
                r.messages[i] = spill.read(at, r.spilledLength[i]);
            } catch (IOException | RuntimeException ex) {
                r.failures[i] = ex;
            } finally {
                spill.release(at);
            }
        }
        if (logCount == 0) {
            return;
        }
        StoredMessage[] stored = new StoredMessage[logCount];
        IOException[] failed = new IOException[logCount];
        store.read(r.locations, logCount, stored, failed);
        int j = 0;
        for (int i = 0; i < r.entries.length; i++) {
            if (r.spilledAt[i] != QueueEntry.NOT_SPILLED) {
                continue;
            }
            try {
                if (failed[j] != null) {
                    r.failures[i] = failed[j];
                } else {
                    r.messages[i] = Persistence.message(stored[j]);
                }
            } catch (RuntimeException ex) {
                r.failures[i] = ex;
            }
            j++;
        }
    }

    /** Back on the queue's thread: each body goes to its entry, as the entry stands now. */
    private void done(Read r) {
        if (r.forDying) {
            readingDying = false;
        } else {
            readingWindow = false;
        }
        for (int i = 0; i < r.entries.length; i++) {
            QueueEntry e = r.entries[i];
            Message m = r.messages[i];
            e.reading = false;
            if (m == null) {
                failed(e, r.failures[i]);
                continue;
            }
            switch (e.body) {
                case PAGED_OUT -> {
                    e.message = m;
                    e.body = Body.AHEAD;
                    aheadBytes += Paging.pagedBytes(e);
                }
                case DYING -> e.message = m;
                default -> {
                    // GONE: the queue let go of it while it was read; the log hears so only now.
                    m.release();
                    queue.departures().doneWithLogRecord(e);
                }
            }
        }
        deadLetterReady();
        queue.pagedIn();
    }

    private void failed(QueueEntry e, Exception why) {
        if (e.body == Body.GONE) {
            queue.departures().doneWithLogRecord(e);
            return;
        }
        if (e.location != null) {
            LOG.error("{}: cannot read message at {} back from the message log; it is dropped", queue, e.location, why);
        } else {
            LOG.error("{}: cannot read a paged-out message back from the spill file; it is dropped", queue, why);
        }
        if (e.body == Body.DYING) {
            queue.departures().forgetUnreadable(e);
        } else {
            e.body = Body.UNREADABLE;
        }
    }
}
