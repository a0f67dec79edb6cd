package io.leveret.server.prometheus;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;

/**
 * rabbitmq_prometheus's endpoint: HTTP on its own single event loop (a scrape never runs on an AMQP loop),
 * serving {@code /metrics} and {@code /metrics/per-object}.
 */
public final class PrometheusServer implements AutoCloseable {
    /** A scrape is a GET without a body; anything larger is not one. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final EventLoopGroup group;
    private final Channel listener;

    private PrometheusServer(EventLoopGroup group, Channel listener) {
        this.group = group;
        this.listener = listener;
    }

    /** Binds {@code host:port} (host empty or null for every interface; port 0 for a free one). */
    public static PrometheusServer start(String host, int port, RabbitMetrics metrics, boolean perObjectByDefault)
            throws InterruptedException {
        EventLoopGroup group = new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "prometheus-http");
            t.setDaemon(true);
            return t;
        });
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                    .addLast(new MetricsHandler(metrics, perObjectByDefault));
                        }
                    });
            InetSocketAddress address = host == null || host.isEmpty()
                    ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
            return new PrometheusServer(group, b.bind(address).sync().channel());
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
