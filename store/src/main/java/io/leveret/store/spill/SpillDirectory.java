package io.leveret.store.spill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Where queues put the bodies of transient messages they moved out of memory: scratch space, never
 * recovered. Opening it deletes whatever a previous run left there, so a transient message can never
 * come back after a restart. Each queue gets {@link SpillFile}s of its own.
 */
public final class SpillDirectory {
    /** Bytes per segment file; a segment is deleted once none of its records is needed. */
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;

    private final Path directory;
    private final int segmentBytes;
    private final AtomicLong nextFile = new AtomicLong();

    private SpillDirectory(Path directory, int segmentBytes) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
    }

    /** Creates {@code directory} if needed and empties it. */
    public static SpillDirectory open(Path directory) throws IOException {
        return open(directory, DEFAULT_SEGMENT_BYTES);
    }

    public static SpillDirectory open(Path directory, int segmentBytes) throws IOException {
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("spill segments of at least 4096 bytes, not " + segmentBytes);
        }
        Files.createDirectories(directory);
        try (Stream<Path> old = Files.list(directory)) {
            old.forEach(SpillDirectory::deleteQuietly);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new SpillDirectory(directory, segmentBytes);
    }

    /** A new, empty spill file for one owner (one queue); its segments are created as it grows. */
    public SpillFile newFile() {
        return new SpillFile(directory, nextFile.getAndIncrement(), segmentBytes);
    }

    public Path directory() {
        return directory;
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
