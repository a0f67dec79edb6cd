package io.leveret.server.protocol;

import io.leveret.codec.AmqpFrameDecoder;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.CodecLimits;
import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Frame;
import io.leveret.codec.HeartbeatFrame;
import io.leveret.codec.LongString;
import io.leveret.codec.MalformedFrame;
import io.leveret.codec.Method;
import io.leveret.codec.MethodFrame;
import io.leveret.codec.ProtocolHeader;
import io.leveret.codec.ReplyCode;
import io.leveret.server.security.Sasl;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AMQP connection: the handshake (spec 2.2.4), its channels, and closing. Everything here runs on the
 * connection's Netty event loop, so it takes no locks; queues reach it only through tasks on that loop.
 */
public final class AmqpConnection implements io.leveret.server.vhost.PublisherCredit {
    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);
    /** How long we wait for close-ok after sending connection.close before dropping the socket (RabbitMQ's). */
    private static final long CLOSE_OK_TIMEOUT_MILLIS = 30_000;
    /**
     * RabbitMQ's delay before it drops a connection that failed its handshake, or whose byte stream is lost:
     * it slows down clients that retry in a tight loop.
     */
    private static final long SILENT_CLOSE_DELAY_MILLIS = 3000;
    /** Deliveries handed to this connection but not yet written, in bytes, beyond which queues hold back. */
    private static final long MAX_PENDING_DELIVERY_BYTES = 256L << 10;

    enum State { AWAIT_HEADER, AWAIT_START_OK, AWAIT_TUNE_OK, AWAIT_OPEN, OPEN, CLOSING, CLOSED }

    private final BrokerServices services;
    private final ChannelHandlerContext ctx;
    private final AmqpFrameDecoder decoder;
    private final IntObjectHashMap<AmqpChannel> channels = new IntObjectHashMap<>();
    private final java.util.Set<Queue> exclusiveQueues = new java.util.LinkedHashSet<>();
    private final AtomicLong pendingDeliveryBytes = new AtomicLong();
    private volatile boolean deliveriesStarved;
    /** Credit units of messages this connection handed to queues that they have not taken in yet. */
    private final java.util.concurrent.atomic.AtomicLong pendingEnqueues = new java.util.concurrent.atomic.AtomicLong();
    private static final int ENQUEUE_CREDIT_HIGH = 2000;
    private static final int ENQUEUE_CREDIT_LOW = 500;
    private State state = State.AWAIT_HEADER;
    private ScheduledFuture<?> handshakeTimer;
    private boolean flushScheduled;
    private int channelMax;
    private int frameMax = CodecLimits.FRAME_MIN_SIZE;
    private FieldTable clientProperties = FieldTable.EMPTY;
    private boolean consumerCancelNotify;
    private boolean authenticationFailureClose;
    private boolean amqp08;
    private volatile String user;
    private boolean impersonator;
    private volatile VirtualHost vhost;
    /** This connection in its vhost's statistics, from connection.open on. */
    private io.leveret.server.stats.Tracked tracked;
    /** Reading is stopped for a resource alarm; the credit flow must not start it again. */
    private boolean blockedByAlarm;
    /**
     * Frames decoded from what was already read when the connection was blocked: RabbitMQ's reader leaves them
     * in its buffer until the alarm clears, so a publish's body that came with its header is not routed.
     */
    private final java.util.ArrayDeque<Frame> held = new java.util.ArrayDeque<>();
    private boolean blockedCapability;
    /** For the management API: the SASL mechanism used, the heartbeat agreed and when connection.open came. */
    private String mechanism = "";
    private int heartbeat;
    private long connectedAt;

    public AmqpConnection(BrokerServices services, ChannelHandlerContext ctx, AmqpFrameDecoder decoder) {
        this.services = services;
        this.ctx = ctx;
        this.decoder = decoder;
    }

    // ---- Netty events, from ConnectionHandler ----

    public void onActive() {
        // Until tune-ok has negotiated frame_max, peers accept frames of up to frame-min-size (spec 4.2.3,
        // connection.tune frame-max); RabbitMQ refuses a larger one, e.g. a start-ok with big client properties.
        decoder.setFrameMax(CodecLimits.FRAME_MIN_SIZE);
        int timeout = services.settings().handshakeTimeoutMillis();
        if (timeout > 0 && timeout < Integer.MAX_VALUE) {
            handshakeTimer = ctx.executor().schedule(() -> {
                if (state.compareTo(State.OPEN) < 0) {
                    LOG.info("closing connection {}: handshake timeout", peer());
                    ctx.close();
                }
            }, timeout, TimeUnit.MILLISECONDS);
        }
    }

    /** Handles one decoded frame. The caller releases it afterwards; whatever we keep, we retain. */
    public void onFrame(Frame frame) {
        if (blockedByAlarm || !held.isEmpty()) {
            held.add(io.netty.util.ReferenceCountUtil.retain(frame));
            return;
        }
        process(frame);
    }

    private void process(Frame frame) {
        try {
            dispatch(frame);
        } catch (ConnectionException e) {
            if (state == State.AWAIT_START_OK || state == State.AWAIT_TUNE_OK) {
                // Before tune-ok nothing is negotiated, so RabbitMQ says nothing: it drops the socket later.
                silentClose(e.getMessage());
            } else {
                closeWithError(e);
            }
        } catch (RuntimeException e) {
            LOG.error("internal error on connection {}", peer(), e);
            closeWithError(new ConnectionException(ReplyCode.INTERNAL_ERROR, "internal error", 0, 0));
        }
    }

    public void onReadComplete() {
        ctx.flush();
    }

    public void onWritabilityChanged() {
        if (ctx.channel().isWritable()) {
            wakeQueues();
        }
    }

    public void onIdle(IdleStateEvent e) {
        switch (e.state()) {
            case WRITER_IDLE -> ctx.writeAndFlush(HeartbeatFrame.INSTANCE);
            case READER_IDLE -> {
                if (blockedByAlarm) {
                    // we are the ones not reading: RabbitMQ pauses its heartbeat monitor while blocked
                    return;
                }
                LOG.warn("closing connection {} (user '{}'): missed heartbeats from client", peer(), user);
                state = State.CLOSED;
                ctx.close();
            }
            default -> { }
        }
    }

    public void onInactive() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        boolean wasOpen = vhost != null;
        if (wasOpen) {
            services.limits().closeConnection(vhost.name(), user);
            services.alarms().unregister(this);
            services.connections().remove(this);
        }
        state = State.CLOSED;
        releaseHeld();
        releaseChannels();
        if (tracked != null) vhost.stats().untrack(tracked);
        if (wasOpen) {
            LOG.info("connection closed: {} (user '{}', vhost '{}')", peer(), user, vhost.name());
        }
    }

    // ---- dispatch ----

    private void dispatch(Frame frame) {
        if (frame instanceof ProtocolHeader h) {
            onProtocolHeader(h);
        } else if (frame instanceof MalformedFrame m) {
            onMalformed(m);
        } else if (frame instanceof HeartbeatFrame h) {
        } else if (frame instanceof MethodFrame mf && mf.channel() == 0) {
            onConnectionMethod(mf.method());
        } else {
            onChannelFrame(frame);
        }
    }

    private void onProtocolHeader(ProtocolHeader h) {
        if (!h.supported() || state != State.AWAIT_HEADER) {
            // Spec 4.2.2: answer an unsupported header with the one we speak, then close.
            ctx.writeAndFlush(Unpooled.wrappedBuffer(ProtocolHeader.AMQP_0_9_1)).addListener(ChannelFutureListener.CLOSE);
            state = State.CLOSED;
            return;
        }
        state = State.AWAIT_START_OK;
        amqp08 = h.amqp08();
        // A 0-8 peer ("AMQP 1 1 8 0") gets a 0-8 start, as RabbitMQ sends it.
        send(0, new ConnectionMethod.Start(amqp08 ? 8 : 0, amqp08 ? 0 : 9, Handshake.serverProperties(services, amqp08),
                LongString.of(String.join(" ", services.mechanisms())),
                LongString.of("en_US")));
        ctx.flush();
    }

    private void onMalformed(MalformedFrame m) {
        ConnectionException e = new ConnectionException(m.replyCode(), m.replyText(), m.classId(), m.methodId());
        if (!ctx.channel().isOpen()) {
            // The peer sent this and went away: when the input ends Netty decodes what is left after the socket
            // is closed. Nobody is there to answer, and a closed socket takes no options (SO_LINGER below).
            LOG.debug("connection {} closed by the peer, after a bad frame: {}", peer(), e.getMessage());
            state = State.CLOSED;
            releaseChannels();
            return;
        }
        if (m.replyCode() == ReplyCode.NOT_IMPLEMENTED) {
            // An unknown class or method crashes RabbitMQ's reader: the peer sees a reset, no close.
            LOG.warn("dropping connection {}: {}", peer(), e.getMessage());
            state = State.CLOSED;
            releaseChannels();
            ctx.channel().config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
            ctx.close();
        } else if (state == State.AWAIT_START_OK || state == State.AWAIT_TUNE_OK) {
            silentClose(e.getMessage());
        } else if (m.fatal()) {
            closeWithError(e, SILENT_CLOSE_DELAY_MILLIS);
        } else {
            closeWithError(e);
        }
    }

    /** Says nothing, ignores everything, and drops the socket after RabbitMQ's delay. */
    private void silentClose(String why) {
        LOG.warn("closing connection {} during the handshake: {}", peer(), why);
        state = State.CLOSING;
        ctx.executor().schedule(this::closeSocket, SILENT_CLOSE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void onConnectionMethod(Method method) {
        if (state == State.CLOSING) {
            // Spec 2.2.4 / RabbitMQ: once we have sent close, only close and close-ok matter.
            if (method instanceof ConnectionMethod.Close) {
                send(0, new ConnectionMethod.CloseOk());
                closeSocket();
            } else if (method instanceof ConnectionMethod.CloseOk) {
                closeSocket();
            }
            return;
        }
        switch (state) {
            case AWAIT_START_OK -> onStartOk(Handshake.expect(method, ConnectionMethod.StartOk.class, "connection.start_ok"));
            case AWAIT_TUNE_OK -> onTuneOk(Handshake.expect(method, ConnectionMethod.TuneOk.class, "connection.tune_ok"));
            case AWAIT_OPEN -> {
                if (!(method instanceof ConnectionMethod.Open open)) {
                    throw Handshake.unexpectedMethod(method, "opening");
                }
                onOpen(open);
            }
            case OPEN -> onOpenConnectionMethod(method);
            default -> { }
        }
    }

    private void onStartOk(ConnectionMethod.StartOk m) {
        clientProperties = m.clientProperties();
        FieldTable caps = clientProperties.get("capabilities") instanceof FieldTable t ? t : FieldTable.EMPTY;
        consumerCancelNotify = Boolean.TRUE.equals(caps.get("consumer_cancel_notify"));
        authenticationFailureClose = Boolean.TRUE.equals(caps.get("authentication_failure_close"));
        blockedCapability = Boolean.TRUE.equals(caps.get("connection.blocked"));
        if (!services.mechanisms().contains(m.mechanism()) || !Sasl.supports(m.mechanism())) {
            throw new ConnectionException(ReplyCode.COMMAND_INVALID,
                    "unknown authentication mechanism '" + m.mechanism() + "'", m);
        }
        mechanism = m.mechanism();
        Sasl.Credentials c = m.mechanism().equals(Sasl.EXTERNAL)
                ? Sasl.external(ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class))
                : Sasl.parse(m.mechanism(), m.response());
        String refusal = Handshake.refusal(m.mechanism(), c, services.users(), ctx.channel().remoteAddress());
        if (refusal != null) {
            LOG.warn("closing connection {}: {} login refused: {}", peer(), m.mechanism(), refusal);
            String text = "Login was refused using authentication mechanism " + m.mechanism()
                    + ". For details see the broker logfile.";
            if (authenticationFailureClose) {
                closeWithError(new ConnectionException(ReplyCode.ACCESS_REFUSED, text, 0, 0), SILENT_CLOSE_DELAY_MILLIS);
            } else {
                silentClose(text);
            }
            return;
        }
        user = c.user();
        // RabbitMQ keeps the user's tags from login: a later set_user_tags applies to the next connection
        io.leveret.server.security.User u = services.users().user(user);
        impersonator = u != null && u.tags().contains("impersonator");
        ProtocolSettings s = services.settings();
        state = State.AWAIT_TUNE_OK;
        send(0, new ConnectionMethod.Tune(s.channelMax(), s.frameMax(), s.heartbeat()));
    }

    private void onTuneOk(ConnectionMethod.TuneOk m) {
        ProtocolSettings s = services.settings();
        Handshake.checkTuneOk(s, m);
        frameMax = m.frameMax() == 0 ? Integer.MAX_VALUE : (int) m.frameMax();
        channelMax = m.channelMax() == 0 ? 65535 : m.channelMax();
        decoder.setFrameMax(frameMax);
        heartbeat = m.heartbeat();
        if (m.heartbeat() > 0) {
            long h = m.heartbeat() * 1000L;
            // Heartbeats go out at half the interval; a peer silent for two intervals is gone (spec 4.2.7).
            ctx.pipeline().addFirst("idle", new IdleStateHandler(2 * h, h / 2, 0, TimeUnit.MILLISECONDS));
        }
        state = State.AWAIT_OPEN;
    }

    private void onOpen(ConnectionMethod.Open m) {
        VirtualHost v = services.vhosts().get(m.virtualHost());
        if (v == null) {
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "vhost " + m.virtualHost() + " not found", m);
        }
        // RabbitMQ checks the connection limits before the user's access to the vhost.
        services.limits().openConnection(m, v.name(), user);
        if (services.users().permission(user, v.name()) == null) {
            services.limits().closeConnection(v.name(), user);
            throw new ConnectionException(ReplyCode.NOT_ALLOWED,
                    "access to vhost '" + v.name() + "' refused for user '" + user + "'", m);
        }
        vhost = v;
        connectedAt = System.currentTimeMillis();
        tracked = v.stats().track(io.leveret.server.stats.Kind.CONNECTION, name(), octets(), occupancy());
        services.alarms().register(this);
        services.connections().add(this);
        state = State.OPEN;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        send(0, new ConnectionMethod.OpenOk(""));
        LOG.info("connection opened: {} (user '{}', vhost '{}')", peer(), user, v.name());
    }

    private void onOpenConnectionMethod(Method m) {
        if (m instanceof ConnectionMethod.Close c) {
            LOG.info("client closing connection {}: {} {}", peer(), c.replyCode(), c.replyText());
            releaseChannels();
            state = State.CLOSING;
            send(0, new ConnectionMethod.CloseOk());
            // The client closes the socket once it has close-ok; we drop it only if it never does.
            ctx.executor().schedule(this::closeSocket, CLOSE_OK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } else if (m instanceof ConnectionMethod.CloseOk ok) {
        } else if (m instanceof ConnectionMethod.UpdateSecret u) {
            send(0, new ConnectionMethod.UpdateSecretOk());
        } else if (m instanceof ConnectionMethod.Blocked b) {
        } else if (m instanceof ConnectionMethod.Unblocked u) {
        } else {
            throw Handshake.unexpectedMethod(m, "running");
        }
    }

    private void onChannelFrame(Frame frame) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        if (state != State.OPEN) {
            // RabbitMQ reads frames on channels only once the connection is open.
            throw new ConnectionException(ReplyCode.UNEXPECTED_FRAME, snippet(frame), 0, 0);
        }
        int id = frame.channel();
        // As RabbitMQ's reader: under an alarm, a connection that publishes is blocked once the publish's
        // content header is read (its body frames wait, in the socket or in held).
        if (frame instanceof io.leveret.codec.ContentHeaderFrame && services.alarms().reason() != null) {
            block(services.alarms().reason());
        }
        AmqpChannel ch = channels.get(id);
        if (ch == null) {
            if (frame instanceof MethodFrame mf && mf.method() instanceof ChannelMethod.Open open) {
                // RabbitMQ limits how many channels are open, not their numbers.
                if (channels.size() >= channelMax) {
                    throw new ConnectionException(ReplyCode.NOT_ALLOWED, "number of channels opened ("
                            + channels.size() + ") has reached the negotiated channel_max (" + channelMax + ")", 0, 0);
                }
                services.limits().openChannel(user);
                ch = new AmqpChannel(this, id);
                channels.put(id, ch);
                send(id, new ChannelMethod.OpenOk(LongString.of("")));
                return;
            }
            Method m = frame instanceof MethodFrame mf ? mf.method() : null;
            throw new ConnectionException(ReplyCode.CHANNEL_ERROR, "expected 'channel.open'", m);
        }
        ch.onFrame(frame);
    }

    // ---- used by channels ----

    VirtualHost vhost() {
        return vhost;
    }

    String user() {
        return user;
    }

    /** The user had RabbitMQ's {@code impersonator} tag at login: it may publish with another user_id. */
    boolean impersonator() {
        return impersonator;
    }

    /** The name of the vhost this connection opened; null before connection.open. Read from any thread. */
    String vhostName() {
        VirtualHost v = vhost;
        return v == null ? null : v.name();
    }

    /**
     * Closes this connection from another thread, as rabbitmqctl close_connection and a deleted user or vhost
     * do: connection.close with {@code code} and RabbitMQ's "CONNECTION_FORCED - reason", channels gone at once.
     */
    void closeForced(int code, String reason) {
        ctx.executor().execute(() -> {
            closeWithError(new ConnectionException(code, reason, 0, 0));
            ctx.flush();
        });
    }

    BrokerServices services() {
        return services;
    }

    int frameMax() {
        return frameMax;
    }

    boolean consumerCancelNotify() {
        return consumerCancelNotify;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    /** Writes a method frame; it goes out with the next flush. */
    void send(int channel, Method method) {
        ctx.write(new MethodFrame(channel, method), ctx.voidPromise());
    }

    /** Writes a frame, or bytes already framed, without flushing. */
    void write(Object frameOrBytes) {
        ctx.write(frameOrBytes, ctx.voidPromise());
    }

    /** Flushes after the tasks already queued on the loop have run, so that a burst goes out in one write. */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
    }

    /** Called once a channel's close-ok has gone out, or it is gone with the connection. */
    void channelClosed(int id) {
        if (channels.remove(id) != null) {
            services.limits().closeChannel(user);
        }
    }

    void ownExclusive(Queue q) {
        exclusiveQueues.add(q);
    }

    /**
     * Thread-safe: may queues hand this connection more deliveries? A queue told no waits for a wake-up. The flag
     * is raised before the bytes are looked at again: a write finishing between the first look and the flag
     * would not see the flag and not wake anyone, and the queue, its publishers held back by the same backlog,
     * would wait for a timer (both are volatile, so one side always sees the other).
     */
    boolean acceptingDeliveries() {
        if (ctx.channel().isWritable() && pendingDeliveryBytes.get() < MAX_PENDING_DELIVERY_BYTES) {
            return true;
        }
        deliveriesStarved = true;
        return ctx.channel().isWritable() && pendingDeliveryBytes.get() < MAX_PENDING_DELIVERY_BYTES;
    }

    void deliveriesQueued(long bytes) {
        pendingDeliveryBytes.addAndGet(bytes);
    }

    /** On the loop, after deliveries were written: if a queue held back for us, let it go on. */
    void deliveriesWritten(long bytes) {
        long left = pendingDeliveryBytes.addAndGet(-bytes);
        if (deliveriesStarved && left < MAX_PENDING_DELIVERY_BYTES / 2 && ctx.channel().isWritable()) {
            wakeQueues();
        }
    }

    /**
     * Publisher back-pressure, as RabbitMQ's credit flow: a connection that is too far ahead of the queues
     * it publishes to stops reading its socket until they catch up. On the loop.
     */
    void enqueuesPosted(long n) {
        if (pendingEnqueues.addAndGet(n) > ENQUEUE_CREDIT_HIGH && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** A queue gave credit back. On the queue's thread. */
    @Override
    public void granted(long units) {
        long left = pendingEnqueues.addAndGet(-units);
        if (left <= ENQUEUE_CREDIT_LOW && left + units > ENQUEUE_CREDIT_LOW) {
            ctx.executor().execute(this::resumeReading);
        }
    }

    private void resumeReading() {
        if (!ctx.channel().config().isAutoRead() && state != State.CLOSED && !blockedByAlarm) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Resource alarms, as RabbitMQ's control_throttle: an alarm blocks nobody at once; a connection that then
     * publishes is blocked at the publish's content header ({@link #block}): it stops being read (its consumers'
     * acks wait with it; consumers elsewhere keep draining) and is told connection.blocked if it announced that
     * capability. When every alarm clears, blocked connections are told connection.unblocked, and what they sent
     * meanwhile is read in order. On the loop; {@link ResourceAlarms} calls it when an alarm changes.
     */
    void alarmsChanged() {
        if (state != State.OPEN || !blockedByAlarm || services.alarms().reason() != null) {
            return;
        }
        blockedByAlarm = false;
        LOG.info("unblocking connection {} (user '{}')", peer(), user);
        if (blockedCapability) {
            ctx.writeAndFlush(new MethodFrame(0, new ConnectionMethod.Unblocked()));
        }
        while (!blockedByAlarm && !held.isEmpty() && state != State.CLOSED) {
            Frame f = held.poll();
            try {
                process(f);
            } finally {
                io.netty.util.ReferenceCountUtil.release(f);
            }
        }
        if (!blockedByAlarm && pendingEnqueues.get() <= ENQUEUE_CREDIT_HIGH) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.flush();
    }

    private void block(String reason) {
        if (blockedByAlarm) {
            return;
        }
        blockedByAlarm = true;
        LOG.info("blocking publishing connection {} (user '{}'): {}", peer(), user, reason);
        ctx.channel().config().setAutoRead(false);
        if (blockedCapability) {
            ctx.writeAndFlush(new MethodFrame(0, new ConnectionMethod.Blocked(reason)));
        }
    }

    private void releaseHeld() {
        Frame f;
        while ((f = held.poll()) != null) {
            io.netty.util.ReferenceCountUtil.release(f);
        }
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    private void wakeQueues() {
        deliveriesStarved = false;
        channels.values().forEach(AmqpChannel::wakeQueues);
    }

    /** RabbitMQ's description of a frame it did not expect: {@code type 1, all octets = <<0,20,0,10,0>>}. */
    private String snippet(Frame frame) {
        io.netty.buffer.ByteBuf payload = ctx.alloc().heapBuffer();
        try {
            int type;
            if (frame instanceof MethodFrame mf) {
                type = Frame.FRAME_METHOD;
                mf.method().encode(payload);
            } else if (frame instanceof io.leveret.codec.ContentHeaderFrame h) {
                type = Frame.FRAME_HEADER;
                payload.writeShort(h.classId()).writeShort(0).writeLong(h.bodySize()).writeBytes(h.content().duplicate());
            } else if (frame instanceof io.leveret.codec.ContentBodyFrame b) {
                type = Frame.FRAME_BODY;
                payload.writeBytes(b.content().duplicate());
            } else {
                type = Frame.FRAME_HEARTBEAT;
            }
            return io.leveret.codec.ErlangTerms.frameSnippet(type, payload);
        } finally {
            payload.release();
        }
    }

    /**
     * The broker is stopping: an open connection gets connection.close 320 with RabbitMQ's text for a node
     * shutdown (clients recognise it and reconnect elsewhere), one still in its handshake is just dropped.
     * The close-ok ends it; the broker waits only a little for that before the loops stop.
     */
    public void onBrokerShutdown() {
        if (state == State.OPEN) {
            closeWithError(new ConnectionException(ReplyCode.CONNECTION_FORCED,
                    "broker forced connection closure with reason 'shutdown'", 0, 0));
        } else if (state != State.CLOSING && state != State.CLOSED) {
            ctx.close();
        }
    }

    /** A hard error: send connection.close and wait for close-ok; the channels are gone at once. */
    void closeWithError(ConnectionException e) {
        closeWithError(e, CLOSE_OK_TIMEOUT_MILLIS);
    }

    private void closeWithError(ConnectionException e, long closeAfterMillis) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        LOG.warn("closing connection {} (user '{}'): {}", peer(), user, e.getMessage());
        releaseChannels();
        state = State.CLOSING;
        if (blockedByAlarm) {
            // what it sent while blocked is moot now; read on, so that its close-ok reaches us
            blockedByAlarm = false;
            releaseHeld();
            ctx.channel().config().setAutoRead(true);
        }
        ctx.writeAndFlush(new MethodFrame(0, new ConnectionMethod.Close(e.replyCode(), e.replyText(),
                e.classId(), e.methodId())));
        ctx.executor().schedule(this::closeSocket, closeAfterMillis, TimeUnit.MILLISECONDS);
    }

    private void closeSocket() {
        state = State.CLOSED;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseChannels() {
        for (AmqpChannel ch : new ArrayList<>(channels.values())) {
            ch.release();
            services.limits().closeChannel(user);
        }
        channels.clear();
        for (Queue q : exclusiveQueues) {
            q.vhost().deleteQueue(q);
        }
        exclusiveQueues.clear();
    }

    /**
     * What the management API shows of this open connection, read on its loop (the fields are confined
     * there): completes with null if the connection is closing or closed.
     */
    public java.util.concurrent.CompletableFuture<ConnectionView> view() {
        java.util.concurrent.CompletableFuture<ConnectionView> f = new java.util.concurrent.CompletableFuture<>();
        ctx.executor().execute(() -> {
            if (state != State.OPEN) {
                f.complete(null);
                return;
            }
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            f.complete(new ConnectionView(this, user, vhost.name(), peer.getAddress().getHostAddress(), peer.getPort(),
                    local.getAddress().getHostAddress(), local.getPort(), mechanism,
                    ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null, clientProperties, channels.size(),
                    channelMax, frameMax, heartbeat, connectedAt, channelViews()));
        });
        return f;
    }

    private java.util.List<ConnectionView.ChannelView> channelViews() {
        java.util.List<ConnectionView.ChannelView> out = new ArrayList<>();
        for (AmqpChannel ch : channels.values()) {
            java.util.List<ConnectionView.ConsumerView> consumers = new ArrayList<>();
            for (AmqpChannel.ChannelConsumer c : ch.consumers.values()) {
                io.leveret.server.vhost.QueueConsumer qc = c.queueConsumer();
                consumers.add(new ConnectionView.ConsumerView(c.tag(), c.queue().name(), !qc.noAck(), qc.exclusive(),
                        qc.prefetch(), qc.arguments()));
            }
            out.add(new ConnectionView.ChannelView(ch.id(), ch.unacked.size(), ch.consumerPrefetch, consumers));
        }
        out.sort(java.util.Comparator.comparingInt(ConnectionView.ChannelView::number));
        return out;
    }

    /** Closes the connection from the broker's side: connection.close 320 CONNECTION_FORCED with {@code reason}. */
    public void forceClose(String reason) {
        ctx.executor().execute(() -> closeWithError(new ConnectionException(ReplyCode.CONNECTION_FORCED, reason, 0, 0)));
    }

    /** The management API's name of this connection, its statistics key. */
    String name() {
        return io.leveret.server.stats.ConnectionNames.of(ctx.channel().remoteAddress(), ctx.channel().localAddress());
    }

    /** Open channels for the per-connection gauge, read racily from a scrape's thread. */
    private io.leveret.server.stats.Occupancy occupancy() {
        return new io.leveret.server.stats.Occupancy() {
            @Override
            public int channels() {
                return channels.size();
            }
        };
    }

    /** recv_oct and send_oct, counted at the socket (a pipeline without the counter, in tests, counts none). */
    private io.leveret.server.stats.CounterSource octets() {
        io.leveret.server.stats.OctetCounter c = ctx.pipeline().get(io.leveret.server.stats.OctetCounter.class);
        return c != null ? c.counters() : new io.leveret.server.stats.Counters();
    }

    String peer() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
    }

}
