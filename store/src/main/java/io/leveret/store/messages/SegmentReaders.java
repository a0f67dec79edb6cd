package io.leveret.store.messages;

import io.leveret.store.file.FrameScanner;
import io.leveret.store.file.Frames;
import io.leveret.store.file.IoDelay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Positional reads of stored messages from any thread: one read-only channel per live segment, opened
 * on first use. A read checks the frame's length and checksum, so a damaged record is an exception,
 * never wrong bytes handed to a consumer.
 */
final class SegmentReaders implements AutoCloseable {
    /** Bytes of other records a run read may carry between two wanted ones. */
    private static final int MAX_GAP = 16 << 10;
    /** The most one run read reads. */
    private static final int MAX_RUN = 1 << 20;

    private final Path directory;
    private final ConcurrentHashMap<Long, FileChannel> channels = new ConcurrentHashMap<>();

    SegmentReaders(Path directory) {
        this.directory = directory;
    }

    StoredMessage read(Location location) throws IOException {
        checkLocation(location);
        ByteBuffer frame = ByteBuffer.allocate(location.length());
        IoDelay.beforeIo();
        FrameScanner.readFully(channel(location.segment()), frame, location.offset());
        frame.flip();
        return decode(location, frame);
    }

    /**
     * Reads {@code count} messages: runs of them that lie close together in one segment, in the order given,
     * with one positional read each (a queue's backlog is mostly a run of neighbouring records). Each result
     * is the message or, where it could not be read, null with the reason in {@code failures}; a run whose
     * read fails is retried message by message, so one bad record costs no other.
     */
    void read(Location[] locations, int count, StoredMessage[] results, IOException[] failures) {
        int i = 0;
        while (i < count) {
            int end = runEnd(locations, i, count);
            if (end - i == 1) {
                readOne(locations, i, results, failures);
            } else {
                readRun(locations, i, end, results, failures);
            }
            i = end;
        }
    }

    /** Where the run of neighbouring records that starts at {@code from} ends (exclusive). */
    private static int runEnd(Location[] locations, int from, int count) {
        Location first = locations[from];
        long previousEnd = (long) first.offset() + first.length();
        int i = from + 1;
        for (; i < count; i++) {
            Location l = locations[i];
            if (l.segment() != first.segment() || l.offset() < previousEnd || l.offset() - previousEnd > MAX_GAP
                    || (long) l.offset() + l.length() - first.offset() > MAX_RUN) {
                break;
            }
            previousEnd = (long) l.offset() + l.length();
        }
        return i;
    }

    private void readRun(Location[] locations, int from, int end, StoredMessage[] results, IOException[] failures) {
        Location first = locations[from];
        Location last = locations[end - 1];
        ByteBuffer run = ByteBuffer.allocate(last.offset() + last.length() - first.offset());
        try {
            IoDelay.beforeIo();
            FrameScanner.readFully(channel(first.segment()), run, first.offset());
        } catch (IOException | RuntimeException e) {
            for (int i = from; i < end; i++) {
                readOne(locations, i, results, failures);
            }
            return;
        }
        for (int i = from; i < end; i++) {
            Location l = locations[i];
            try {
                checkLocation(l);
                results[i] = decode(l, run.slice(l.offset() - first.offset(), l.length()));
            } catch (IOException e) {
                failures[i] = e;
            } catch (RuntimeException e) {
                failures[i] = new IOException("message at " + l + " cannot be read", e);
            }
        }
    }

    private void readOne(Location[] locations, int i, StoredMessage[] results, IOException[] failures) {
        try {
            results[i] = read(locations[i]);
        } catch (IOException e) {
            failures[i] = e;
        } catch (RuntimeException e) {
            failures[i] = new IOException("message at " + locations[i] + " cannot be read", e);
        }
    }

    private static void checkLocation(Location location) {
        if (location.length() <= Frames.OVERHEAD) {
            throw new IllegalArgumentException("not a message location: " + location);
        }
    }

    /** The message in {@code frame} (the whole frame, positioned at its start), checked. */
    private static StoredMessage decode(Location location, ByteBuffer frame) throws IOException {
        int length = frame.getInt();
        int crc = frame.getInt();
        ByteBuffer payload = frame.slice();
        if (length != payload.remaining() || Frames.crc(payload) != crc) {
            throw new IOException("message at " + location + " fails its length or checksum check");
        }
        return MessageCodec.readMessage(payload);
    }

    private FileChannel channel(long segment) throws IOException {
        try {
            return channels.computeIfAbsent(segment, s -> {
                try {
                    return FileChannel.open(LogFiles.path(directory, s, LogFiles.SEGMENT), StandardOpenOption.READ);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                throw new IOException("segment " + segment + " is gone: every message in it was acknowledged", e.getCause());
            }
            throw e.getCause();
        }
    }

    /** Closes the channel of a segment about to be deleted. */
    void evict(long segment) {
        FileChannel channel = channels.remove(segment);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a read-only channel loses nothing
            }
        }
    }

    @Override
    public void close() {
        channels.keySet().forEach(this::evict);
    }
}
