package io.leveret.store;

import java.io.IOException;
import java.nio.file.Path;

/** Another broker (or another store in this JVM) holds the data directory's lock file. */
public final class DataDirLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataDirLockedException(Path lockFile) {
        super("data directory is in use by another broker: could not lock " + lockFile
                + " (stop the other broker or choose another data_dir)");
    }
}
