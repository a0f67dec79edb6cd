package io.leveret.store;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Bytes the store keeps but does not interpret: queue and exchange arguments, policy definitions and
 * password hashes, encoded by the broker (e.g. as an AMQP field table). Immutable, compared by content —
 * which a {@code byte[]} record component would not be.
 */
public final class Blob {
    public static final Blob EMPTY = new Blob(new byte[0]);

    private final byte[] bytes;

    private Blob(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Blob of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new Blob(bytes.clone());
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Blob blob && Arrays.equals(bytes, blob.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length <= 32 ? "Blob[" + HexFormat.of().formatHex(bytes) + "]" : "Blob[" + bytes.length + " bytes]";
    }
}
