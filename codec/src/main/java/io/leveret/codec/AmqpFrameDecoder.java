package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Bytes to {@link Frame}s: first the protocol header (spec 4.2.2), then frames (spec 4.2.3).
 *
 * <p>Each state step returns when it needs more bytes. A frame's size is checked against the negotiated
 * frame_max from its 7-octet header, before any of its payload is waited for, so no peer can make us
 * buffer more than frame_max. Payloads are decoded inside a slice of exactly the payload; content bodies
 * and raw properties leave as retained slices of the input, never copies.
 *
 * <p>Bad input becomes exactly one {@link MalformedFrame}; then the decoder discards everything until the
 * connection closes, because after a framing error it has lost sync with the peer. Reply texts follow
 * RabbitMQ's rabbit_reader ({@code type 1, all octets = <<>>: {frame_too_large,...}}).
 *
 * <p>Not thread-safe: one instance per connection, used and tuned on its event loop.
 */
public final class AmqpFrameDecoder extends ByteToMessageDecoder {
    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(AmqpFrameDecoder.class);

    /** type (1) + channel (2) + size (4). */
    static final int FRAME_HEADER_SIZE = 7;
    /** class-id (2) + weight (2) + body-size (8) before the property flags of a content header. */
    static final int CONTENT_HEADER_PREFIX = 12;
    /**
     * RabbitMQ accepts payloads up to frame_max itself rather than frame_max - 8, "since quite a few
     * [clients] get it wrong" (rabbit_reader FRAME_SIZE_FUDGE); clients tuned against RabbitMQ must work here.
     */
    static final int FRAME_SIZE_FUDGE = Frame.FRAME_OVERHEAD;
    /** The largest payload a ByteBuf can hold with the end octet after it. */
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - Frame.FRAME_OVERHEAD;

    private enum State { AWAIT_PROTOCOL_HEADER, AWAIT_FRAME_HEADER, AWAIT_PAYLOAD, DISCARD }

    private CodecLimits limits;
    private State state = State.AWAIT_PROTOCOL_HEADER;
    private int frameType;
    private int channel;
    private int payloadSize;

    public AmqpFrameDecoder(CodecLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The limits in force now, with the frame_max last set by {@link #setFrameMax(int)}. */
    public CodecLimits limits() {
        return limits;
    }

    /**
     * Applies the frame_max negotiated by tune / tune-ok (spec 1.4.2.6); call it on the event loop. It
     * governs every frame whose header has not been read yet. 0 means "no limit" in AMQP; it is taken as
     * the largest frame a ByteBuf can hold.
     */
    public void setFrameMax(int frameMax) {
        if (frameMax == 0) {
            limits = limits.withFrameMax(Integer.MAX_VALUE);
        } else if (frameMax < CodecLimits.FRAME_MIN_SIZE) {
            throw new IllegalArgumentException("frameMax " + frameMax + " is neither 0 nor at least "
                    + CodecLimits.FRAME_MIN_SIZE);
        } else {
            limits = limits.withFrameMax(frameMax);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case AWAIT_PROTOCOL_HEADER -> decodeProtocolHeader(in, out);
            case AWAIT_FRAME_HEADER -> decodeFrameHeader(in, out);
            case AWAIT_PAYLOAD -> decodePayload(in, out);
            case DISCARD -> in.skipBytes(in.readableBytes());
        }
    }

    /**
     * Spec 4.2.2: "AMQP" 0 0 9 1; like RabbitMQ we also take the pre-0-9-1 "AMQP" 1 1 0 9 as 0-9-1, and
     * "AMQP" 1 1 8 0 as a 0-8 peer. Anything else gets our header back and the socket closed.
     */
    private void decodeProtocolHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < ProtocolHeader.AMQP_0_9_1.length) {
            return;
        }
        byte[] header = new byte[ProtocolHeader.AMQP_0_9_1.length];
        in.readBytes(header);
        ProtocolHeader h;
        if (Arrays.equals(header, ProtocolHeader.AMQP_0_9_1) || Arrays.equals(header, AMQP_0_9_LEGACY)) {
            h = new ProtocolHeader(true);
        } else if (Arrays.equals(header, AMQP_0_8_LEGACY)) {
            h = new ProtocolHeader(true, true);
        } else {
            h = new ProtocolHeader(false);
        }
        out.add(h);
        state = h.supported() ? State.AWAIT_FRAME_HEADER : State.DISCARD;
    }

    private static final byte[] AMQP_0_9_LEGACY = {'A', 'M', 'Q', 'P', 1, 1, 0, 9};
    private static final byte[] AMQP_0_8_LEGACY = {'A', 'M', 'Q', 'P', 1, 1, 8, 0};

    private void decodeFrameHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < FRAME_HEADER_SIZE) {
            return;
        }
        frameType = in.readUnsignedByte();
        channel = in.readUnsignedShort();
        long size = in.readUnsignedInt();
        // Spec 4.2.3: frames larger than the negotiated frame_max are a 501, and we say so before
        // waiting for (and so buffering) a single byte of the payload.
        long maxPayload = Math.min((long) limits.frameMax() - Frame.FRAME_OVERHEAD + FRAME_SIZE_FUDGE, MAX_PAYLOAD);
        if (size > maxPayload) {
            fail(in, out, ReplyCode.FRAME_ERROR, ErlangTerms.frameSnippet(frameType, null) + ": {frame_too_large," + size + ","
                    + (limits.frameMax() - Frame.FRAME_OVERHEAD) + "}", 0, 0);
            return;
        }
        payloadSize = (int) size;
        state = State.AWAIT_PAYLOAD;
    }

    private void decodePayload(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < payloadSize + 1) {
            return;
        }
        int start = in.readerIndex();
        ByteBuf payload = in.slice(start, payloadSize);
        int end = in.getUnsignedByte(start + payloadSize);
        if (end != Frame.FRAME_END) {
            // Spec 4.2.3: a frame whose end octet is not frame-end is malformed.
            fail(in, out, ReplyCode.FRAME_ERROR, ErlangTerms.frameSnippet(frameType, payload) + ": {invalid_frame_end_marker," + end + "}",
                    0, 0);
            return;
        }
        Frame frame;
        try {
            frame = switch (frameType) {
                case Frame.FRAME_METHOD -> methodFrame(payload);
                case Frame.FRAME_HEADER -> contentHeaderFrame(in, payload);
                case Frame.FRAME_BODY -> contentBodyFrame(in, start, payload);
                case Frame.FRAME_HEARTBEAT -> heartbeat(payload);
                default -> throw unknownFrame(payload);
            };
        } catch (CodecException e) {
            // The frame was well delimited, so the stream is intact: report it and read on (RabbitMQ
            // waits for close-ok after these).
            in.skipBytes(payloadSize + 1);
            out.add(new MalformedFrame(channel, e.replyCode(), e.getMessage(), e.classId(), e.methodId(), false));
            state = State.AWAIT_FRAME_HEADER;
            return;
        } catch (RuntimeException e) {
            // Every known kind of bad input is a CodecException; anything else is our bug, answered as
            // 541 with the detail in the log rather than the reply.
            LOG.warn("Unexpected failure decoding a frame of type {} on channel {}", frameType, channel, e);
            fail(in, out, ReplyCode.INTERNAL_ERROR, ErlangTerms.frameSnippet(frameType, payload) + ": cannot decode",
                    0, 0);
            return;
        }
        in.skipBytes(payloadSize + 1);
        out.add(frame);
        state = State.AWAIT_FRAME_HEADER;
    }

    /** Content travels on channels; on channel 0 it is a 505, as RabbitMQ reports it. */
    private ContentBodyFrame contentBodyFrame(ByteBuf in, int start, ByteBuf payload) {
        if (channel == 0) {
            throw new CodecException(ReplyCode.UNEXPECTED_FRAME, ErlangTerms.frameSnippet(frameType, payload));
        }
        return new ContentBodyFrame(channel, in.retainedSlice(start, payloadSize));
    }

    private MethodFrame methodFrame(ByteBuf payload) {
        if (payload.readableBytes() < 4) {
            throw unknownFrame(payload);
        }
        int classId = payload.readUnsignedShort();
        int methodId = payload.readUnsignedShort();
        if (!MethodRegistry.isKnown(classId, methodId)) {
            throw new CodecException(ReplyCode.NOT_IMPLEMENTED,
                    "unknown method: class " + classId + ", method " + methodId, classId, methodId);
        }
        int argsStart = payload.readerIndex();
        Method method;
        try {
            method = MethodRegistry.decode(classId, methodId, payload, limits.maxTableDepth());
            if (payload.isReadable()) {
                throw new CodecException(ReplyCode.SYNTAX_ERROR, "unexpected octets after the arguments");
            }
        } catch (CodecException e) {
            // Arguments that do not decode, however they fail: RabbitMQ's "cannot decode" frame error.
            // Only the start is rendered: a reply text is cut at 255 bytes, and 128 octets print longer.
            int shown = Math.min(payloadSize - argsStart, 128);
            throw new CodecException(ReplyCode.FRAME_ERROR, "cannot decode "
                    + ErlangTerms.w(payload, argsStart, shown), classId, methodId);
        }
        return new MethodFrame(channel, method);
    }

    /** Spec 4.2.6.1: class-id, weight (0), body-size, property flags and values. */
    private ContentHeaderFrame contentHeaderFrame(ByteBuf in, ByteBuf payload) {
        if (channel == 0) {
            throw new CodecException(ReplyCode.UNEXPECTED_FRAME, ErlangTerms.frameSnippet(frameType, payload));
        }
        if (payload.readableBytes() < CONTENT_HEADER_PREFIX + 2) {
            throw unknownFrame(payload);
        }
        int classId = payload.readUnsignedShort();
        int weight = payload.readUnsignedShort();
        long bodySize = payload.readLong();
        if (weight != 0) {
            throw new CodecException(ReplyCode.UNEXPECTED_FRAME,
                    "content header weight " + weight + ", must be 0", classId, 0);
        }
        if (classId != BasicMethod.CLASS_ID) {
            // Only the basic class defines content in 0-9-1; RabbitMQ answers a header for another class
            // with 505 too (rabbit_command_assembler).
            throw new CodecException(ReplyCode.UNEXPECTED_FRAME,
                    "got a content header for class " + classId + ", only class " + BasicMethod.CLASS_ID
                            + " carries content", classId, 0);
        }
        if (bodySize < 0) {
            throw new CodecException(ReplyCode.FRAME_ERROR, "content body size "
                    + Long.toUnsignedString(bodySize) + " exceeds maximum allowed size " + Long.MAX_VALUE, classId, 0);
        }
        int propertiesStart = payload.readerIndex();
        BasicProperties properties;
        try {
            properties = BasicProperties.decode(payload, limits.maxTableDepth());
        } catch (CodecException e) {
            throw e.in(classId, 0);
        }
        if (payload.isReadable()) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR,
                    payload.readableBytes() + " unexpected octets after the content header properties", classId, 0);
        }
        ByteBuf raw = in.retainedSlice(in.readerIndex() + propertiesStart, payloadSize - propertiesStart);
        return new ContentHeaderFrame(channel, classId, bodySize, properties, raw);
    }

    /** Spec 4.2.7: heartbeats are empty and travel on channel 0; elsewhere RabbitMQ answers 505. */
    private HeartbeatFrame heartbeat(ByteBuf payload) {
        if (payload.isReadable()) {
            throw unknownFrame(payload);
        }
        if (channel != 0) {
            throw new CodecException(ReplyCode.UNEXPECTED_FRAME, ErlangTerms.frameSnippet(frameType, payload));
        }
        return HeartbeatFrame.INSTANCE;
    }

    private CodecException unknownFrame(ByteBuf payload) {
        return new CodecException(ReplyCode.FRAME_ERROR, ErlangTerms.frameSnippet(frameType, payload) + ": unknown_frame");
    }

    /** One error frame, then nothing: the rest of the input is dropped along with all that follows. */
    private void fail(ByteBuf in, List<Object> out, int replyCode, String replyText, int classId, int methodId) {
        in.skipBytes(in.readableBytes());
        out.add(new MalformedFrame(channel, replyCode, replyText, classId, methodId));
        state = State.DISCARD;
    }

}
