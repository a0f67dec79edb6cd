package io.leveret.store.messages;

import io.leveret.store.file.Durable;
import io.leveret.store.file.FileHeader;
import io.leveret.store.file.Frames;
import io.leveret.store.file.IoDelay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Appends message frames to the current segment through one reusable buffer, so a batch becomes a few
 * large writes. Confined to the writer thread.
 */
final class SegmentWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final byte[] NO_PROPERTIES = new byte[0];

    private final Path directory;
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private FileChannel channel;
    private long segment = -1;
    private long written;
    private boolean dirty;
    private boolean created;

    SegmentWriter(Path directory) {
        this.directory = directory;
    }

    /** The segment being written, or -1 before the first append. */
    long current() {
        return segment;
    }

    void append(Op.Append append) throws IOException {
        Location location = append.location();
        placeAt(location);
        int frame = location.length();
        if (frame <= out.capacity()) {
            if (frame > out.remaining()) {
                flush();
            }
            int start = out.position();
            out.position(start + Frames.OVERHEAD);
            MessageCodec.writeMessage(out, append.queues(), append.times(), append.properties(), append.body());
            Frames.seal(out, start);
            return;
        }
        // Larger than the buffer: the head through it, then the body's own buffers in one gathering write,
        // so that a large body is neither merged nor copied on its way to the file.
        flush();
        int bodyLength = MessageCodec.remaining(append.body());
        int headLength = frame - bodyLength;
        ByteBuffer head = headLength <= out.capacity() ? out : ByteBuffer.allocateDirect(headLength);
        head.clear().position(Frames.OVERHEAD);
        MessageCodec.writeMessageHead(head, append.queues(), append.times(), append.properties(), bodyLength);
        CRC32C crc = new CRC32C();
        crc.update(head.duplicate().flip().position(Frames.OVERHEAD));
        ByteBuffer[] parts = new ByteBuffer[1 + append.body().length];
        for (int i = 0; i < append.body().length; i++) {
            parts[i + 1] = append.body()[i].duplicate();
            crc.update(append.body()[i].duplicate());
        }
        head.putInt(0, frame - Frames.OVERHEAD).putInt(4, (int) crc.getValue()).flip();
        parts[0] = head;
        long left = frame;
        IoDelay.beforeIo();
        while (left > 0) {
            long n = channel.write(parts);
            written += n;
            left -= n;
        }
        dirty = true;
        out.clear();
    }

    /** True if {@link #pad} can fill a record of {@code location}'s size (one that fits the write buffer). */
    boolean canPad(Location location) {
        return location.length() <= out.capacity();
    }

    /**
     * Fills a record's place with a message record for no queue, which recovery passes over: the message was
     * consumed before it was written. Its bytes past the record's head are whatever the buffer held, covered
     * by the frame's checksum like any other.
     */
    void pad(Location location, MessageTimes times) throws IOException {
        placeAt(location);
        int frame = location.length();
        if (frame > out.remaining()) {
            flush();
        }
        int start = out.position();
        int filler = frame - Frames.OVERHEAD - MessageCodec.messageLength(List.of(), 0, 0);
        out.position(start + Frames.OVERHEAD);
        MessageCodec.writeMessageHead(out, List.of(), times, NO_PROPERTIES, filler);
        out.position(out.position() + filler);
        Frames.seal(out, start);
    }

    private void placeAt(Location location) throws IOException {
        if (location.segment() != segment) {
            roll(location.segment());
        }
        if (written + out.position() != location.offset()) {
            throw new IllegalStateException("segment " + segment + " is at " + (written + out.position())
                    + " but the record was placed at " + location.offset());
        }
    }

    /** Writes what is buffered and forces the segment; syncs the directory if the file is new. */
    void force() throws IOException {
        flush();
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
        if (created) {
            Durable.syncDirectory(directory);
            created = false;
        }
    }

    private void roll(long next) throws IOException {
        if (channel != null) {
            force();
            channel.close();
        }
        channel = FileChannel.open(LogFiles.path(directory, next, LogFiles.SEGMENT),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        new FileHeader(LogFiles.SEGMENT_MAGIC, LogFiles.VERSION, next).write(channel);
        channel.position(FileHeader.SIZE);
        segment = next;
        written = FileHeader.SIZE;
        dirty = true;
        created = true;
    }

    private void flush() throws IOException {
        if (out.position() > 0) {
            out.flip();
            writeFully(out);
            out.clear();
        }
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        IoDelay.beforeIo();
        while (buffer.hasRemaining()) {
            written += channel.write(buffer);
        }
        dirty = true;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            force();
            channel.close();
            channel = null;
        }
    }
}
