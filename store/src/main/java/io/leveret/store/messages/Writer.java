package io.leveret.store.messages;

import io.leveret.store.file.Durable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    private final AtomicLong dropped = new AtomicLong();
    /**
     * Records consumed before they were written, so not written, by location, with the queues whose acks
     * for them are still to come (those acks are expected and ignored).
     */
    private final Map<Location, List<QueueName>> unwritten = new HashMap<>();
    /** Which ops of the batch being written are appends that were not written, by index, for {@link #complete}. */
    private final BitSet droppedInBatch = new BitSet();
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
        if (!droppedInBatch.isEmpty()) {
            dropped.addAndGet(droppedInBatch.cardinality());
            for (int i = droppedInBatch.nextSetBit(0); i >= 0; i = droppedInBatch.nextSetBit(i + 1)) {
                try {
                    ((Op.Append) batch.get(i)).callback().dropped();
                } catch (RuntimeException e) {
                    LOG.error("a write callback threw; the store goes on", e);
                }
            }
        }
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
        droppedInBatch.clear();
        for (int i = 0; i < batch.size(); i++) {
            Op op = batch.get(i);
            if (op instanceof Op.Append append) {
                if (!append.callback().wanted() && segments.canPad(append.location())) {
                    // Consumed on every queue already: nothing to keep, so nothing to write or force.
                    segments.pad(append.location(), append.times());
                    refs.written(append.location().segment());
                    unwritten.put(append.location(), new ArrayList<>(append.queues()));
                    droppedInBatch.set(i);
                    continue;
                }
                forceSegments = true;
                segments.append(append);
                for (QueueName queue : append.queues()) {
                    refs.add(queue, append.location().segment());
                }
            } else if (op instanceof Op.Ack ack) {
                if (expectedForUnwritten(ack.queue(), ack.location())) {
                    continue;
                }
                if (refs.release(ack.queue(), ack.location().segment())) {
                    acks.write(MessageCodec.ACK, ack.queue(), ack.location().segment(), ack.location().offset());
                } else if (unknownAcks++ == 0) {
                    LOG.warn("ignoring ack of {} for queue {}: it holds no message there (acked twice?);"
                            + " further ones are not logged", ack.location(), ack.queue());
                }
            } else if (op instanceof Op.Delivered delivered) {
                if (!unwritten.containsKey(delivered.location()) && refs.isLive(delivered.location().segment())) {
                    acks.writeDelivered(delivered.queue(), delivered.location().segment(),
                            delivered.location().offset(), delivered.count());
                }
            } else if (op instanceof Op.Purge purge) {
                forceAcks = true;
                forgetUnwritten(purge.queue());
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

    /** True if {@code location} is a record not written: its ack from {@code queue} is expected, and dropped. */
    private boolean expectedForUnwritten(QueueName queue, Location location) {
        List<QueueName> waiting = unwritten.get(location);
        if (waiting == null || !waiting.remove(queue)) {
            return false;
        }
        if (waiting.isEmpty()) {
            unwritten.remove(location);
        }
        return true;
    }

    /** A purged or deleted queue sends no more acks: stop waiting for its acks of records not written. */
    private void forgetUnwritten(QueueName queue) {
        unwritten.values().removeIf(waiting -> waiting.remove(queue) && waiting.isEmpty());
    }

    /** Records not written because consumers had taken them before the writer came to them. */
    long dropped() {
        return dropped.get();
    }

    /** Batches made durable so far: each is one force per file it touched. */
    long forces() {
        return forces.get();
    }

    /** Answers the batch's appends and syncs; appends not written are answered apart ({@code dropped}). */
    private void complete(List<Op> batch, Throwable error) {
        for (int i = 0; i < batch.size(); i++) {
            Op op = batch.get(i);
            try {
                if (op instanceof Op.Append append && (error != null || !droppedInBatch.get(i))) {
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
