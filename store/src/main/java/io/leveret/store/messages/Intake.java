package io.leveret.store.messages;

import io.leveret.store.file.FileHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where callers hand work to the writer thread. Taking one short lock gives every op its place in the
 * order and every append its {@link Location} — before the write happens — so a broker can remember the
 * location (and even see it acked) while the record is still in flight. The writer takes all waiting ops
 * at once: that batch is the group commit.
 */
final class Intake {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final long segmentBytes;
    private ArrayList<Op> ops = new ArrayList<>();
    private long segment;
    private long offset;
    private long pendingBytes;
    private boolean closed;

    Intake(long firstSegment, long segmentBytes) {
        this.segment = firstSegment;
        this.offset = FileHeader.SIZE;
        this.segmentBytes = segmentBytes;
    }

    Location append(int frameLength, List<QueueName> queues, MessageTimes times, byte[] properties, ByteBuffer[] body,
                    WriteCallback callback) {
        lock.lock();
        try {
            checkOpen();
            // A record never straddles segments; one larger than a segment gets a segment to itself.
            if (offset > FileHeader.SIZE && offset + frameLength > segmentBytes) {
                segment++;
                offset = FileHeader.SIZE;
            }
            Location location = new Location(segment, (int) offset, frameLength);
            offset += frameLength;
            pendingBytes += frameLength;
            enqueue(new Op.Append(location, queues, times, properties, body, callback));
            return location;
        } finally {
            lock.unlock();
        }
    }

    void add(Op op) {
        lock.lock();
        try {
            checkOpen();
            enqueue(op);
        } finally {
            lock.unlock();
        }
    }

    /** Adds a purge of everything {@code queue} holds up to now. */
    void purge(QueueName queue) {
        lock.lock();
        try {
            checkOpen();
            enqueue(new Op.Purge(queue, new Location(segment, (int) offset, 0)));
        } finally {
            lock.unlock();
        }
    }

    /** Waits for work; returns null once closed and drained. */
    List<Op> take() throws InterruptedException {
        lock.lock();
        try {
            while (ops.isEmpty() && !closed) {
                notEmpty.await();
            }
            if (ops.isEmpty()) {
                return null;
            }
            List<Op> batch = ops;
            ops = new ArrayList<>(Math.max(16, batch.size()));
            return batch;
        } finally {
            lock.unlock();
        }
    }

    void written(long bytes) {
        lock.lock();
        try {
            pendingBytes -= bytes;
        } finally {
            lock.unlock();
        }
    }

    long pendingBytes() {
        lock.lock();
        try {
            return pendingBytes;
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void enqueue(Op op) {
        ops.add(op);
        if (ops.size() == 1) {
            notEmpty.signal();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("message store is closed");
        }
    }
}
