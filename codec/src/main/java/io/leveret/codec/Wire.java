package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * AMQP's primitive field types (spec 4.2.5) on a ByteBuf. Every read checks its length against the bytes
 * that remain before it allocates, and reports bad input as a {@link CodecException} with 502 SYNTAX_ERROR.
 */
public final class Wire {
    private Wire() {
    }

    static void need(ByteBuf in, long n, String what) {
        if (n < 0 || in.readableBytes() < n) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR,
                    "truncated " + what + ": needs " + n + " bytes, " + in.readableBytes() + " left");
        }
    }

    public static int readOctet(ByteBuf in) {
        need(in, 1, "octet");
        return in.readUnsignedByte();
    }

    public static int readShort(ByteBuf in) {
        need(in, 2, "short");
        return in.readUnsignedShort();
    }

    public static long readLong(ByteBuf in) {
        need(in, 4, "long");
        return in.readUnsignedInt();
    }

    public static long readLonglong(ByteBuf in) {
        need(in, 8, "longlong");
        return in.readLong();
    }

    public static String readShortstr(ByteBuf in) {
        int len = readOctet(in);
        need(in, len, "short string");
        String s = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return s;
    }

    public static LongString readLongstr(ByteBuf in) {
        long len = readLong(in);
        need(in, len, "long string");
        byte[] bytes = new byte[(int) len];
        in.readBytes(bytes);
        return LongString.wrap(bytes);
    }

    public static void writeOctet(ByteBuf out, int v) {
        out.writeByte(v);
    }

    public static void writeShort(ByteBuf out, int v) {
        out.writeShort(v);
    }

    public static void writeLong(ByteBuf out, long v) {
        out.writeInt((int) v);
    }

    public static void writeLonglong(ByteBuf out, long v) {
        out.writeLong(v);
    }

    /** Writes a short string; one over 255 UTF-8 bytes is a programming error here, not bad input. */
    public static void writeShortstr(ByteBuf out, String s) {
        int lenIndex = out.writerIndex();
        out.writeByte(0);
        int len = out.writeCharSequence(s, StandardCharsets.UTF_8);
        if (len > 255) {
            out.writerIndex(lenIndex);
            throw new IllegalArgumentException("short string longer than 255 bytes: " + len);
        }
        out.setByte(lenIndex, len);
    }

    public static void writeLongstr(ByteBuf out, LongString s) {
        byte[] b = s.unsafeBytes();
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    public static FieldTable readTable(ByteBuf in, int maxDepth) {
        return readTable(in, maxDepth, 1);
    }

    private static FieldTable readTable(ByteBuf in, int maxDepth, int depth) {
        if (depth > maxDepth) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR, "field table nested deeper than " + maxDepth);
        }
        long len = readLong(in);
        need(in, len, "field table");
        if (len == 0) {
            return FieldTable.EMPTY;
        }
        ByteBuf table = in.readSlice((int) len);
        FieldTable.Builder b = FieldTable.builder();
        while (table.isReadable()) {
            String name = readShortstr(table);
            b.put(name, readValue(table, maxDepth, depth));
        }
        return b.build();
    }

    private static List<FieldValue> readArray(ByteBuf in, int maxDepth, int depth) {
        if (depth > maxDepth) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR, "field array nested deeper than " + maxDepth);
        }
        long len = readLong(in);
        need(in, len, "field array");
        ByteBuf array = in.readSlice((int) len);
        List<FieldValue> values = new ArrayList<>();
        while (array.isReadable()) {
            values.add(readValue(array, maxDepth, depth));
        }
        return List.copyOf(values);
    }

    private static FieldValue readValue(ByteBuf in, int maxDepth, int depth) {
        char type = (char) readOctet(in);
        Object v = switch (type) {
            case 't' -> readOctet(in) != 0;
            case 'b' -> { need(in, 1, "byte"); yield in.readByte(); }
            case 'B' -> readOctet(in);
            case 's' -> { need(in, 2, "short"); yield in.readShort(); }
            case 'u' -> readShort(in);
            case 'I' -> { need(in, 4, "int"); yield in.readInt(); }
            case 'i' -> readLong(in);
            case 'l', 'L' -> readLonglong(in);
            case 'f' -> { need(in, 4, "float"); yield in.readFloat(); }
            case 'd' -> { need(in, 8, "double"); yield in.readDouble(); }
            case 'D' -> {
                int scale = readOctet(in);
                need(in, 4, "decimal");
                yield new BigDecimal(BigInteger.valueOf(in.readInt()), scale);
            }
            case 'S', 'x' -> readLongstr(in);
            case 'A' -> readArray(in, maxDepth, depth + 1);
            case 'T' -> readTimestamp(in);
            case 'F' -> readTable(in, maxDepth, depth + 1);
            case 'V' -> null;
            default -> throw new CodecException(ReplyCode.SYNTAX_ERROR,
                    "unknown field table type '" + printable(type) + "'");
        };
        return new FieldValue(type, v);
    }

    /**
     * A 'T' value is 64 bits of seconds, but an Instant stops near year 1e9: a value past that is bad input
     * (502), not an unchecked DateTimeException.
     */
    private static Instant readTimestamp(ByteBuf in) {
        long seconds = readLonglong(in);
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR, "timestamp out of range: " + Long.toUnsignedString(seconds));
        }
        return Instant.ofEpochSecond(seconds);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    public static void writeTable(ByteBuf out, FieldTable table) {
        int lenIndex = out.writerIndex();
        out.writeInt(0);
        for (var e : table.entries().entrySet()) {
            writeShortstr(out, e.getKey());
            writeValue(out, e.getValue());
        }
        out.setInt(lenIndex, out.writerIndex() - lenIndex - 4);
    }

    private static void writeValue(ByteBuf out, FieldValue fv) {
        out.writeByte(fv.type());
        Object v = fv.value();
        switch (fv.type()) {
            case 't' -> out.writeByte((Boolean) v ? 1 : 0);
            case 'b' -> out.writeByte((Byte) v);
            case 'B' -> out.writeByte((Integer) v);
            case 's' -> out.writeShort((Short) v);
            case 'u' -> out.writeShort((Integer) v);
            case 'I' -> out.writeInt((Integer) v);
            case 'i' -> out.writeInt((int) (long) (Long) v);
            case 'l', 'L' -> out.writeLong((Long) v);
            case 'f' -> out.writeFloat((Float) v);
            case 'd' -> out.writeDouble((Double) v);
            case 'D' -> {
                BigDecimal d = (BigDecimal) v;
                out.writeByte(d.scale());
                out.writeInt(d.unscaledValue().intValueExact());
            }
            case 'S', 'x' -> writeLongstr(out, (LongString) v);
            case 'A' -> {
                int lenIndex = out.writerIndex();
                out.writeInt(0);
                for (FieldValue e : fv.arrayValue()) {
                    writeValue(out, e);
                }
                out.setInt(lenIndex, out.writerIndex() - lenIndex - 4);
            }
            case 'T' -> out.writeLong(((Instant) v).getEpochSecond());
            case 'F' -> writeTable(out, (FieldTable) v);
            case 'V' -> { }
            default -> throw new IllegalStateException("unknown field type " + fv.type());
        }
    }
}
