package io.leveret.server.cluster.queues;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Variable-length integers, strings and byte strings in a growable array, and a reader that checks every length. */
final class Wire {
    private Wire() {
    }

    static final class Out {
        private byte[] buf;
        private int pos;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        Out writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
            return this;
        }

        /** An unsigned LEB128 varint: small counts and ids take one or two bytes. */
        Out writeVarLong(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
            return this;
        }

        /** Zig-zag, so that -1 (no limit) is one byte too. */
        Out writeSignedVarLong(long v) {
            return writeVarLong((v << 1) ^ (v >> 63));
        }

        Out writeBytes(byte[] bytes) {
            writeVarLong(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
            return this;
        }

        Out writeString(String s) {
            return writeBytes(s.getBytes(StandardCharsets.UTF_8));
        }

        int size() {
            return pos;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reads what {@link Out} wrote; anything malformed or running past the end is an IllegalArgumentException. */
    static final class In {
        private final byte[] buf;
        private int pos;
        private final int end;

        In(byte[] buf) {
            this(buf, 0, buf.length);
        }

        In(byte[] buf, int offset, int length) {
            this.buf = buf;
            this.pos = offset;
            this.end = offset + length;
        }

        int readByte() {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated at byte " + pos);
            }
            return buf[pos++] & 0xFF;
        }

        long readVarLong() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = readByte();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("a varint longer than 10 bytes at byte " + pos);
        }

        long readSignedVarLong() {
            long v = readVarLong();
            return (v >>> 1) ^ -(v & 1);
        }

        int readInt() {
            long v = readSignedVarLong();
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("an int out of range: " + v);
            }
            return (int) v;
        }

        /** A count of items that take at least one byte each: never more than the bytes left. */
        int readCount() {
            long n = readVarLong();
            if (n > end - pos) {
                throw new IllegalArgumentException("a count of " + n + " with " + (end - pos) + " bytes left");
            }
            return (int) n;
        }

        byte[] readBytes() {
            int n = readCount();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        String readString() {
            int n = readCount();
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        int remaining() {
            return end - pos;
        }

        boolean atEnd() {
            return pos == end;
        }
    }
}
