package io.leveret.server.cluster.queues;

import java.util.Arrays;

/**
 * A message as the queue machine holds it. For now the bytes travel in the Raft log and live in the machine;
 * keeping them behind this type lets them move out of the log (a reference to a message store) later without
 * touching the machine's rules, which only ever ask for the size.
 */
public final class Body {
    public static final Body EMPTY = new Body(new byte[0]);

    private final byte[] bytes;

    private Body(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Takes {@code bytes} without a copy: the caller hands them over and must not change them afterwards. */
    public static Body of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Body(bytes);
    }

    /** The size max-length-bytes counts. */
    public int size() {
        return bytes.length;
    }

    /** The bytes themselves, not a copy: read them, never change them. */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Body other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Body[" + bytes.length + " bytes]";
    }
}
