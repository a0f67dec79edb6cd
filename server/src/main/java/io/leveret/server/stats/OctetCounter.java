package io.leveret.server.stats;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in a connection's pipeline (before TLS, so it counts what crosses the socket, as RabbitMQ's
 * recv_oct and send_oct do): adds the bytes read and written to the connection's {@link Counters}. It
 * runs on the connection's event loop, the counters' only writer.
 */
public final class OctetCounter extends ChannelDuplexHandler {
    private final Counters counters = new Counters();

    public Counters counters() {
        return counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            counters.add(Metric.RECV_OCT, b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            counters.add(Metric.SEND_OCT, b.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
