package io.leveret.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File-system steps whose durability the store depends on. */
public final class Durable {
    private Durable() {
    }

    /**
     * Forces a directory's entries (creates, renames, deletes) to disk. Without it a file created and
     * forced can still vanish from its directory on a power loss.
     */
    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Replaces {@code target} by the already forced {@code temp} atomically, and makes the rename durable. */
    public static void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }
}
