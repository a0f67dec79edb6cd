package io.leveret.store.definitions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The definitions model without a journal of its own, for a replicated log that orders and keeps the
 * changes itself (the cluster's metadata group): the same rules ({@link #validate}), the same
 * {@link #apply} and the same encodings as {@link DefinitionStore}, so a change means the same thing in the
 * journal and in the replicated log. Snapshots are files in the journal's format whose header carries the
 * log index they cover.
 *
 * <p>Not thread-safe: its owner applies changes from one thread and guards any reader.
 */
public final class DefinitionReplica {
    private Model model = new Model();

    /** The bytes of {@code change}, as the journal writes them (a version byte first). */
    public static byte[] encode(Change change) {
        return DefinitionCodec.encode(change);
    }

    /** The change {@link #encode} wrote; {@link IOException} for bytes it did not write. */
    public static Change decode(byte[] bytes) throws IOException {
        return DefinitionCodec.decodeChange(bytes);
    }

    /** Throws {@link IllegalArgumentException} naming the reason if {@code change} does not fit the model now. */
    public void validate(Change change) {
        model.validate(change);
    }

    /** Validates, then applies; a change that does not fit throws and leaves the model as it was. */
    public void apply(Change change) {
        model.validate(change);
        model.apply(change);
    }

    /** A copy of the whole model, sorted by identity. */
    public Definitions definitions() {
        return model.snapshot();
    }

    /** Writes the model, as the changes that rebuild it, to {@code file} and forces it. */
    public void writeSnapshot(Path file, long index) throws IOException {
        Journal.writeFile(file, index, model.asChanges());
    }

    /** Replaces the model by the one in a {@link #writeSnapshot} file; returns the index it covers. */
    public long readSnapshot(Path file) throws IOException {
        Model loaded = new Model();
        long index = Journal.read(file, (sequence, change) -> {
            loaded.validate(change);
            loaded.apply(change);
        });
        model = loaded;
        return index;
    }

    /** Forgets everything: the model of a log that starts from its first entry. */
    public void clear() {
        model = new Model();
    }

    /** The changes that rebuild the model from nothing, parents first. */
    public List<Change> asChanges() {
        return model.asChanges();
    }
}
