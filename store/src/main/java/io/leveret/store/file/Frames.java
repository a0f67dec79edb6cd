package io.leveret.store.file;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame of every record in every store file: {@code int length, int crc32c(payload), payload}.
 * The checksum is what lets recovery tell a torn or flipped tail from a real record.
 */
public final class Frames {
    /** Bytes before the payload: length and checksum. */
    public static final int OVERHEAD = 8;

    private Frames() {
    }

    /** CRC32C of the remaining bytes of {@code payload}, leaving its position unchanged. */
    public static int crc(ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Frames a payload already written at {@code out[start + OVERHEAD, out.position())}: fills in
     * the length and checksum before it.
     */
    public static void seal(ByteBuffer out, int start) {
        int length = out.position() - start - OVERHEAD;
        ByteBuffer payload = out.duplicate().position(start + OVERHEAD).limit(out.position());
        out.putInt(start, length);
        out.putInt(start + 4, crc(payload));
    }

    /** A heap buffer holding one framed payload. */
    public static ByteBuffer frame(byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD + payload.length);
        out.position(OVERHEAD).put(payload);
        seal(out, 0);
        return out.flip();
    }
}
