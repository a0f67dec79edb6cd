package io.leveret.store;

/**
 * Sizes the store works with. {@link #defaults()} is what a broker uses; tests shrink the files to
 * exercise rollover and reclamation quickly.
 *
 * @param segmentBytes a message segment file is closed and a new one started once it would grow past
 *                     this; a single larger message gets a segment of its own
 * @param ackFileBytes an acknowledgement log file is closed and a new one started past this
 * @param maxMessageBytes the largest properties + body accepted by {@code append}, and the largest
 *                        record length believed when reading a file back
 * @param journalCompactBytes the definitions journal is rewritten as a snapshot once it grows past this
 */
public record StoreOptions(int segmentBytes, int ackFileBytes, int maxMessageBytes, int journalCompactBytes) {
    public static final int MIB = 1 << 20;

    public StoreOptions {
        if (segmentBytes < 4096 || ackFileBytes < 4096 || maxMessageBytes < 1 || journalCompactBytes < 4096) {
            throw new IllegalArgumentException("store sizes too small: " + segmentBytes + ", "
                    + ackFileBytes + ", " + maxMessageBytes + ", " + journalCompactBytes);
        }
        if (maxMessageBytes > Integer.MAX_VALUE - 64 * 1024) {
            throw new IllegalArgumentException("maxMessageBytes too large: " + maxMessageBytes);
        }
    }

    /** 64 MiB segments, 8 MiB ack files, 512 MiB messages (RabbitMQ's hard limit), 1 MiB journal. */
    public static StoreOptions defaults() {
        return new StoreOptions(64 * MIB, 8 * MIB, 512 * MIB, MIB);
    }

    public StoreOptions withSegmentBytes(int bytes) {
        return new StoreOptions(bytes, ackFileBytes, maxMessageBytes, journalCompactBytes);
    }

    public StoreOptions withAckFileBytes(int bytes) {
        return new StoreOptions(segmentBytes, bytes, maxMessageBytes, journalCompactBytes);
    }

    public StoreOptions withJournalCompactBytes(int bytes) {
        return new StoreOptions(segmentBytes, ackFileBytes, maxMessageBytes, bytes);
    }
}
