package io.leveret.server.prometheus;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GET /metrics and /metrics/per-object in the text format 0.0.4; 404 for other paths, 405 for other methods. */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.create();

    private final RabbitMetrics metrics;
    private final boolean perObjectByDefault;

    MetricsHandler(RabbitMetrics metrics, boolean perObjectByDefault) {
        this.metrics = metrics;
        this.perObjectByDefault = perObjectByDefault;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "Bad Request"));
            return;
        }
        String path = new QueryStringDecoder(req.uri()).path();
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        Boolean perObject = switch (path) {
            case "/metrics" -> perObjectByDefault;
            case "/metrics/per-object" -> true;
            default -> null;
        };
        if (perObject == null) {
            respond(ctx, req, text(HttpResponseStatus.NOT_FOUND, "Not Found"));
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, req, r);
            return;
        }
        ByteBuf body = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
            WRITER.write(out, metrics.collect(perObject), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException | RuntimeException e) {
            body.release();
            LOG.warn("Prometheus scrape failed", e);
            respond(ctx, req, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal Server Error"));
            return;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, PrometheusTextFormatWriter.CONTENT_TYPE);
        HttpUtil.setContentLength(r, body.readableBytes());
        if (req.method().equals(HttpMethod.HEAD)) {
            // HEAD: the length of the body a GET would get, and no body.
            r.content().clear();
        }
        respond(ctx, req, r);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String text) {
        ByteBuf body = Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(r, body.readableBytes());
        return r;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(r, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Prometheus connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
