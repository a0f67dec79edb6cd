package io.leveret.server.vhost;

import io.leveret.codec.Wire;
import io.leveret.store.spill.SpillDirectory;
import io.leveret.store.spill.SpillFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A queue's spill file and the form messages take in it while their bodies are paged out: a 4-byte length,
 * the {@link Persistence#envelope} (exchange, routing key, property bytes as they arrived), then the body.
 * Confined to the queue's {@link DiskIo} lane, never its network loop; writing a message allocates next to
 * nothing (a reused buffer takes the envelope, the body is copied from where it is). Made on the queue's
 * thread; the file is created by the first write.
 */
final class Spill implements AutoCloseable {
    private final SpillDirectory directory;
    private SpillFile file;
    /** The length and envelope of the message being written; reused. */
    private final ByteBuf head = Unpooled.buffer(512);
    /** The parts of one record; reused. */
    private final ByteBuffer[] two = new ByteBuffer[2];
    /** The last record's length. */
    private int lastLength;

    Spill(SpillDirectory directory) {
        this.directory = directory;
    }

    /** Appends {@code m} (left as it is) and returns its position; {@link #lastLength()} is the record's length. */
    long write(Message m) throws IOException {
        if (file == null) {
            file = directory.newFile();
        }
        head.clear();
        head.writeInt(0);
        Wire.writeShortstr(head, m.exchange());
        Wire.writeShortstr(head, m.routingKey());
        ByteBuf raw = m.rawProperties();
        head.writeBytes(raw, raw.readerIndex(), raw.readableBytes());
        head.setInt(0, head.readableBytes() - 4);
        ByteBuf body = m.body();
        lastLength = head.readableBytes() + body.readableBytes();
        // The body may be shared with other queues' threads: nioBuffer() is a view of our own, not its internal one.
        ByteBuffer envelope = head.internalNioBuffer(0, head.readableBytes());
        if (body.nioBufferCount() == 1) {
            two[0] = envelope;
            two[1] = body.nioBuffer();
            try {
                return file.append(two);
            } finally {
                two[1] = null;
            }
        }
        ByteBuffer[] bodyParts = body.nioBuffers();
        ByteBuffer[] parts = new ByteBuffer[bodyParts.length + 1];
        parts[0] = envelope;
        System.arraycopy(bodyParts, 0, parts, 1, bodyParts.length);
        return file.append(parts);
    }

    int lastLength() {
        return lastLength;
    }

    /** The message spilled at {@code position}; its buffers are views of what the file read (no copy). */
    Message read(long position, int length) throws IOException {
        ByteBuf record = Unpooled.wrappedBuffer(file.read(position, length));
        try {
            int envelope = record.readInt();
            if (envelope < 0 || envelope > record.readableBytes()) {
                throw new IOException("spilled record at " + position + " is damaged: envelope of " + envelope
                        + " bytes in a record of " + length);
            }
            ByteBuf env = record.retainedSlice(record.readerIndex(), envelope);
            ByteBuf body = record.retainedSlice(record.readerIndex() + envelope, record.readableBytes() - envelope);
            return Persistence.message(env, body);
        } finally {
            record.release();
        }
    }

    void release(long position) {
        file.release(position);
    }

    /** Deletes the file's segments. */
    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
        if (head.refCnt() > 0) {
            head.release();
        }
    }
}
