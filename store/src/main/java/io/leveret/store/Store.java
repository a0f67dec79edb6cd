package io.leveret.store;

import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.file.Durable;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;
import io.leveret.store.spill.SpillDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a broker keeps across restarts, in one data directory:
 * <pre>
 * data_dir/
 *   .lock                  held with FileChannel.tryLock while open: one broker per directory
 *   FORMAT                 "leveret-store N": a newer N is refused
 *   definitions/           journal.log + model.db (MapDB): see {@link DefinitionStore}
 *   msgs/                  NNN.seg message segments, NNN.ack acknowledgement logs: see {@link MessageStore}
 *   spill/                 transient bodies queues paged out of memory: scratch, emptied at open
 * </pre>
 * Open it before binding listeners; {@link #definitions()} and {@link #messages()} are the two halves.
 */
public final class Store implements AutoCloseable {
    /** The on-disk format this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    private static final String FORMAT_FILE = "FORMAT";
    private static final String FORMAT_PREFIX = "leveret-store ";

    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DefinitionStore definitions;
    private final MessageStore messages;

    private final SpillDirectory spill;

    private Store(FileChannel lockChannel, FileLock lock, DefinitionStore definitions, MessageStore messages,
                  SpillDirectory spill) {
        this.spill = spill;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.definitions = definitions;
        this.messages = messages;
    }

    public static Store open(Path dataDir) throws IOException {
        return open(dataDir, StoreOptions.defaults());
    }

    /**
     * Locks and opens {@code dataDir}, creating it if needed, and recovers both halves. Message references
     * of queues the definitions do not hold (a crash between a queue's delete and its messages' drop) are
     * dropped here, so {@link MessageStore#recover()} returns only queues that exist.
     *
     * @throws DataDirLockedException if another broker has the directory open
     * @throws UnsupportedFormatException if a newer Leveret wrote it
     */
    public static Store open(Path dataDir, StoreOptions options) throws IOException {
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve(".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new DataDirLockedException(lockFile);
        }
        DefinitionStore definitions = null;
        try {
            checkFormat(dataDir);
            definitions = DefinitionStore.open(dataDir.resolve("definitions"), options);
            MessageStore messages = MessageStore.open(dataDir.resolve("msgs"), options);
            Set<QueueName> queues = definitions.snapshot().queues().stream()
                    .map(Store::queueName).collect(Collectors.toCollection(java.util.HashSet::new));
            // Delayed exchanges keep their waiting persistent messages in the log too.
            definitions.snapshot().exchanges().stream()
                    .filter(e -> e.type().equals(QueueName.DELAYED_EXCHANGE_TYPE))
                    .forEach(e -> queues.add(QueueName.delayedExchange(e.vhost(), e.name())));
            messages.dropQueuesOtherThan(queues);
            SpillDirectory spill = SpillDirectory.open(dataDir.resolve("spill"));
            return new Store(lockChannel, lock, definitions, messages, spill);
        } catch (IOException | RuntimeException e) {
            if (definitions != null) {
                definitions.close();
            }
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /**
     * The committed definitions of {@code dataDir} without opening it: nothing is locked, written or repaired,
     * so this works beside the broker that has it open (see {@link DefinitionStore#readCommitted}).
     *
     * @throws UnsupportedFormatException if a newer Leveret wrote it, or it is not a Leveret data directory
     */
    public static io.leveret.store.definitions.Definitions readDefinitions(Path dataDir) throws IOException {
        if (!Files.exists(dataDir.resolve(FORMAT_FILE))) {
            throw new UnsupportedFormatException(dataDir + " is not a Leveret data directory (it has no "
                    + FORMAT_FILE + " file)");
        }
        checkFormat(dataDir);
        return DefinitionStore.readCommitted(dataDir.resolve("definitions"));
    }

    public DefinitionStore definitions() {
        return definitions;
    }

    public MessageStore messages() {
        return messages;
    }

    /** Scratch space for transient message bodies paged out of memory; emptied at every open. */
    public SpillDirectory spill() {
        return spill;
    }

    /** The message log's name for a stored queue. */
    public static QueueName queueName(QueueDefinition queue) {
        return new QueueName(queue.vhost(), queue.name());
    }

    private static void checkFormat(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FORMAT_FILE);
        if (!Files.exists(file)) {
            Path temp = dataDir.resolve(FORMAT_FILE + ".tmp");
            Files.writeString(temp, FORMAT_PREFIX + FORMAT_VERSION + "\n", StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Durable.replace(temp, file);
            return;
        }
        String content = Files.readString(file, StandardCharsets.UTF_8).trim();
        int version;
        try {
            if (!content.startsWith(FORMAT_PREFIX)) {
                throw new NumberFormatException(content);
            }
            version = Integer.parseInt(content.substring(FORMAT_PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new UnsupportedFormatException(file + " does not name a Leveret store format: '" + content + "'");
        }
        if (version > FORMAT_VERSION) {
            throw new UnsupportedFormatException("the data directory " + dataDir + " has store format " + version
                    + " but this Leveret reads formats up to " + FORMAT_VERSION
                    + "; run a Leveret at least as new as the one that wrote it");
        }
    }

    /** Finishes pending writes, closes both halves and releases the directory. */
    @Override
    public void close() throws IOException {
        try {
            messages.close();
            definitions.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }
}
