package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;

/**
 * The arguments and message fields of message deduplication (as the rabbitmq-message-deduplication plugin
 * names them): the {@code x-message-deduplication} flag on an exchange or queue, the cache's
 * {@code x-cache-size} and {@code x-cache-ttl}, and a message's key.
 */
public final class Deduplication {
    public static final String ENABLED = "x-message-deduplication";
    public static final String CACHE_SIZE = "x-cache-size";
    public static final String CACHE_TTL = "x-cache-ttl";
    public static final String CACHE_PERSISTENCE = "x-cache-persistence";
    public static final String HEADER = "x-deduplication-header";

    private Deduplication() {
    }

    /** True if {@code arguments} turn deduplication on (x-message-deduplication = true). */
    public static boolean enabled(FieldTable arguments) {
        FieldValue v = arguments.field(ENABLED);
        return v != null && v.type() == 't' && Boolean.TRUE.equals(v.value());
    }

    /**
     * A positive integer argument as the plugin reads it (an integer, or a string of one); -1 when absent,
     * 0 when present but not a positive integer.
     */
    public static long positive(FieldTable arguments, String name) {
        FieldValue v = arguments.field(name);
        if (v == null) {
            return -1;
        }
        long n = 0;
        if (v.isInteger()) {
            n = v.longValue();
        } else if (v.type() == 'S') {
            try {
                n = Long.parseLong(v.stringValue());
            } catch (NumberFormatException e) {
                n = 0;
            }
        }
        return Math.max(0, n);
    }

    /** The exchange cache {@code arguments} ask for, or null when deduplication is off. */
    static DeduplicationCache exchangeCache(FieldTable arguments) {
        if (!enabled(arguments)) {
            return null;
        }
        long size = positive(arguments, CACHE_SIZE);
        return new DeduplicationCache((int) Math.min(Integer.MAX_VALUE, Math.max(1, size)),
                positive(arguments, CACHE_TTL) > 0 ? positive(arguments, CACHE_TTL) : -1);
    }

    /**
     * The key {@code m} is deduplicated by: its x-deduplication-header header, else its message_id
     * property; null when it has neither (it is never a duplicate).
     */
    static String key(Message m) {
        FieldTable headers = m.properties().headers();
        FieldValue v = headers == null ? null : headers.field(HEADER);
        if (v != null && v.type() != 'V') {
            return v.type() == 'S' ? v.stringValue() : v.type() + ":" + v.value();
        }
        return m.properties().messageId();
    }

    /** The message's own x-cache-ttl header (ms), or -1. */
    static long messageTtl(Message m) {
        FieldTable headers = m.properties().headers();
        if (headers == null) {
            return -1;
        }
        long ttl = positive(headers, CACHE_TTL);
        return ttl > 0 ? ttl : -1;
    }
}
