package io.leveret.store.definitions;

import io.leveret.store.file.Durable;
import io.leveret.store.file.FileHeader;
import io.leveret.store.file.FrameScanner;
import io.leveret.store.file.Frames;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definitions journal: every change, forced before it is acknowledged, as
 * {@code frame(version | i64 sequence | change)}. MapDB is not crash-proof; this small checksummed file
 * is what the model is rebuilt from. When it grows it is replaced, atomically, by a snapshot: the
 * changes that rebuild the current model, all carrying the current sequence.
 */
final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final int MAGIC = 0x4C564446; // "LVDF"
    static final int VERSION = 1;
    private static final int MAX_RECORD = 16 << 20;

    /** Receives each journaled change at replay. */
    @FunctionalInterface
    interface Replay {
        void change(long sequence, Change change) throws IOException;
    }

    /** Where a test may make the journal fail, to prove what a failure leaves behind. */
    enum FaultPoint { APPEND_TORN, APPEND_FORCE, COMPACT_WRITE, COMPACT_REPLACE }

    /** Throws at a {@link FaultPoint}; {@link #NONE} in a broker. */
    @FunctionalInterface
    interface Faults {
        Faults NONE = point -> { };

        void at(FaultPoint point) throws IOException;
    }

    /** Thrown when the journal could not be put back as it was before a failed write: it takes no more changes. */
    static final class DamagedException extends IOException {
        DamagedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path file;
    private final Faults faults;
    private FileChannel channel;
    private long lastSequence;

    private Journal(Path file, FileChannel channel, long lastSequence, Faults faults) {
        this.file = file;
        this.channel = channel;
        this.lastSequence = lastSequence;
        this.faults = faults;
    }

    /** Opens the journal, creating it if missing, replaying every change; a torn tail is cut off and logged. */
    static Journal open(Path file, Replay replay) throws IOException {
        return open(file, replay, Faults.NONE);
    }

    static Journal open(Path file, Replay replay, Faults faults) throws IOException {
        if (!Files.exists(file)) {
            writeFile(file, 0, List.of());
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long[] last = {readHeader(channel, file).number()};
            FrameScanner.Result result = replay(channel, file, replay, last);
            if (result.torn()) {
                LOG.warn("{}: {} at offset {}; cutting off {} bytes (a change that was never acknowledged)",
                        file, result.stopReason(), result.validEnd(), result.droppedBytes());
                channel.truncate(result.validEnd());
                channel.force(true);
            }
            channel.position(result.validEnd());
            return new Journal(file, channel, last[0], faults);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Replays the journal without writing to it, for a reader beside the broker that owns it (the broker may
     * be appending or compacting meanwhile). Compaction replaces the file by a rename, so the file opened here
     * stays whole; an append in progress is a torn tail, which is where the committed changes end.
     *
     * @return the sequence of the last change read
     */
    static long read(Path file, Replay replay) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long[] last = {readHeader(channel, file).number()};
            replay(channel, file, replay, last);
            return last[0];
        }
    }

    private static FileHeader readHeader(FileChannel channel, Path file) throws IOException {
        try {
            return FileHeader.read(channel, file, MAGIC, VERSION);
        } catch (EOFException e) {
            throw new IOException(file + " is shorter than its header: the definitions journal is damaged", e);
        }
    }

    /** Replays every complete, checksummed record after the header; {@code last[0]} ends as the highest sequence. */
    private static FrameScanner.Result replay(FileChannel channel, Path file, Replay replay, long[] last)
            throws IOException {
        return FrameScanner.scan(channel, FileHeader.SIZE, MAX_RECORD, (offset, length, payload) -> {
            if (payload.get() != VERSION) {
                throw new IOException(file + ": journal record at " + offset + " has an unknown version");
            }
            long sequence = payload.getLong();
            byte[] change = new byte[payload.remaining()];
            payload.get(change);
            try {
                replay.change(sequence, DefinitionCodec.decodeChange(change));
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException(file + ": journal record " + sequence + " at offset " + offset
                        + " cannot be replayed: " + e.getMessage(), e);
            }
            last[0] = Math.max(last[0], sequence);
        });
    }

    long lastSequence() {
        return lastSequence;
    }

    long size() throws IOException {
        return channel.size();
    }

    /**
     * Appends and forces one change; when this returns, the change survives a crash. When it throws, the
     * journal is as it was before (what was written is cut off again), unless it throws
     * {@link DamagedException}: then that could not be done, and the journal must take no more changes.
     */
    void append(long sequence, Change change) throws IOException {
        ByteBuffer frame = frame(sequence, change);
        long start = channel.position();
        try {
            // Written in two parts, so that a test can fail it between them as a torn write.
            int whole = frame.limit();
            frame.limit(frame.position() + frame.remaining() / 2);
            writeFully(frame);
            faults.at(FaultPoint.APPEND_TORN);
            frame.limit(whole);
            writeFully(frame);
            faults.at(FaultPoint.APPEND_FORCE);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            cutBackTo(start, e);
            throw e;
        }
        lastSequence = sequence;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Removes a failed append's bytes, so that the next append follows the last good record. */
    private void cutBackTo(long start, Exception failure) throws DamagedException {
        try {
            channel.truncate(start);
            channel.position(start);
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
            throw new DamagedException(file + ": a failed append could not be cut off again", failure);
        }
    }

    /**
     * Replaces the journal by a snapshot of the model at {@code sequence}: temp file, force, rename, directory
     * sync. When it throws, the journal in use is still the old one, whole, and takes the next change, unless
     * it throws {@link DamagedException}.
     */
    void compact(long sequence, List<Change> snapshot) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            writeFile(temp, sequence, snapshot);
            faults.at(FaultPoint.COMPACT_WRITE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        // The rename is atomic: whether it happened or not, the file holds a whole journal.
        channel.close();
        try {
            faults.at(FaultPoint.COMPACT_REPLACE);
            Durable.replace(temp, file);
            lastSequence = sequence;
        } finally {
            try {
                channel = FileChannel.open(file, StandardOpenOption.WRITE);
                channel.position(channel.size());
            } catch (IOException | RuntimeException e) {
                throw new DamagedException(file + ": cannot reopen the journal after compacting it", e);
            }
        }
    }

    /** Writes and forces a whole journal holding {@code changes} at {@code sequence}; also a replica's snapshot file. */
    static void writeFile(Path target, long sequence, List<Change> changes) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            new FileHeader(MAGIC, VERSION, sequence).write(out);
            out.position(FileHeader.SIZE);
            for (Change change : changes) {
                ByteBuffer frame = frame(sequence, change);
                while (frame.hasRemaining()) {
                    out.write(frame);
                }
            }
            out.force(true);
        }
        Durable.syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Frames a change; refuses one the reader would reject, before anything is written. */
    private static ByteBuffer frame(long sequence, Change change) {
        byte[] encoded = DefinitionCodec.encode(change);
        if (encoded.length + 9 > MAX_RECORD) {
            throw new IllegalArgumentException("a definition change of " + encoded.length
                    + " bytes is over the journal's limit of " + MAX_RECORD);
        }
        ByteBuffer payload = ByteBuffer.allocate(1 + 8 + encoded.length);
        payload.put((byte) VERSION).putLong(sequence).put(encoded);
        return Frames.frame(payload.array());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
