package io.leveret.server.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The UI's static files: what is served, with which headers, and what never is. */
class UiFilesTest {
    private final UiFiles files = new UiFiles();

    private FullHttpResponse get(HttpMethod method, String uri, String ifNoneMatch) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        if (ifNoneMatch != null) {
            req.headers().set(HttpHeaderNames.IF_NONE_MATCH, ifNoneMatch);
        }
        try {
            return files.answer(req);
        } finally {
            req.release();
        }
    }

    private FullHttpResponse get(String uri) {
        return get(HttpMethod.GET, uri, null);
    }

    private static String contentType(FullHttpResponse r) {
        try {
            assertEquals(200, r.status().code());
            return r.headers().get(HttpHeaderNames.CONTENT_TYPE);
        } finally {
            r.release();
        }
    }

    @Test
    void servesEachKindOfFileWithItsContentType() {
        assertEquals("text/html; charset=utf-8", contentType(get("/")));
        assertEquals("text/html; charset=utf-8", contentType(get("/index.html")));
        assertEquals("text/javascript; charset=utf-8", contentType(get("/js/app.js")));
        assertEquals("text/javascript; charset=utf-8", contentType(get("/js/pages/queue.js?v=1")));
        assertEquals("text/css; charset=utf-8", contentType(get("/ui.css")));
        assertEquals("image/svg+xml", contentType(get("/favicon.svg")));
    }

    @Test
    void theIndexIsTheUisPageAndCarriesCachingAndSecurityHeaders() {
        FullHttpResponse r = get("/");
        try {
            assertTrue(r.content().toString(StandardCharsets.UTF_8).contains("<script type=\"module\" src=\"js/app.js\">"));
            assertEquals("no-cache", r.headers().get(HttpHeaderNames.CACHE_CONTROL));
            assertEquals("nosniff", r.headers().get("X-Content-Type-Options"));
            assertTrue(r.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY).startsWith("default-src 'self'"));
            assertNotNull(r.headers().get(HttpHeaderNames.ETAG));
        } finally {
            r.release();
        }
    }

    @Test
    void aMatchingEtagIsAnsweredWithoutTheBody() {
        FullHttpResponse first = get("/js/app.js");
        String etag = first.headers().get(HttpHeaderNames.ETAG);
        first.release();
        FullHttpResponse again = get(HttpMethod.GET, "/js/app.js", etag);
        try {
            assertEquals(304, again.status().code());
            assertEquals(0, again.content().readableBytes());
            assertEquals(etag, again.headers().get(HttpHeaderNames.ETAG));
        } finally {
            again.release();
        }
        FullHttpResponse changed = get(HttpMethod.GET, "/js/app.js", "\"something-else\"");
        assertEquals(200, changed.status().code());
        changed.release();
    }

    @Test
    void headIsServedAndOtherMethodsAreNot() {
        FullHttpResponse head = get(HttpMethod.HEAD, "/", null);
        assertEquals(200, head.status().code());
        head.release();
        assertNull(get(HttpMethod.POST, "/", null));
        assertNull(get(HttpMethod.PUT, "/index.html", null));
        assertNull(get(HttpMethod.DELETE, "/index.html", null));
    }

    @Test
    void aMissingFileIsNotAnswered() {
        assertNull(get("/missing.js"));
        assertNull(get("/js/"));
        assertNull(get("/js"));
        assertNull(get("/index.html/"));
        // A class file sits on the same classpath but is no UI file.
        assertNull(get("/UiFiles.class"));
    }

    @Test
    void noPathLeavesTheUiDirectory() {
        for (String uri : new String[] {"/../ui/index.html", "/js/../index.html", "/js/./app.js", "/./index.html",
                "/%2e%2e/ui/index.html", "/js/%2e%2e/index.html", "/%2E%2E/%2E%2E/logback.xml", "/js%2f..%2findex.html",
                "/..%2findex.html", "/js/%2e%2e%2findex.html", "/%2fetc%2fpasswd", "//etc/passwd", "/js\\..\\index.html",
                "/%00index.html", "/index.html%00.js", "/%c0%ae%c0%ae/index.html", "/%", "/%zz"}) {
            assertNull(UiFiles.resourceName(uri.split("\\?")[0]), uri);
            assertNull(get(uri), uri);
        }
    }

    @Test
    void resourceNamesStayUnderTheUiRoot() {
        assertEquals("io/leveret/server/ui/index.html", UiFiles.resourceName("/"));
        assertEquals("io/leveret/server/ui/js/pages/queue.js", UiFiles.resourceName("/js/pages/queue.js"));
        assertEquals("io/leveret/server/ui/js/app.js", UiFiles.resourceName("/js/%61pp.js"));
    }
}
