package io.leveret.server.management;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.leveret.server.security.User;
import io.leveret.server.security.UserDatabase;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thin adapter from Netty's HTTP messages to the route table, in RabbitMQ's order of checks: unknown
 * path 404, wrong method 405, no or bad credentials 401, missing tag 401, then the handler. Whatever a
 * handler throws becomes an error body; an unexpected exception is a 500 and a log line, never a crash.
 */
final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpHandler.class);
    static final String REALM = "Basic realm=\"RabbitMQ Management\"";

    private final Router router;
    private final UserDatabase users;
    private final PageHandler pages;

    HttpHandler(Router router, UserDatabase users, PageHandler pages) {
        this.router = router;
        this.users = users;
        this.pages = pages;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            write(ctx, error(ApiException.badRequest("Bad Request")), false, false);
            return;
        }
        HttpMethod method = req.method();
        boolean head = method.equals(HttpMethod.HEAD);
        if (pages != null && !underApi(req.uri())) {
            FullHttpResponse page = pages.answer(req);
            if (page != null) {
                write(ctx, page, keepAlive, head);
                return;
            }
        }
        CompletionStage<ApiResponse> answer;
        try {
            answer = dispatch(req, ctx.channel().remoteAddress());
        } catch (ApiException e) {
            write(ctx, error(e), keepAlive, head);
            return;
        } catch (RuntimeException e) {
            LOG.error("management API: {} {} failed", method, req.uri(), e);
            write(ctx, error(internal()), keepAlive, head);
            return;
        }
        answer.whenComplete((response, failure) -> ctx.executor().execute(() -> {
            if (failure == null) {
                write(ctx, response(response), keepAlive, head);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ApiException e) {
                write(ctx, error(e), keepAlive, head);
            } else if (cause instanceof io.leveret.server.cluster.ClusterUnavailableException) {
                // In a cluster, no majority committed the change in time: it is undone, nothing changed.
                write(ctx, error(new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "timeout",
                        cause.getMessage())), keepAlive, head);
            } else if (cause instanceof io.leveret.server.cluster.ChangeRefusedException) {
                write(ctx, error(new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", cause.getMessage())),
                        keepAlive, head);
            } else {
                LOG.error("management API: {} failed", method, cause);
                write(ctx, error(internal()), keepAlive, head);
            }
        }));
    }

    private static boolean underApi(String uri) {
        String path = new QueryStringDecoder(uri, StandardCharsets.UTF_8).rawPath();
        return path.equals("/api") || path.startsWith("/api/");
    }

    private CompletionStage<ApiResponse> dispatch(FullHttpRequest req, java.net.SocketAddress remote) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8);
        List<String> segments = PathDecoder.segments(uri.rawPath());
        if (segments == null) {
            throw ApiException.badRequest("Bad Request");
        }
        Router.Match match = router.match(req.method(), segments);
        if (match == null) {
            throw ApiException.notFound();
        }
        if (match.route() == null) {
            throw new MethodNotAllowed(String.join(", ", match.allowed()));
        }
        User user = authenticate(req, remote);
        Tag tag = match.route().tag();
        if (!tag.grantedBy(user.tags())) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, "not_authorised", tag.refusal());
        }
        Map<String, String> query = new HashMap<>();
        uri.parameters().forEach((k, v) -> query.put(k, v.get(v.size() - 1)));
        byte[] body = ByteBufUtil.getBytes(req.content());
        ApiRequest request = new ApiRequest(req.method(), segments, match.params(), Map.copyOf(query), body,
                req.headers(), user);
        return match.route().handler().handle(request);
    }

    /** Basic credentials checked against the broker's users; a user without any management tag is refused. */
    private User authenticate(FullHttpRequest req, java.net.SocketAddress remote) {
        String header = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            throw new Unauthenticated();
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw ApiException.notAuthorised("Login failed");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.notAuthorised("Login failed");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw ApiException.notAuthorised("Login failed");
        }
        String name = decoded.substring(0, colon);
        if (!users.authenticate(name, decoded.substring(colon + 1))) {
            throw ApiException.notAuthorised("Login failed");
        }
        User user = users.user(name);
        if (user == null) {
            throw ApiException.notAuthorised("Login failed");
        }
        if (!users.mayConnectFrom(name, remote)) {
            throw ApiException.notAuthorised("User can only log in via localhost");
        }
        return user;
    }

    private static ApiException internal() {
        return new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_server_error",
                "Internal Server Error");
    }

    private static FullHttpResponse error(ApiException e) {
        if (e instanceof Unauthenticated) {
            // No credentials at all: RabbitMQ answers the challenge with an empty body.
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED);
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, REALM);
            return r;
        }
        if (e instanceof MethodNotAllowed m) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.METHOD_NOT_ALLOWED);
            r.headers().set(HttpHeaderNames.ALLOW, m.reason());
            return r;
        }
        if (e.status().equals(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE)) {
            // As Cowboy answers a body of a type the resource does not accept: no body.
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, e.status());
        }
        FullHttpResponse r = json(e.status(), (com.fasterxml.jackson.databind.JsonNode) Json.object().put("error", e.error()).set("reason", e.reasonJson()));
        if (e.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, REALM);
        }
        return r;
    }

    private static FullHttpResponse response(ApiResponse a) {
        FullHttpResponse r = a.body() == null
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, a.status())
                : json(a.status(), a.body());
        if (a.status().equals(HttpResponseStatus.OK)) {
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        }
        a.headers().forEach((k, v) -> r.headers().set(k, v));
        return r;
    }

    private static FullHttpResponse json(HttpResponseStatus status, com.fasterxml.jackson.databind.JsonNode body) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode always serialises", e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return r;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive, boolean head) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (head) {
            r.content().clear();
        }
        r.headers().set(HttpHeaderNames.SERVER, "Leveret");
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("management API connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    /** No Authorization header: the bare challenge. */
    private static final class Unauthenticated extends ApiException {
        Unauthenticated() {
            super(HttpResponseStatus.UNAUTHORIZED, "not_authorized", "");
        }
    }

    /** 405 with the methods the path does allow (in {@link #reason()}). */
    private static final class MethodNotAllowed extends ApiException {
        MethodNotAllowed(String allowed) {
            super(HttpResponseStatus.METHOD_NOT_ALLOWED, "", allowed);
        }
    }
}
