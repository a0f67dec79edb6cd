package io.leveret.server.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.server.security.UserDatabase;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handler's order of checks and its JSON bodies, on an EmbeddedChannel with a small route table. */
class HttpHandlerTest {
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        UserDatabase users = new UserDatabase();
        users.put("admin", "secret", Set.of("/"));
        users.putUser(new io.leveret.server.security.User("admin",
                io.leveret.server.security.PasswordHash.of(io.leveret.server.security.PasswordHash.Algorithm.SHA256,
                        "secret"), java.util.List.of("administrator")));
        users.putUser(new io.leveret.server.security.User("plain",
                io.leveret.server.security.PasswordHash.of(io.leveret.server.security.PasswordHash.Algorithm.SHA256,
                        "pw"), java.util.List.of()));
        Router router = new Router();
        router.get("/api/echo/{name}", Tag.MANAGEMENT, req -> Json.object().put("name", req.param("name")));
        router.addSync(HttpMethod.PUT, "/api/echo/{name}", Tag.MANAGEMENT,
                req -> ApiResponse.ok(req.json()));
        router.get("/api/boom", Tag.MANAGEMENT, req -> {
            throw new IllegalStateException("a bug");
        });
        PageHandler pages = req -> req.uri().startsWith("/page")
                ? new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("a page", StandardCharsets.UTF_8))
                : null;
        channel = new EmbeddedChannel(new HttpHandler(router, users, pages));
    }

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private FullHttpResponse call(HttpMethod method, String uri, String user, String password, String body) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (user != null) {
            req.headers().set(HttpHeaderNames.AUTHORIZATION, "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        channel.writeInbound(req);
        channel.runPendingTasks();
        return channel.readOutbound();
    }

    private static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void pathsOutsideTheApiGoToThePageHookWithoutCredentials() {
        FullHttpResponse page = call(HttpMethod.GET, "/page.html", null, null, null);
        assertEquals(200, page.status().code());
        assertEquals("6", page.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        assertEquals("a page", body(page));
        // What the hook declines is the API's 404, as before it existed.
        FullHttpResponse declined = call(HttpMethod.GET, "/other.html", null, null, null);
        assertEquals(404, declined.status().code());
        body(declined);
        // /api and everything under it never reaches the hook, whatever it would answer.
        FullHttpResponse api = call(HttpMethod.GET, "/api/echo/x", null, null, null);
        assertEquals(401, api.status().code());
        body(api);
    }

    @Test
    void answersInRabbitMqsOrder() {
        FullHttpResponse notFound = call(HttpMethod.GET, "/api/nothing", null, null, null);
        assertEquals(404, notFound.status().code());
        assertEquals("{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}", body(notFound));

        FullHttpResponse wrongMethod = call(HttpMethod.POST, "/api/echo/x", null, null, "{}");
        assertEquals(405, wrongMethod.status().code());
        assertEquals("HEAD, GET, PUT, OPTIONS", wrongMethod.headers().get(HttpHeaderNames.ALLOW));
        assertEquals("", body(wrongMethod));

        FullHttpResponse anonymous = call(HttpMethod.GET, "/api/echo/x", null, null, null);
        assertEquals(401, anonymous.status().code());
        assertEquals(HttpHandler.REALM, anonymous.headers().get(HttpHeaderNames.WWW_AUTHENTICATE));
        assertEquals("", body(anonymous));

        FullHttpResponse badPassword = call(HttpMethod.GET, "/api/echo/x", "admin", "wrong", null);
        assertEquals("{\"error\":\"not_authorized\",\"reason\":\"Login failed\"}", body(badPassword));

        FullHttpResponse noTag = call(HttpMethod.GET, "/api/echo/x", "plain", "pw", null);
        assertEquals(401, noTag.status().code());
        assertEquals("{\"error\":\"not_authorised\",\"reason\":\"Not management user\"}", body(noTag));
    }

    @Test
    void decodesSegmentsAndJson() {
        assertEquals("{\"name\":\"a/b\"}", body(call(HttpMethod.GET, "/api/echo/a%2Fb/", "admin", "secret", null)));
        assertEquals("{\"n\":1}", body(call(HttpMethod.PUT, "/api/echo/x", "admin", "secret", "{\"n\":1}")));
        FullHttpResponse bad = call(HttpMethod.PUT, "/api/echo/x", "admin", "secret", "{bad");
        assertEquals(400, bad.status().code());
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"not_json\"}", body(bad));
        FullHttpResponse array = call(HttpMethod.PUT, "/api/echo/x", "admin", "secret", "[1]");
        assertEquals("{\"error\":\"bad_request\",\"reason\":\"not_json\"}", body(array));
    }

    @Test
    void aHandlerBugIsA500AndTheChannelStaysOpen() {
        FullHttpResponse r = call(HttpMethod.GET, "/api/boom", "admin", "secret", null);
        assertEquals(500, r.status().code());
        r.release();
        assertEquals(200, call(HttpMethod.GET, "/api/echo/y", "admin", "secret", null).status().code());
    }

    @Test
    void headAnswersGetsHeadersWithoutABody() {
        FullHttpResponse r = call(HttpMethod.HEAD, "/api/echo/x", "admin", "secret", null);
        assertEquals(200, r.status().code());
        assertEquals("12", r.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        assertEquals("", body(r));
    }
}
