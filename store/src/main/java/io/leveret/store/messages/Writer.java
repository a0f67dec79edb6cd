package io.leveret.store.messages;

import io.leveret.store.file.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer thread: takes every waiting op, writes them, forces what the batch promises durable, and only then
 * completes the batch's callbacks — the group commit. After an I/O error it fails that batch and every
 * later op (the files' state is no longer known), and says so in the log once.
 */
final class Writer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

    private final Path directory;
    private final Intake intake;
    private final SegmentWriter segments;
    private final AckLog acks;
    private final RefCounts refs;
    private final SegmentReaders readers;
    private final long firstSegment;
    private final AtomicLong forces = new AtomicLong();
    private Throwable failure;
    private long unknownAcks;

    Writer(Path directory, Intake intake, AckLog acks, RefCounts refs, SegmentReaders readers, long firstSegment) {
        this.directory = directory;
        this.intake = intake;
        this.segments = new SegmentWriter(directory);
        this.acks = acks;
        this.refs = refs;
        this.readers = readers;
        this.firstSegment = firstSegment;
    }

    @Override
    public void run() {
        try {
            List<Op> batch;
            while ((batch = intake.take()) != null) {
                try {
                    commit(batch);
                } finally {
                    intake.written(appendedBytes(batch));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeFiles();
        }
    }

    /** Writes, forces and confirms one batch; after a failure, only fails it. */
    private void commit(List<Op> batch) {
        if (failure != null) {
            complete(batch, failure);
            return;
        }
        try {
            write(batch);
        } catch (IOException | RuntimeException e) {
            failure = e;
            LOG.error("message store write failed in {}; failing this batch and every later write", directory, e);
            complete(batch, e);
            return;
        }
        complete(batch, null);
        reclaim();
    }

    private void write(List<Op> batch) throws IOException {
        // What is promised durable is forced, and only that: appends (a confirm waits on them) force the
        // segment; purges and syncs (tx.commit's acks) force the ack log, syncs the segment too. Acks and
        // delivered marks are only handed to the operating system: a killed broker loses none of them, and a
        // power failure that loses some only redelivers those messages (the segments decide what exists, so a
        // segment deleted after its acks is gone whether or not they reached the disk).
        boolean forceSegments = false;
        boolean forceAcks = false;
        for (Op op : batch) {
            if (op instanceof Op.Append append) {
                forceSegments = true;
                segments.append(append);
                for (QueueName queue : append.queues()) {
                    refs.add(queue, append.location().segment());
                }
            } else if (op instanceof Op.Ack ack) {
                if (refs.release(ack.queue(), ack.location().segment())) {
                    acks.write(MessageCodec.ACK, ack.queue(), ack.location().segment(), ack.location().offset());
                } else if (unknownAcks++ == 0) {
                    LOG.warn("ignoring ack of {} for queue {}: it holds no message there (acked twice?);"
                            + " further ones are not logged", ack.location(), ack.queue());
                }
            } else if (op instanceof Op.Delivered delivered) {
                if (refs.isLive(delivered.location().segment())) {
                    acks.writeDelivered(delivered.queue(), delivered.location().segment(),
                            delivered.location().offset(), delivered.count());
                }
            } else if (op instanceof Op.Purge purge) {
                forceAcks = true;
                var touched = refs.segmentsOf(purge.queue());
                if (!touched.isEmpty()) {
                    acks.write(MessageCodec.PURGE, purge.queue(), purge.upTo().segment(), purge.upTo().offset(), touched);
                    refs.purge(purge.queue());
                }
            } else if (op instanceof Op.Sync) {
                // writes nothing: it completes with the batch, once everything before it is forced
                forceSegments = true;
                forceAcks = true;
            }
        }
        if (forceSegments) {
            segments.force();
        }
        if (forceAcks) {
            acks.force();
        } else {
            acks.flush(); // in the operating system's hands
        }
        if (forceSegments || forceAcks) {
            forces.incrementAndGet();
        }
    }

    /** Batches made durable so far: each is one force per file it touched. */
    long forces() {
        return forces.get();
    }

    private static void complete(List<Op> batch, Throwable error) {
        for (Op op : batch) {
            try {
                if (op instanceof Op.Append append) {
                    append.callback().completed(error);
                } else if (op instanceof Op.Sync sync) {
                    if (error == null) {
                        sync.done().complete(null);
                    } else {
                        sync.done().completeExceptionally(error);
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("a write callback threw; the store goes on", e);
            }
        }
    }

    /** Deletes the segments no queue references any more, then the ack files that only pointed at them. */
    private void reclaim() {
        List<Long> free = refs.takeUnreferenced(Math.max(segments.current(), firstSegment));
        if (free.isEmpty()) {
            return;
        }
        try {
            for (long segment : free) {
                readers.evict(segment);
                Files.deleteIfExists(LogFiles.path(directory, segment, LogFiles.SEGMENT));
                readers.evict(segment);
            }
            Durable.syncDirectory(directory);
            acks.reclaim(refs);
        } catch (IOException e) {
            // Nothing confirmed is at stake: a segment left behind holds no live reference and the next
            // open's recovery deletes it.
            LOG.warn("could not delete acknowledged segments {} in {}", free, directory, e);
        }
    }

    private static long appendedBytes(List<Op> batch) {
        long bytes = 0;
        for (Op op : batch) {
            if (op instanceof Op.Append append) {
                bytes += append.location().length();
            }
        }
        return bytes;
    }

    private void closeFiles() {
        try {
            segments.close();
            acks.close();
        } catch (IOException e) {
            LOG.error("closing the message log in {} failed", directory, e);
        }
    }
}
