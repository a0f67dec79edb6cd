package io.leveret.server.management;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a raw request path at '/' and then percent-decodes each segment on its own, as Cowboy does: a
 * vhost {@code /} travels as {@code %2F} and stays one segment. '+' is a plus sign in a path. One trailing
 * slash is dropped ({@code /api/vhosts/} is {@code /api/vhosts}); an empty segment elsewhere stays empty.
 */
public final class PathDecoder {
    private PathDecoder() {
    }

    /** The decoded segments of {@code rawPath} (without query), or null if it is not a valid path. */
    static List<String> segments(String rawPath) {
        if (!rawPath.startsWith("/")) {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        int n = parts.length;
        if (n > 1 && parts[n - 1].isEmpty()) {
            n--;
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String s = decode(parts[i]);
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return out;
    }

    /** One segment, %XX sequences as UTF-8 bytes; null for a broken escape or invalid UTF-8. */
    public static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    return null;
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x100) {
                // Netty hands the request line over as ISO-8859-1: each char is one octet of the wire.
                bytes.write(c);
            } else {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
