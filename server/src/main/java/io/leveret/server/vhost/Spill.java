package io.leveret.server.vhost;

import io.leveret.store.spill.SpillFile;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A message as a queue's spill file keeps it while its body is paged out: a 4-byte length, the
 * {@link Persistence#envelope} (exchange, routing key, property bytes as they arrived), then the body.
 */
final class Spill {
    private Spill() {
    }

    /** Appends {@code m} (left as it is) and returns its position; {@code length[0]} is set to the record's length. */
    static long write(SpillFile file, Message m, int[] length) throws IOException {
        byte[] envelope = Persistence.envelope(m);
        ByteBuffer head = ByteBuffer.allocate(4 + envelope.length).putInt(envelope.length).put(envelope).flip();
        ByteBuffer[] body = m.body().nioBuffers();
        ByteBuffer[] parts = new ByteBuffer[body.length + 1];
        parts[0] = head;
        System.arraycopy(body, 0, parts, 1, body.length);
        length[0] = head.remaining() + m.bodySize();
        return file.append(parts);
    }

    /** The message spilled at {@code position}; its buffers are views of what the file read (no copy). */
    static Message read(SpillFile file, long position, int length) throws IOException {
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
}
