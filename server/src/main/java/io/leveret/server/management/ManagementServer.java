package io.leveret.server.management;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The management HTTP listener on Netty's HTTP codec. It has its own small event loop group rather than
 * the broker's: a large export or a slow HTTP client then never delays AMQP connections or queues, and
 * the AMQP loops never run JSON encoding. Two threads are plenty for an operations API.
 */
public final class ManagementServer implements AutoCloseable {
    /** Largest request body accepted: a definitions import of a big broker fits, a runaway upload does not. */
    static final int MAX_BODY = 64 << 20;

    private final EventLoopGroup loops;
    private final Channel listener;

    private ManagementServer(EventLoopGroup loops, Channel listener) {
        this.loops = loops;
        this.listener = listener;
    }

    /** Binds {@code host:port} (host null = every interface, port 0 = any free port) and serves the API. */
    public static ManagementServer start(String host, int port, ManagementContext context) throws InterruptedException {
        return start(host, port, context, null);
    }

    /** As {@link #start(String, int, ManagementContext)}, with {@code pages} answering paths outside /api. */
    public static ManagementServer start(String host, int port, ManagementContext context, PageHandler pages)
            throws InterruptedException {
        Router router = ManagementApi.router(context);
        EventLoopGroup loops = new NioEventLoopGroup(2, new DefaultThreadFactory("management"));
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast("http", new HttpServerCodec())
                                    .addLast("aggregate", new HttpObjectAggregator(MAX_BODY))
                                    .addLast("api", new HttpHandler(router, context.services().users(), pages));
                        }
                    });
            InetSocketAddress address = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
            Channel ch = b.bind(address).sync().channel();
            context.managementPort(((InetSocketAddress) ch.localAddress()).getPort());
            return new ManagementServer(loops, ch);
        } catch (InterruptedException | RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /** The port bound. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Frees the port, then stops the loops (open HTTP connections are closed with them). */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
