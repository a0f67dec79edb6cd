package io.leveret.server.ui;

import io.leveret.server.management.PageHandler;
import io.leveret.server.management.PathDecoder;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the web UI's static files from the classpath ({@value #ROOT}) for GET and HEAD, without
 * credentials: the login page has to load before the user has typed any. The API calls the UI makes
 * carry their own Basic credentials.
 *
 * <p>Paths are decoded segment by segment and every segment must be a plain file name, so neither
 * {@code ..} nor its encoded forms can leave the UI's directory. Files never change while the broker runs
 * but do change between versions without changing name (no build step renames them), so each answer
 * carries an ETag and {@code no-cache}: the browser revalidates and gets a bodiless 304 when nothing
 * changed.
 */
public final class UiFiles implements PageHandler {
    static final String ROOT = "io/leveret/server/ui/";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");
    /*
     * Only the broker itself may be contacted (it runs offline and the API credentials live in the tab),
     * and the UI is never framed by another site.
     */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private record File(byte[] bytes, String type, String etag) {
    }

    private final ClassLoader loader;
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    public UiFiles() {
        this(UiFiles.class.getClassLoader());
    }

    UiFiles(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    public FullHttpResponse answer(FullHttpRequest request) {
        HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            return null;
        }
        String name = resourceName(new QueryStringDecoder(request.uri()).rawPath());
        if (name == null) {
            return null;
        }
        // Only files found are cached: a stream of made-up names must not grow the map.
        File file = cache.get(name);
        if (file == null) {
            file = load(name);
            if (file == null) {
                return null;
            }
            cache.putIfAbsent(name, file);
        }
        FullHttpResponse r;
        String match = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        if (match != null && match.contains(file.etag())) {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        } else {
            r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(file.bytes()));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, file.type());
        }
        r.headers().set(HttpHeaderNames.ETAG, file.etag());
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        r.headers().set("X-Content-Type-Options", "nosniff");
        r.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP);
        r.headers().set("X-Frame-Options", "DENY");
        r.headers().set("Referrer-Policy", "no-referrer");
        return r;
    }

    /** The classpath name for a raw request path, or null when it is not a plain path to a file. */
    static String resourceName(String rawPath) {
        if (rawPath.equals("/")) {
            return ROOT + "index.html";
        }
        if (!rawPath.startsWith("/")) {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        StringBuilder name = new StringBuilder(ROOT);
        for (int i = 0; i < parts.length; i++) {
            // The API's own per-segment decoding; anything it yields beyond ASCII fails the file-name pattern.
            String segment = PathDecoder.decode(parts[i]);
            // "." and ".." fail the pattern's first character; so does an empty segment.
            if (segment == null || !SEGMENT.matcher(segment).matches()) {
                return null;
            }
            name.append(i == 0 ? "" : "/").append(segment);
        }
        return name.toString();
    }

    private File load(String name) {
        // A directory on the classpath has no extension here, and only known file types are served.
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1));
        if (type == null) {
            return null;
        }
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            return new File(bytes, type, etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name + " from the classpath", e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
