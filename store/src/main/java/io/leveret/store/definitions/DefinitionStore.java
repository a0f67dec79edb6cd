package io.leveret.store.definitions;

import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable definitions: vhosts, users, permissions, exchanges, queues, bindings, policies. Every change
 * goes through {@link #apply(Change)}, which runs on the store's own thread: validate, append to the
 * journal and force it, then commit it to MapDB. At open the journal is replayed; MapDB is checked
 * against it and rebuilt from it (the old file moved aside) when it cannot be read, is behind, or differs.
 *
 * <p>Layout in its directory: {@code journal.log} (checksummed changes, compacted to a snapshot as it
 * grows), {@code model.db} and MapDB's {@code model.db.wal.*}, and in a cluster {@code replicated.index}.
 *
 * <p>In a cluster this store is a copy of the replicated model, and {@link #replicatedIndex()} says how far: the
 * position in the replicated log of the last change written here ({@link #applyLocally(Change, long)}), kept
 * in {@code replicated.index} and forced after the change itself, so that it never claims a change the journal
 * lacks and lags it by at most the one change in flight at a crash (which, written again, changes nothing).
 */
public final class DefinitionStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionStore.class);
    static final String JOURNAL = "journal.log";
    static final String MAPDB = "model.db";
    static final String REPLICATED_INDEX = "replicated.index";

    private volatile Thread owner;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leveret-definitions");
        t.setDaemon(true);
        owner = t;
        return t;
    });
    private final Path directory;
    private final long compactBytes;
    private final Model model;
    private final Journal journal;
    private MapDbModel mapDb;
    private long sequence;
    private long compactAt;
    private Throwable journalFailure;
    /** Opened at the first {@link #applyLocally(Change, long)}; written on the store's thread only. */
    private java.nio.channels.FileChannel replicatedFile;
    private volatile long replicatedIndex;
    /** Where {@link #apply} sends changes instead, in a cluster; null on a single node. */
    private volatile java.util.function.Function<Change, CompletableFuture<Void>> upstream;

    private DefinitionStore(Path directory, long compactBytes, Model model, Journal journal, MapDbModel mapDb,
                            long sequence) throws IOException {
        this.directory = directory;
        this.compactBytes = compactBytes;
        this.model = model;
        this.journal = journal;
        this.mapDb = mapDb;
        this.sequence = sequence;
        this.compactAt = Math.max(compactBytes, 2 * journal.size());
        this.replicatedIndex = readReplicatedIndex(directory.resolve(REPLICATED_INDEX));
    }

    private static long readReplicatedIndex(Path file) throws IOException {
        if (!Files.exists(file)) {
            return -1;
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != Long.BYTES) {
            throw new IOException(file + " holds " + bytes.length + " bytes, not the " + Long.BYTES + " of an index");
        }
        return java.nio.ByteBuffer.wrap(bytes).getLong();
    }

    /** Opens (creating if needed) the definitions in {@code directory}, repairing MapDB from the journal. */
    public static DefinitionStore open(Path directory, StoreOptions options) throws IOException {
        return open(directory, options, Journal.Faults.NONE);
    }

    /** {@link #open(Path, StoreOptions)} with a journal that fails where {@code faults} says: for tests. */
    static DefinitionStore open(Path directory, StoreOptions options, Journal.Faults faults) throws IOException {
        Files.createDirectories(directory);
        Model model = new Model();
        Journal journal = Journal.open(directory.resolve(JOURNAL), (sequence, change) -> {
            model.validate(change);
            model.apply(change);
        }, faults);
        try {
            long sequence = journal.lastSequence();
            Path file = directory.resolve(MAPDB);
            MapDbModel.Loaded loaded = MapDbModel.load(file);
            if (loaded != null && loaded.sequence() == sequence && loaded.model().equals(model)) {
                return new DefinitionStore(directory, options.journalCompactBytes(), model, journal, loaded.db(), sequence);
            }
            if (loaded != null && loaded.sequence() > sequence) {
                // The journal is forced before MapDB commits, so this means the journal lost its end.
                LOG.warn("{} is at change {} but the journal only reaches {}; keeping MapDB's model and "
                        + "rewriting the journal from it", file, loaded.sequence(), sequence);
                journal.compact(loaded.sequence(), loaded.model().asChanges());
                return new DefinitionStore(directory, options.journalCompactBytes(), loaded.model(), journal,
                        loaded.db(), loaded.sequence());
            }
            if (loaded != null) {
                LOG.warn("{} is at change {} but the journal reaches {}{}; rebuilding it from the journal", file,
                        loaded.sequence(), sequence, loaded.sequence() == sequence ? " and their models differ" : "");
                loaded.db().close();
            } else if (Files.exists(file)) {
                LOG.warn("rebuilding {} from the journal ({} changes)", file, sequence);
            }
            MapDbModel.moveAside(file);
            MapDbModel rebuilt = MapDbModel.create(file, model, sequence);
            return new DefinitionStore(directory, options.journalCompactBytes(), model, journal, rebuilt, sequence);
        } catch (IOException | RuntimeException e) {
            journal.close();
            throw e;
        }
    }

    /**
     * The committed definitions in {@code directory}, read from the journal alone and without writing
     * anything: for a reader beside a running broker, which holds the directory. MapDB is not read (the
     * journal is what it is rebuilt from, and it may be mid-commit).
     *
     * @throws java.nio.file.NoSuchFileException if there is no journal: no broker ever stored definitions there
     */
    public static Definitions readCommitted(Path directory) throws IOException {
        Model model = new Model();
        Journal.read(directory.resolve(JOURNAL), (sequence, change) -> {
            model.validate(change);
            model.apply(change);
        });
        return model.snapshot();
    }

    /**
     * Applies one change durably. The future completes, on the store's thread, once the change is in the
     * forced journal (and so survives a crash); it fails with {@link IllegalArgumentException} if the
     * change does not fit the model (no such vhost, a non-durable queue, a binding to nothing) and with
     * {@link UncheckedIOException} if the journal cannot be written. A change that changes nothing
     * (a repeated put, a delete of something absent) completes without writing.
     */
    public CompletableFuture<Void> apply(Change change) {
        java.util.function.Function<Change, CompletableFuture<Void>> via = upstream;
        return via == null ? applyLocally(change) : via.apply(change);
    }

    /**
     * From now on {@link #apply} hands every change to {@code upstream} (a cluster's replicated log) instead of
     * writing it here; whoever hears the changes {@code upstream} commits writes them here with
     * {@link #applyLocally}, so that this store stays a copy of the replicated model.
     */
    public void replicateThrough(java.util.function.Function<Change, CompletableFuture<Void>> upstream) {
        this.upstream = upstream;
    }

    /** {@link #apply} as without {@link #replicateThrough}: validates and writes the change here. */
    public CompletableFuture<Void> applyLocally(Change change) {
        return CompletableFuture.runAsync(() -> applyNow(change), thread);
    }

    /**
     * Writes a change the replicated log committed at {@code index}, then records that index as
     * {@link #replicatedIndex()}. A change this copy refuses (it does not fit the model here) is recorded too, so
     * that it is not offered again; one the journal could not take is not.
     */
    public CompletableFuture<Void> applyLocally(Change change, long index) {
        return CompletableFuture.runAsync(() -> {
            try {
                applyNow(change);
            } catch (IllegalArgumentException refused) {
                markReplicated(index);
                throw refused;
            }
            markReplicated(index);
        }, thread);
    }

    /**
     * The position in the replicated log of the last change this store took, or -1 if it never took one (a
     * single node, a first boot): what the log holds up to there is in this store already.
     */
    public long replicatedIndex() {
        return replicatedIndex;
    }

    private void markReplicated(long index) {
        if (index <= replicatedIndex) {
            return;
        }
        try {
            if (replicatedFile == null) {
                replicatedFile = java.nio.channels.FileChannel.open(directory.resolve(REPLICATED_INDEX),
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
            }
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0, index);
            while (bytes.hasRemaining()) {
                replicatedFile.write(bytes, bytes.position());
            }
            replicatedFile.force(false);
            replicatedIndex = index;
        } catch (IOException e) {
            // The change is in the journal; a stale index only means it is offered again after a restart.
            LOG.error("recording replicated index {} in {} failed", index, directory, e);
        }
    }

    /** The changes that turn {@code from} into {@code to}: deletes of what {@code to} lacks, then puts, parents first. */
    public static List<Change> changesBetween(Definitions from, Definitions to) {
        return DefinitionDiff.changes(from, to);
    }

    /**
     * Makes this store hold exactly {@code target} (a replicated model, which wins over this copy): deletes
     * what {@code target} lacks, then puts what differs, parents first. Completes once all of it is written.
     */
    public CompletableFuture<Void> replaceLocally(Definitions target, long index) {
        return CompletableFuture.runAsync(() -> {
            for (Change change : DefinitionDiff.changes(model.snapshot(), target)) {
                applyNow(change);
            }
            markReplicated(index);
        }, thread);
    }

    /** A copy of the whole model. */
    public Definitions snapshot() {
        if (Thread.currentThread() == owner) {
            return model.snapshot(); // called from an apply continuation: waiting on ourselves would deadlock
        }
        try {
            return CompletableFuture.supplyAsync(model::snapshot, thread).join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private void applyNow(Change change) {
        if (journalFailure != null) {
            throw new UncheckedIOException(new IOException("the definitions journal failed earlier; restart the broker",
                    journalFailure));
        }
        model.validate(change);
        try {
            journal.append(sequence + 1, change);
        } catch (Journal.DamagedException e) {
            journalFailure = e;
            LOG.error("writing the definitions journal in {} failed; refusing further changes", directory, e);
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            // Cut off again: the journal, the model and MapDB are as they were, and take the next change.
            LOG.error("writing a change to the definitions journal in {} failed; the change is not made", directory, e);
            throw new UncheckedIOException(e);
        }
        sequence++;
        List<Model.Effect> effects = model.apply(change);
        commitToMapDb(effects);
        compactIfLarge();
    }

    private void commitToMapDb(List<Model.Effect> effects) {
        if (mapDb == null) {
            return;
        }
        try {
            mapDb.commit(effects, sequence);
        } catch (RuntimeException e) {
            // The change is safe in the journal; MapDB stays behind and is rebuilt at the next open.
            LOG.error("MapDB commit in {} failed; continuing on the journal alone until restart", directory, e);
            try {
                mapDb.close();
            } catch (RuntimeException ignored) {
                // already failing
            }
            mapDb = null;
        }
    }

    private void compactIfLarge() {
        try {
            if (journal.size() > compactAt) {
                journal.compact(sequence, model.asChanges());
                compactAt = Math.max(compactBytes, 2 * journal.size());
                LOG.debug("definitions journal compacted to {} bytes ({} objects)", journal.size(), model.size());
            }
        } catch (Journal.DamagedException e) {
            journalFailure = e;
            LOG.error("compacting the definitions journal in {} failed; refusing further changes", directory, e);
        } catch (IOException | RuntimeException e) {
            // The old journal is whole and in use: keep going, and try again once it has grown as much again.
            compactAt = Math.max(compactAt, 2 * journalSizeOr(compactAt));
            LOG.error("compacting the definitions journal in {} failed; it stays as it was", directory, e);
        }
    }

    private long journalSizeOr(long fallback) {
        try {
            return journal.size();
        } catch (IOException e) {
            return fallback;
        }
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("definition changes still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            journal.close();
        } catch (IOException e) {
            LOG.warn("closing the definitions journal failed", e);
        }
        if (mapDb != null) {
            mapDb.close();
        }
        if (replicatedFile != null) {
            try {
                replicatedFile.close();
            } catch (IOException e) {
                LOG.warn("closing {} failed", REPLICATED_INDEX, e);
            }
        }
    }
}
