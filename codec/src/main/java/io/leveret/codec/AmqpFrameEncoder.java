package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * {@link Frame}s to bytes (spec 4.2.3). Stateless, so one instance serves every connection.
 *
 * <p>A content body leaves as a composite of a fresh 7-octet header, the body buffer itself (retained, not
 * copied) and the end octet; splitting bodies by frame_max is the sender's job. MessageToMessageEncoder
 * releases each input frame after {@link #encode}, so whatever is passed on is retained first.
 */
@Sharable
public final class AmqpFrameEncoder extends MessageToMessageEncoder<Frame> {
    public static final AmqpFrameEncoder INSTANCE = new AmqpFrameEncoder();

    private AmqpFrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBufAllocator alloc = ctx.alloc();
        if (frame instanceof MethodFrame m) {
            out.add(encodeMethod(alloc, m));
        } else if (frame instanceof ContentHeaderFrame h) {
            out.add(encodeContentHeader(alloc, h));
        } else if (frame instanceof ContentBodyFrame b) {
            out.add(encodeContentBody(alloc, b));
        } else if (frame instanceof HeartbeatFrame) {
            ByteBuf buf = alloc.buffer(Frame.FRAME_OVERHEAD);
            buf.writeByte(Frame.FRAME_HEARTBEAT).writeShort(0).writeInt(0).writeByte(Frame.FRAME_END);
            out.add(buf);
        } else if (frame instanceof ProtocolHeader) {
            // Spec 4.2.2: a server that rejects a header answers with the one it supports, so this is
            // the same 8 octets whether or not the peer's header was supported.
            out.add(alloc.buffer(ProtocolHeader.AMQP_0_9_1.length).writeBytes(ProtocolHeader.AMQP_0_9_1));
        } else if (frame instanceof MalformedFrame) {
            throw new IllegalArgumentException("a MalformedFrame reports bad input and cannot be encoded: " + frame);
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
    }

    private static ByteBuf encodeMethod(ByteBufAllocator alloc, MethodFrame frame) {
        ByteBuf buf = alloc.buffer();
        try {
            writeMethodFrame(buf, frame.channel(), frame.method());
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Appends a whole method frame to {@code out}; on failure {@code out} is left as it was. */
    public static void writeMethodFrame(ByteBuf out, int channel, Method method) {
        int start = out.writerIndex();
        try {
            out.writeByte(Frame.FRAME_METHOD).writeShort(channel).writeInt(0);
            method.encode(out);
            out.setInt(start + 3, out.writerIndex() - start - AmqpFrameDecoder.FRAME_HEADER_SIZE);
            out.writeByte(Frame.FRAME_END);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /** Appends a content header frame carrying {@code rawProperties} (flag word onward) as they are. */
    public static void writeContentHeaderFrame(ByteBuf out, int channel, int classId, long bodySize,
                                               ByteBuf rawProperties) {
        int size = AmqpFrameDecoder.CONTENT_HEADER_PREFIX + rawProperties.readableBytes();
        out.writeByte(Frame.FRAME_HEADER).writeShort(channel).writeInt(size)
                .writeShort(classId).writeShort(0).writeLong(bodySize)
                .writeBytes(rawProperties, rawProperties.readerIndex(), rawProperties.readableBytes())
                .writeByte(Frame.FRAME_END);
    }

    /**
     * Appends body frames for {@code body}, split at {@code frameMax}, copying the bytes: for small bodies,
     * one copy into a shared buffer costs less than a composite buffer per frame.
     */
    public static void writeContentBodyFrames(ByteBuf out, int channel, ByteBuf body, int frameMax) {
        int len = body.readableBytes();
        int max = frameMax - Frame.FRAME_OVERHEAD;
        for (int off = 0; off < len; off += max) {
            int n = Math.min(max, len - off);
            out.writeByte(Frame.FRAME_BODY).writeShort(channel).writeInt(n)
                    .writeBytes(body, body.readerIndex() + off, n)
                    .writeByte(Frame.FRAME_END);
        }
    }

    /** Spec 4.2.6.1; the properties go out as the raw bytes the frame holds, not encoded again. */
    private static ByteBuf encodeContentHeader(ByteBufAllocator alloc, ContentHeaderFrame frame) {
        ByteBuf raw = frame.content();
        ByteBuf buf = alloc.buffer(Frame.FRAME_OVERHEAD + AmqpFrameDecoder.CONTENT_HEADER_PREFIX + raw.readableBytes());
        writeContentHeaderFrame(buf, frame.channel(), frame.classId(), frame.bodySize(), raw);
        return buf;
    }

    private static ByteBuf encodeContentBody(ByteBufAllocator alloc, ContentBodyFrame frame) {
        ByteBuf body = frame.content();
        ByteBuf header = alloc.buffer(AmqpFrameDecoder.FRAME_HEADER_SIZE)
                .writeByte(Frame.FRAME_BODY).writeShort(frame.channel()).writeInt(body.readableBytes());
        ByteBuf end = alloc.buffer(1).writeByte(Frame.FRAME_END);
        return alloc.compositeBuffer(3).addComponents(true, header, body.retainedSlice(), end);
    }
}
