package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.AmqpFrameDecoder;
import io.leveret.codec.AmqpFrameEncoder;
import io.leveret.codec.BasicMethod;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.CodecLimits;
import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.ContentBodyFrame;
import io.leveret.codec.ContentHeaderFrame;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Frame;
import io.leveret.codec.LongString;
import io.leveret.codec.Method;
import io.leveret.codec.MethodFrame;
import io.leveret.codec.ProtocolHeader;
import io.leveret.codec.QueueMethod;
import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.protocol.ProtocolSettings;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client talking to a {@link ConnectionHandler} on an {@link EmbeddedChannel}, with the pipeline
 * AmqpServer.listen builds. The virtual host runs its queues on the channel's own event loop, so every
 * answer (queue work included) is there after {@link EmbeddedChannel#runPendingTasks()}: no threads, no waiting.
 * Client frames go through the codec's encoder; what the server writes goes through a second decoder.
 * Every frame received is released by {@link #close()}.
 */
final class AmqpPeer implements AutoCloseable {
    static final ProtocolSettings SETTINGS = new ProtocolSettings(2047, 131072, 60, 134217728L, 10000);
    static final FieldTable CLIENT_PROPERTIES = FieldTable.builder()
            .put("product", "AmqpPeer")
            .put("capabilities", FieldTable.builder()
                    .put("authentication_failure_close", true)
                    .put("consumer_cancel_notify", true)
                    .put("publisher_confirms", true)
                    .build())
            .build();

    final EmbeddedChannel server;
    final VirtualHost vhost;
    private final EmbeddedChannel encoder = new EmbeddedChannel(AmqpFrameEncoder.INSTANCE);
    private final EmbeddedChannel decoder =
            new EmbeddedChannel(new AmqpFrameDecoder(new CodecLimits(Integer.MAX_VALUE, 32)));
    private final List<Frame> received = new ArrayList<>();
    private final ArrayDeque<Frame> unread = new ArrayDeque<>();

    AmqpPeer() {
        this(null, guestOnly());
    }

    private static UserDatabase guestOnly() {
        UserDatabase users = new UserDatabase();
        users.put("guest", "guest", Set.of("/"));
        return users;
    }

    /** A peer whose connection comes from {@code remote} (null: the embedded channel's own address). */
    AmqpPeer(java.net.SocketAddress remote, UserDatabase users) {
        this(remote, v -> new BrokerServices(SETTINGS, users, Map.of("/", v)));
    }

    /**
     * A peer on the services {@code services} builds around this peer's "/" vhost (which runs on the peer's
     * loop): for tests that change users, permissions or vhosts while it is connected.
     */
    AmqpPeer(java.net.SocketAddress remote, java.util.function.Function<VirtualHost, BrokerServices> services) {
        server = remote == null ? new EmbeddedChannel() : new EmbeddedChannel() {
            @Override
            protected java.net.SocketAddress remoteAddress0() {
                return remote;
            }
        };
        vhost = new VirtualHost("/", server.eventLoop());
        server.pipeline()
                .addLast("decoder", new AmqpFrameDecoder(CodecLimits.DEFAULT))
                .addLast("encoder", AmqpFrameEncoder.INSTANCE)
                .addLast("amqp", new ConnectionHandler(services.apply(vhost)));
        server.pipeline().fireChannelActive();
        // The client side reads frames only: get its decoder past the protocol header state.
        decoder.writeInbound(Unpooled.wrappedBuffer(ProtocolHeader.AMQP_0_9_1));
        assertEquals(new ProtocolHeader(true), decoder.readInbound());
    }

    // ---- sending ----

    void sendRaw(byte[] bytes) {
        server.writeInbound(Unpooled.wrappedBuffer(bytes));
        server.runPendingTasks();
    }

    void sendHeader() {
        sendRaw(ProtocolHeader.AMQP_0_9_1);
    }

    /** Encodes the frames and hands them to the server in one read, as one TCP segment would. */
    void send(Frame... frames) {
        sendRaw(encode(frames));
    }

    void send(int channel, Method... methods) {
        Frame[] frames = new Frame[methods.length];
        for (int i = 0; i < methods.length; i++) {
            frames[i] = new MethodFrame(channel, methods[i]);
        }
        send(frames);
    }

    byte[] encode(Frame... frames) {
        for (Frame f : frames) {
            encoder.writeOutbound(f);
        }
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object o; (o = encoder.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                all.writeBytes(b);
                b.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    /** A publish with its header and body frames, the body cut into frames of at most {@code maxFrame} bytes. */
    Frame[] publish(int channel, BasicMethod.Publish publish, BasicProperties properties, byte[] body, int maxFrame) {
        List<Frame> frames = new ArrayList<>();
        frames.add(new MethodFrame(channel, publish));
        ByteBuf raw = Unpooled.buffer();
        properties.encode(raw);
        frames.add(new ContentHeaderFrame(channel, BasicMethod.CLASS_ID, body.length, properties, raw));
        int max = maxFrame - Frame.FRAME_OVERHEAD;
        for (int off = 0; off < body.length; off += max) {
            frames.add(new ContentBodyFrame(channel, Unpooled.wrappedBuffer(body, off, Math.min(max, body.length - off))));
        }
        return frames.toArray(new Frame[0]);
    }

    Frame[] publish(int channel, String exchange, String routingKey, String body) {
        return publish(channel, new BasicMethod.Publish(0, exchange, routingKey, false, false), BasicProperties.EMPTY,
                body.getBytes(StandardCharsets.UTF_8), SETTINGS.frameMax());
    }

    // ---- receiving ----

    /** Everything the server has written and not yet read as frames, as raw bytes. */
    byte[] rawOutput() {
        server.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        try {
            for (Object o; (o = server.readOutbound()) != null; ) {
                ByteBuf b = (ByteBuf) o;
                all.writeBytes(b);
                b.release();
            }
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    private void pump() {
        server.runPendingTasks();
        for (Object o; (o = server.readOutbound()) != null; ) {
            decoder.writeInbound(o);
        }
        for (Object o; (o = decoder.readInbound()) != null; ) {
            Frame f = (Frame) o;
            received.add(f);
            unread.add(f);
        }
    }

    /** The next frame the server sent; fails if there is none. */
    Frame next() {
        if (unread.isEmpty()) {
            pump();
        }
        Frame f = unread.poll();
        assertNotNull(f, "the server sent nothing more");
        return f;
    }

    /** Every frame the server sent and the test has not read yet. */
    List<Frame> drain() {
        pump();
        List<Frame> out = new ArrayList<>(unread);
        unread.clear();
        return out;
    }

    void expectNothing() {
        List<Frame> left = drain();
        assertTrue(left.isEmpty(), () -> "unexpected frames: " + left);
    }

    <T extends Method> T expect(int channel, Class<T> type) {
        Frame f = next();
        MethodFrame mf = assertInstanceOf(MethodFrame.class, f, () -> "expected " + type.getSimpleName() + ", got " + f);
        assertEquals(channel, mf.channel(), () -> "channel of " + mf);
        return assertInstanceOf(type, mf.method(), () -> "expected " + type.getSimpleName() + ", got " + mf.method());
    }

    ContentHeaderFrame expectHeader(int channel) {
        ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, next());
        assertEquals(channel, h.channel());
        return h;
    }

    /** Reads body frames until {@code size} bytes have come; returns them and the size of each frame. */
    byte[] expectBody(int channel, long size, List<Integer> frameSizes) {
        ByteBuf all = Unpooled.buffer();
        try {
            while (all.readableBytes() < size) {
                ContentBodyFrame b = assertInstanceOf(ContentBodyFrame.class, next());
                assertEquals(channel, b.channel());
                frameSizes.add(b.content().readableBytes());
                all.writeBytes(b.content(), b.content().readerIndex(), b.content().readableBytes());
            }
            assertEquals(size, all.readableBytes());
            return ByteBufUtil.getBytes(all);
        } finally {
            all.release();
        }
    }

    String expectBody(int channel, long size) {
        return new String(expectBody(channel, size, new ArrayList<>()), StandardCharsets.UTF_8);
    }

    /** The content header and body that follow a content-carrying method, as text. */
    String expectContent(int channel) {
        return expectBody(channel, expectHeader(channel).bodySize());
    }

    void expectConnectionClose(int code, String text) {
        ConnectionMethod.Close c = expect(0, ConnectionMethod.Close.class);
        assertEquals(code, c.replyCode(), () -> "reply " + c);
        if (text != null) {
            assertEquals(text, c.replyText());
        }
    }

    // ---- the handshake ----

    ConnectionMethod.Start start() {
        sendHeader();
        return expect(0, ConnectionMethod.Start.class);
    }

    static LongString plain(String user, String password) {
        return LongString.of(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    ConnectionMethod.Tune login() {
        start();
        send(0, new ConnectionMethod.StartOk(CLIENT_PROPERTIES, "PLAIN", plain("guest", "guest"), "en_US"));
        return expect(0, ConnectionMethod.Tune.class);
    }

    /** Header to open-ok, tuned to {@code frameMax}, without heartbeats. */
    void open(int frameMax) {
        login();
        send(0, new ConnectionMethod.TuneOk(SETTINGS.channelMax(), frameMax, 0),
                new ConnectionMethod.Open("/", "", false));
        expect(0, ConnectionMethod.OpenOk.class);
    }

    void open() {
        open(SETTINGS.frameMax());
    }

    void openChannel(int channel) {
        send(channel, new ChannelMethod.Open(""));
        expect(channel, ChannelMethod.OpenOk.class);
    }

    void declareQueue(int channel, String queue) {
        send(channel, new QueueMethod.Declare(0, queue, false, false, false, false, false, FieldTable.EMPTY));
        QueueMethod.DeclareOk ok = expect(channel, QueueMethod.DeclareOk.class);
        assertEquals(queue, ok.queue());
    }

    /** Lets {@code millis} pass on the server's (embedded) clock and runs what fell due. */
    void elapse(long millis) {
        server.advanceTimeBy(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        server.runPendingTasks();
    }

    /**
     * RabbitMQ drops a connection whose handshake failed, or whose byte stream is lost, after
     * ?SILENT_CLOSE_DELAY (3 s) without waiting for anything; asserts the socket is gone by then.
     */
    void assertClosedWithoutCloseOk() {
        elapse(3000);
        org.junit.jupiter.api.Assertions.assertFalse(isOpen(), "still open after RabbitMQ's silent-close delay");
    }

    boolean isOpen() {
        server.runPendingTasks();
        return server.isOpen();
    }

    @Override
    public void close() {
        try {
            unread.clear();
            received.forEach(ReferenceCountUtil::release);
            received.clear();
            server.close();
            server.runPendingTasks();
            // Queues outlive connections: delete them so their messages are freed too.
            vhost.queues().forEach(vhost::deleteQueue);
            server.runPendingTasks();
            for (Object o; (o = server.readOutbound()) != null; ) {
                ReferenceCountUtil.release(o);
            }
        } finally {
            server.finishAndReleaseAll();
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
        }
    }
}
