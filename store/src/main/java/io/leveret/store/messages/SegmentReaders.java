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
    private final Path directory;
    private final ConcurrentHashMap<Long, FileChannel> channels = new ConcurrentHashMap<>();

    SegmentReaders(Path directory) {
        this.directory = directory;
    }

    StoredMessage read(Location location) throws IOException {
        if (location.length() <= Frames.OVERHEAD) {
            throw new IllegalArgumentException("not a message location: " + location);
        }
        ByteBuffer frame = ByteBuffer.allocate(location.length());
        IoDelay.beforeIo();
        FrameScanner.readFully(channel(location.segment()), frame, location.offset());
        frame.flip();
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
