package io.leveret.store.spill;

import io.leveret.store.file.IoDelay;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One owner's scratch records (a queue's spilled message bodies): appended through a write buffer into
 * segment files, read back by position, and given up one by one; a segment is deleted once every record
 * in it was given up. Nothing is forced to disk: the page cache holds what was read recently, and the
 * data is worthless after a restart. Not thread-safe: its owner's thread alone uses it.
 *
 * <p>Reads are made for a backlog drained in order: a read that misses fetches a window of the records
 * after it too, so draining costs one read call per window, not one per record.
 */
public final class SpillFile implements AutoCloseable {
    private static final int WRITE_BUFFER = 256 << 10;
    private static final int READ_WINDOW = 256 << 10;

    private final Path directory;
    private final long id;
    private final int segmentBytes;
    /** Open segments by index (null once deleted); the last one is being written. */
    private final List<FileChannel> segments = new ArrayList<>();
    /** Live records per segment. */
    private final List<Integer> live = new ArrayList<>();
    /** Bytes written to the current (last) segment, buffered ones included. */
    private int writeOffset;
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER);
    /** Where in the current segment the write buffer's first byte goes. */
    private int bufferedFrom;
    private ByteBuffer window;
    private long windowStart = -1;
    private boolean closed;

    SpillFile(Path directory, long id, int segmentBytes) {
        this.directory = directory;
        this.id = id;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Appends one record made of {@code parts} (their remaining bytes, in order; their positions are left
     * as they were) and returns its position for {@link #read} and {@link #release}.
     *
     * @throws IllegalArgumentException for a record larger than a segment
     */
    public long append(ByteBuffer... parts) throws IOException {
        checkOpen();
        int length = 0;
        for (ByteBuffer p : parts) {
            length += p.remaining();
        }
        if (length > segmentBytes) {
            throw new IllegalArgumentException("a spilled record of " + length + " bytes is over the segment size "
                    + segmentBytes);
        }
        // Every step that can fail comes before any state changes: a failed append leaves the file as it was.
        if (segments.isEmpty() || writeOffset + length > segmentBytes) {
            startSegment();
        }
        if (length > writeBuffer.remaining()) {
            flush();
        }
        long position = (long) (segments.size() - 1) * segmentBytes + writeOffset;
        if (length > writeBuffer.remaining()) {
            writeDirectly(parts);
        } else {
            for (ByteBuffer p : parts) {
                // An absolute bulk put: no view allocated, and the part's own position stays where it was.
                writeBuffer.put(writeBuffer.position(), p, p.position(), p.remaining());
                writeBuffer.position(writeBuffer.position() + p.remaining());
            }
        }
        writeOffset += length;
        int last = live.size() - 1;
        live.set(last, live.get(last) + 1);
        return position;
    }

    /**
     * The {@code length} bytes of the record at {@code position}, in a buffer the caller must not write to
     * (later reads never overwrite it; it shares an array with its neighbours in the read window).
     */
    public ByteBuffer read(long position, int length) throws IOException {
        checkOpen();
        int segment = (int) (position / segmentBytes);
        int offset = (int) (position % segmentBytes);
        if (segment == segments.size() - 1 && offset >= bufferedFrom) {
            // Still in the write buffer (records never straddle it and the file).
            ByteBuffer copy = ByteBuffer.allocate(length);
            copy.put(0, writeBuffer, offset - bufferedFrom, length);
            return copy;
        }
        if (windowStart < 0 || position < windowStart || position + length > windowStart + window.limit()
                || (windowStart / segmentBytes) != segment) {
            fill(segment, offset, length);
        }
        int from = (int) (position - windowStart);
        return window.slice(from, length);
    }

    /** The owner no longer needs the record at {@code position}: a segment with none left is deleted. */
    public void release(long position) {
        if (closed) {
            return;
        }
        int segment = (int) (position / segmentBytes);
        int left = live.get(segment) - 1;
        live.set(segment, left);
        if (left == 0 && segment < segments.size() - 1) {
            deleteSegment(segment);
        } else if (left == 0) {
            // The segment being written is empty: start it over instead of growing it.
            writeBuffer.clear();
            writeOffset = 0;
            bufferedFrom = 0;
            if (windowStart / segmentBytes == segment) {
                windowStart = -1;
                window = null;
            }
        }
    }

    /** Segment files on disk now: for tests and metrics. */
    public int segmentCount() {
        int n = 0;
        for (FileChannel c : segments) {
            if (c != null) {
                n++;
            }
        }
        return n;
    }

    /** Deletes every segment; the file cannot be used afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i) != null) {
                deleteSegment(i);
            }
        }
        window = null;
    }

    private void fill(int segment, int offset, int length) throws IOException {
        FileChannel channel = segments.get(segment);
        if (channel == null) {
            throw new IOException("spill segment " + segment + " was deleted: its records were all released");
        }
        int end = segment == segments.size() - 1 ? bufferedFrom : segmentBytes;
        int size = Math.max(length, Math.min(READ_WINDOW, end - offset));
        IoDelay.beforeIo();
        ByteBuffer w = ByteBuffer.allocate(size);
        long at = offset;
        while (w.hasRemaining()) {
            int n = channel.read(w, at);
            if (n < 0) {
                if (w.position() >= length) {
                    break;
                }
                throw new EOFException("spill segment " + segment + " ends before the record at " + offset);
            }
            at += n;
        }
        w.flip();
        window = w;
        windowStart = (long) segment * segmentBytes + offset;
    }

    private void startSegment() throws IOException {
        flush();
        Path path = path(segments.size());
        FileChannel c = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        segments.add(c);
        live.add(0);
        writeOffset = 0;
        bufferedFrom = 0;
    }

    /** Writes the buffer out; if that fails, the buffer and what it holds stay as they were. */
    private void flush() throws IOException {
        if (writeBuffer.position() == 0) {
            return;
        }
        IoDelay.beforeIo();
        ByteBuffer out = writeBuffer.duplicate().flip();
        FileChannel c = segments.get(segments.size() - 1);
        long at = bufferedFrom;
        while (out.hasRemaining()) {
            at += c.write(out, at);
        }
        bufferedFrom = (int) at;
        writeBuffer.clear();
    }

    /** A record larger than the (just emptied) write buffer goes straight to the file. */
    private void writeDirectly(ByteBuffer[] parts) throws IOException {
        IoDelay.beforeIo();
        FileChannel c = segments.get(segments.size() - 1);
        long at = bufferedFrom;
        for (ByteBuffer p : parts) {
            ByteBuffer src = p.duplicate();
            while (src.hasRemaining()) {
                at += c.write(src, at);
            }
        }
        bufferedFrom = (int) at;
    }

    private void deleteSegment(int segment) {
        FileChannel c = segments.set(segment, null);
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to lose: the file goes next
        }
        try {
            SpillDirectory.deleteQuietly(path(segment));
        } catch (UncheckedIOException ignored) {
            // a leftover scratch file is deleted at the next start
        }
        if (windowStart >= 0 && windowStart / segmentBytes == segment) {
            windowStart = -1;
            window = null;
        }
    }

    private Path path(int segment) {
        return directory.resolve(id + "-" + segment + ".spill");
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("spill file closed");
        }
    }
}
