package io.leveret.store.messages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Names and kinds of the files in {@code <data_dir>/msgs/}: message segments {@code NNN.seg} and
 * acknowledgement logs {@code NNN.ack}, numbered in write order (20 digits, so they also sort by name).
 */
final class LogFiles {
    static final String SEGMENT = ".seg";
    static final String ACKS = ".ack";
    static final int SEGMENT_MAGIC = 0x4C564D53; // "LVMS"
    static final int ACKS_MAGIC = 0x4C564D41;    // "LVMA"
    static final int VERSION = 1;

    private LogFiles() {
    }

    static Path path(Path directory, long number, String suffix) {
        return directory.resolve(String.format("%020d%s", number, suffix));
    }

    /** The files with {@code suffix}, by number; other files are left alone. */
    static TreeMap<Long, Path> list(Path directory, String suffix) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path file : (Iterable<Path>) entries::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(suffix) && name.length() == 20 + suffix.length()) {
                    try {
                        files.put(Long.parseLong(name.substring(0, 20)), file);
                    } catch (NumberFormatException notOurs) {
                        // someone else's file with a look-alike name: not ours to read or delete
                    }
                }
            }
        }
        return files;
    }
}
