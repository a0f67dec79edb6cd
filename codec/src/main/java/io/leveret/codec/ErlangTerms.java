package io.leveret.codec;

import io.netty.buffer.ByteBuf;

/**
 * Binaries printed as RabbitMQ's Erlang prints them in reply texts, so that ours read the same:
 * {@code ~w} always as numbers ({@code <<0,0,5,97,98>>}), {@code ~p} as a quoted string when every byte is
 * printable Latin-1 ({@code <<"abc">>}).
 */
public final class ErlangTerms {
    private ErlangTerms() {
    }

    /** {@code ~w}: {@code <<1,2,3>>}. */
    public static String w(ByteBuf bytes, int from, int length) {
        StringBuilder sb = new StringBuilder("<<");
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(bytes.getUnsignedByte(from + i));
        }
        return sb.append(">>").toString();
    }

    /** {@code ~p}: {@code <<"text">>} when printable, else as {@link #w}. */
    public static String p(ByteBuf bytes, int from, int length) {
        if (length == 0 || !printable(bytes, from, length)) {
            return w(bytes, from, length);
        }
        StringBuilder sb = new StringBuilder("<<\"");
        for (int i = 0; i < length; i++) {
            int c = bytes.getUnsignedByte(from + i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 0x0B -> sb.append("\\v");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case 0x1B -> sb.append("\\e");
                default -> sb.append((char) c);
            }
        }
        return sb.append("\">>").toString();
    }

    /** Erlang's io_lib:printable_latin1_list. */
    private static boolean printable(ByteBuf bytes, int from, int length) {
        for (int i = 0; i < length; i++) {
            int c = bytes.getUnsignedByte(from + i);
            boolean ok = c >= 32 && c <= 126 || c >= 160 || c == '\n' || c == '\r' || c == '\t' || c == 0x0B
                    || c == '\b' || c == '\f' || c == 0x1B;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * RabbitMQ's frame_error prefix: {@code type 1, all octets = <<...>>}, or {@code first 16 octets} when the
     * payload is longer.
     */
    public static String frameSnippet(int type, ByteBuf payload) {
        int n = payload == null ? 0 : payload.readableBytes();
        int shown = Math.min(n, 16);
        return "type " + type + ", " + (n <= 16 ? "all" : "first 16") + " octets = "
                + (payload == null ? "<<>>" : p(payload, payload.readerIndex(), shown));
    }
}
