package io.leveret.store.messages;

/**
 * Where a message is stored, and its identity: segment number, byte offset of its frame in that
 * segment, and the frame's length. This is the small index entry a broker keeps in heap per message
 * instead of the body; {@link MessageStore#read(Location)} fetches the rest.
 */
public record Location(long segment, int offset, int length) implements Comparable<Location> {
    @Override
    public int compareTo(Location other) {
        int bySegment = Long.compare(segment, other.segment);
        return bySegment != 0 ? bySegment : Integer.compare(offset, other.offset);
    }

    /** True if this message was appended before {@code other}. */
    public boolean isBefore(Location other) {
        return compareTo(other) < 0;
    }
}
