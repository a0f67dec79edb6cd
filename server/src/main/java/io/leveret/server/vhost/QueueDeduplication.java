package io.leveret.server.vhost;

import java.util.HashMap;
import java.util.Map;

/**
 * Queue-level deduplication ({@code x-message-deduplication} on a queue): a message whose key equals that
 * of a message waiting in the queue is dropped. A key is held from enqueue until its message leaves the
 * ready list (handed out, expired, purged). Owned by the queue's thread.
 */
final class QueueDeduplication {
    private final Map<String, Long> byKey = new HashMap<>();
    private final Map<Long, String> bySeq = new HashMap<>();

    /** Null unless the queue's arguments turn deduplication on. */
    static QueueDeduplication of(io.leveret.codec.FieldTable arguments) {
        return Deduplication.enabled(arguments) ? new QueueDeduplication() : null;
    }

    /** True if {@code m} may be enqueued as entry {@code seq}; false for a duplicate of a waiting message. */
    boolean admit(Message m, long seq) {
        return admit(Deduplication.key(m), seq);
    }

    /** {@link #admit(Message, long)} for a message whose key ({@link Deduplication#key}) is {@code key}. */
    boolean admit(String key, long seq) {
        if (key == null) {
            return true;
        }
        if (byKey.putIfAbsent(key, seq) != null) {
            return false;
        }
        bySeq.put(seq, key);
        return true;
    }

    /** Entry {@code seq} left the ready list: its key is free again. */
    void left(long seq) {
        String key = bySeq.remove(seq);
        if (key != null) {
            byKey.remove(key, seq);
        }
    }

    int size() {
        return byKey.size();
    }
}
