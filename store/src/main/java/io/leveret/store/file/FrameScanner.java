package io.leveret.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the frames of one file in order through a bounded read-ahead buffer, checking every length
 * against a limit before allocating and every checksum before handing the payload on. It stops at the
 * first frame that is incomplete or does not check out; {@link Result#validEnd()} is where the good
 * records end, so the caller can cut a torn tail off.
 */
public final class FrameScanner {
    /** Receives each good payload; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface Visitor {
        void record(long offset, int frameLength, ByteBuffer payload) throws IOException;
    }

    /** Where and why a scan stopped. {@code stopReason} is null when the file ended cleanly. */
    public record Result(long validEnd, long fileSize, int records, String stopReason) {
        public boolean torn() {
            return stopReason != null;
        }

        public long droppedBytes() {
            return fileSize - validEnd;
        }
    }

    private static final int READ_AHEAD = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_AHEAD).limit(0);
    private long bufferStart;

    private FrameScanner(FileChannel channel) {
        this.channel = channel;
    }

    public static Result scan(FileChannel channel, long start, int maxPayload, Visitor visitor)
            throws IOException {
        return new FrameScanner(channel).run(start, maxPayload, visitor);
    }

    private Result run(long start, int maxPayload, Visitor visitor) throws IOException {
        long size = channel.size();
        long position = start;
        bufferStart = start;
        int records = 0;
        while (position < size) {
            if (size - position < Frames.OVERHEAD) {
                return new Result(position, size, records, "incomplete frame header");
            }
            int index = window(position, Frames.OVERHEAD);
            int length = buffer.getInt(index);
            int crc = buffer.getInt(index + 4);
            if (length <= 0 || length > maxPayload) {
                return new Result(position, size, records, "bad frame length " + length);
            }
            if (size - position - Frames.OVERHEAD < length) {
                return new Result(position, size, records,
                        "frame of " + length + " bytes runs past the end of the file");
            }
            ByteBuffer payload;
            if (Frames.OVERHEAD + length <= READ_AHEAD) {
                int from = window(position, Frames.OVERHEAD + length) + Frames.OVERHEAD;
                payload = buffer.duplicate().limit(from + length).position(from).slice();
            } else {
                payload = ByteBuffer.allocate(length);
                readFully(channel, payload, position + Frames.OVERHEAD);
                payload.flip();
            }
            if (Frames.crc(payload) != crc) {
                return new Result(position, size, records, "checksum mismatch");
            }
            visitor.record(position, Frames.OVERHEAD + length, payload);
            records++;
            position += Frames.OVERHEAD + length;
        }
        return new Result(position, size, records, null);
    }

    /** Makes {@code [position, position + need)} readable in the buffer; returns its index there. */
    private int window(long position, int need) throws IOException {
        long index = position - bufferStart;
        if (index >= 0 && index + need <= buffer.limit()) {
            return (int) index;
        }
        buffer.clear();
        bufferStart = position;
        long at = position;
        while (buffer.position() < need) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("file shrank while being scanned");
            }
            at += n;
        }
        buffer.flip();
        return 0;
    }

    public static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + at);
            }
            at += n;
        }
    }
}
