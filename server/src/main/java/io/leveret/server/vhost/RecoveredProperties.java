package io.leveret.server.vhost;

import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.RecoveredMessage;
import io.leveret.store.messages.StoredMessage;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a priority or deduplicating queue needs to know of its recovered messages before it can order them:
 * each one's priority and deduplication key, read from the log at boot on the booting thread (the log's
 * records are opaque to the queue), never on the queue's own thread, which is a network loop.
 */
final class RecoveredProperties {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveredProperties.class);
    /** Messages read per batch: the log reads runs of neighbouring records at once. */
    private static final int BATCH = 256;

    private final Integer[] priorities;
    private final String[] keys;
    private final boolean[] readable;

    private RecoveredProperties(int n) {
        priorities = new Integer[n];
        keys = new String[n];
        readable = new boolean[n];
    }

    /** Reads the properties of {@code messages}; one that cannot be read is dropped (logged, and acked in the log). */
    static RecoveredProperties read(MessageStore store, List<RecoveredMessage> messages, Queue queue) {
        RecoveredProperties p = new RecoveredProperties(messages.size());
        Location[] locations = new Location[BATCH];
        StoredMessage[] stored = new StoredMessage[BATCH];
        IOException[] failures = new IOException[BATCH];
        for (int from = 0; from < messages.size(); from += BATCH) {
            int n = Math.min(BATCH, messages.size() - from);
            for (int i = 0; i < n; i++) {
                locations[i] = messages.get(from + i).location();
                stored[i] = null;
                failures[i] = null;
            }
            store.read(locations, n, stored, failures);
            for (int i = 0; i < n; i++) {
                Message m = null;
                try {
                    if (failures[i] != null) {
                        throw failures[i];
                    }
                    m = Persistence.message(stored[i]);
                    p.priorities[from + i] = m.properties().priority();
                    p.keys[from + i] = Deduplication.key(m);
                    p.readable[from + i] = true;
                } catch (IOException | RuntimeException e) {
                    LOG.error("{}: cannot read message at {} back from the message log; it is dropped", queue,
                            locations[i], e);
                    store.ack(queue.storeName(), locations[i]);
                } finally {
                    if (m != null) {
                        m.release();
                    }
                }
            }
        }
        return p;
    }

    boolean readable(int i) {
        return readable[i];
    }

    Integer priority(int i) {
        return priorities[i];
    }

    String deduplicationKey(int i) {
        return keys[i];
    }
}
