package io.leveret.store.definitions;

import io.leveret.store.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model in MapDB: one map per kind of definition, keyed by the identity bytes (vhost + name and so
 * on), valued by the versioned record encoding, plus a meta map with the format version and the last
 * journal sequence applied. Opened on the FileChannel volume with transactions; one commit per change.
 * Values are our own bytes: MapDB's default serializer cannot handle Java 17 records.
 */
final class MapDbModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MapDbModel.class);
    static final int FORMAT = 1;
    private static final byte[] FORMAT_KEY = {'f'};
    private static final byte[] SEQUENCE_KEY = {'s'};

    private final DB db;
    private final Map<Model.Table, HTreeMap<byte[], byte[]>> tables = new EnumMap<>(Model.Table.class);
    private final HTreeMap<byte[], byte[]> meta;

    private MapDbModel(DB db) {
        this.db = db;
        for (Model.Table table : Model.Table.values()) {
            tables.put(table, db.hashMap(table.name().toLowerCase(), Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .createOrOpen());
        }
        meta = db.hashMap("meta", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
    }

    private static MapDbModel open(Path file) {
        return new MapDbModel(DBMaker.fileDB(file.toFile()).fileChannelEnable().transactionEnable().make());
    }

    /** An opened MapDB file with what it holds. */
    record Loaded(MapDbModel db, long sequence, Model model) {
    }

    /**
     * Opens and reads the whole MapDB file. Returns null, logging why, if it cannot be opened or read — the
     * caller rebuilds it. A file of a newer format is refused, not rebuilt.
     */
    static Loaded load(Path file) throws UnsupportedFormatException {
        if (!Files.exists(file)) {
            return null;
        }
        MapDbModel mapDb = null;
        try {
            mapDb = open(file);
            byte[] format = mapDb.meta.get(FORMAT_KEY);
            if (format != null && ByteBuffer.wrap(format).getInt() > FORMAT) {
                throw new UnsupportedFormatException(file + " has definitions format " + ByteBuffer.wrap(format).getInt()
                        + " but this Leveret reads up to " + FORMAT);
            }
            byte[] sequence = mapDb.meta.get(SEQUENCE_KEY);
            if (format == null || sequence == null) {
                throw new IOException("no format or sequence recorded");
            }
            return new Loaded(mapDb, ByteBuffer.wrap(sequence).getLong(), mapDb.read());
        } catch (UnsupportedFormatException e) {
            closeQuietly(mapDb);
            throw e;
        } catch (Exception | AssertionError | StackOverflowError e) {
            // MapDB reports damage with a variety of exceptions (and, for some, errors); any means "rebuild".
            LOG.warn("{} cannot be read ({}); it will be rebuilt from the journal", file, e.toString());
            closeQuietly(mapDb);
            return null;
        }
    }

    /** Moves the MapDB file (and its write-ahead log files) aside as {@code *.damaged}, replacing earlier ones. */
    static void moveAside(Path file) throws IOException {
        String prefix = file.getFileName().toString();
        try (Stream<Path> entries = Files.list(file.toAbsolutePath().getParent())) {
            for (Path path : entries.toList()) {
                String name = path.getFileName().toString();
                if (name.startsWith(prefix) && !name.endsWith(".damaged")) {
                    Files.move(path, path.resolveSibling(name + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Creates a new MapDB file holding {@code model} at {@code sequence}. */
    static MapDbModel create(Path file, Model model, long sequence) throws IOException {
        MapDbModel mapDb = open(file);
        try {
            Model empty = new Model();
            for (Change change : model.asChanges()) {
                mapDb.write(empty.apply(change));
            }
            mapDb.meta.put(FORMAT_KEY, ByteBuffer.allocate(4).putInt(FORMAT).array());
            mapDb.meta.put(SEQUENCE_KEY, ByteBuffer.allocate(8).putLong(sequence).array());
            mapDb.db.commit();
            return mapDb;
        } catch (RuntimeException e) {
            closeQuietly(mapDb);
            throw new IOException("cannot create " + file + ": " + e, e);
        }
    }

    /** Writes one change's effects and its sequence in one commit. */
    void commit(List<Model.Effect> effects, long sequence) {
        write(effects);
        meta.put(SEQUENCE_KEY, ByteBuffer.allocate(8).putLong(sequence).array());
        db.commit();
    }

    private void write(List<Model.Effect> effects) {
        for (Model.Effect effect : effects) {
            if (effect.value() == null) {
                tables.get(effect.table()).remove(effect.key());
            } else {
                tables.get(effect.table()).put(effect.key(), effect.value());
            }
        }
    }

    private Model read() throws IOException {
        Model model = new Model();
        for (byte[] v : tables.get(Model.Table.VHOSTS).values()) {
            model.apply(new Change.PutVhost(DefinitionCodec.decodeVhost(v)));
        }
        for (byte[] v : tables.get(Model.Table.USERS).values()) {
            model.apply(new Change.PutUser(DefinitionCodec.decodeUser(v)));
        }
        for (byte[] v : tables.get(Model.Table.PERMISSIONS).values()) {
            model.apply(new Change.PutPermission(DefinitionCodec.decodePermission(v)));
        }
        for (byte[] v : tables.get(Model.Table.EXCHANGES).values()) {
            model.apply(new Change.PutExchange(DefinitionCodec.decodeExchange(v)));
        }
        for (byte[] v : tables.get(Model.Table.QUEUES).values()) {
            model.apply(new Change.PutQueue(DefinitionCodec.decodeQueue(v)));
        }
        for (byte[] v : tables.get(Model.Table.BINDINGS).values()) {
            model.apply(new Change.PutBinding(DefinitionCodec.decodeBinding(v)));
        }
        for (byte[] v : tables.get(Model.Table.POLICIES).values()) {
            model.apply(new Change.PutPolicy(DefinitionCodec.decodePolicy(v)));
        }
        for (byte[] v : tables.get(Model.Table.TOPIC_PERMISSIONS).values()) {
            model.apply(new Change.PutTopicPermission(DefinitionCodec.decodeTopicPermission(v)));
        }
        for (byte[] v : tables.get(Model.Table.PARAMETERS).values()) {
            model.apply(new Change.PutParameter(DefinitionCodec.decodeParameter(v)));
        }
        return model;
    }

    private static void closeQuietly(MapDbModel mapDb) {
        if (mapDb != null) {
            try {
                mapDb.db.close();
            } catch (RuntimeException ignored) {
                // a damaged file may fail to close too; it is about to be moved aside
            }
        }
    }

    @Override
    public void close() {
        db.close();
    }
}
