package io.leveret.server.transport;

import io.leveret.codec.AmqpFrameDecoder;
import io.leveret.codec.AmqpFrameEncoder;
import io.leveret.codec.CodecLimits;
import io.leveret.server.protocol.BrokerServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TCP listeners: Netty's event loops own the connections (epoll where the platform has it, NIO
 * otherwise). The same loops run the queues, so a queue and its consumers often share a thread.
 */
public final class AmqpServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Class<? extends ServerChannel> channelType;
    private final List<Channel> listeners = new ArrayList<>();
    /** What each listener was bound with (on its bound port), so start_app binds them again. */
    private final List<Spec> specs = new ArrayList<>();
    private boolean listening = true;
    /** Accepted client sockets, so that close() can tell each one the broker is going away. */
    private final ChannelGroup clients = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    /** The user event that asks a connection to close with 320 CONNECTION_FORCED. */
    static final Object SHUTDOWN = new Object();
    /** How long close() lets clients answer connection.close before the loops stop under them. */
    private static final long CLIENTS_CLOSE_MILLIS = 3_000;

    public AmqpServer() {
        if (Epoll.isAvailable()) {
            boss = new EpollEventLoopGroup(1);
            workers = new EpollEventLoopGroup();
            channelType = EpollServerSocketChannel.class;
        } else {
            boss = new NioEventLoopGroup(1);
            workers = new NioEventLoopGroup();
            channelType = NioServerSocketChannel.class;
        }
    }

    /** The loops that run connections; queues are placed on them too. */
    public EventLoopGroup workers() {
        return workers;
    }

    /** Binds one listener (host null = every interface; port 0 = any free port) and returns its port. */
    public int listen(String host, int port, BrokerServices services) throws InterruptedException {
        return listen(host, port, services, null);
    }

    /**
     * Binds one listener; with {@code tls} non-null it speaks AMQPS: TLS first (Netty's SslHandler on the
     * JDK's provider), and the AMQP handshake timer starts once the TLS handshake is done.
     */
    public int listen(String host, int port, BrokerServices services, SslContext tls) throws InterruptedException {
        Channel ch = bind(new Spec(host, port, services, tls));
        int bound = ((InetSocketAddress) ch.localAddress()).getPort();
        synchronized (this) {
            listeners.add(ch);
            specs.add(new Spec(host, bound, services, tls));
        }
        return bound;
    }

    private record Spec(String host, int port, BrokerServices services, SslContext tls) {
    }

    /**
     * rabbitmqctl stop_app: the listeners close, so new connections are refused, and every open connection is
     * closed with 320 CONNECTION_FORCED as at shutdown; the loops (and the queues on them) keep running.
     * Returns once the clients have answered or had their moment. A no-op when already stopped.
     */
    public synchronized void stopListening() {
        if (!listening) {
            return;
        }
        listening = false;
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        listeners.clear();
        for (Channel ch : clients) {
            ch.pipeline().fireUserEventTriggered(SHUTDOWN);
        }
        clients.newCloseFuture().awaitUninterruptibly(CLIENTS_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** rabbitmqctl start_app: binds every listener again on the port it had. A no-op when listening. */
    public synchronized void startListening() throws InterruptedException {
        if (listening) {
            return;
        }
        for (Spec spec : specs) {
            listeners.add(bind(spec));
        }
        listening = true;
    }

    /** False between stopListening and startListening. */
    public synchronized boolean listening() {
        return listening;
    }

    private Channel bind(Spec spec) throws InterruptedException {
        SslContext tls = spec.tls();
        BrokerServices services = spec.services();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // start_app binds the port stop_app closed, while its old connections may be in TIME_WAIT
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.pipeline().addLast("octets", new io.leveret.server.stats.OctetCounter());
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("decoder", new AmqpFrameDecoder(CodecLimits.DEFAULT))
                                .addLast("encoder", AmqpFrameEncoder.INSTANCE)
                                .addLast("amqp", new ConnectionHandler(services));
                    }
                });
        InetSocketAddress address = spec.host() == null ? new InetSocketAddress(spec.port())
                : new InetSocketAddress(spec.host(), spec.port());
        return b.bind(address).sync().channel();
    }

    @Override
    public void close() {
        // No new connections from here; each open one is told why it is closed, and gets a moment to answer.
        stopListening();
        // Waited for too: a stopped broker must leave no thread behind (an embedding JVM starts many).
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
