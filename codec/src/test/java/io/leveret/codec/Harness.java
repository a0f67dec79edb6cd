package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** Encoder and decoder on EmbeddedChannels, with the buffer bookkeeping the tests share. */
final class Harness {
    private Harness() {
    }

    /** The bytes the encoder writes for {@code frames}, as one array; the channel's buffers are released. */
    static byte[] encode(Frame... frames) {
        EmbeddedChannel ch = new EmbeddedChannel(AmqpFrameEncoder.INSTANCE);
        try {
            for (Frame f : frames) {
                ch.writeOutbound(f);
            }
            ByteBuf all = Unpooled.buffer();
            try {
                for (Object o; (o = ch.readOutbound()) != null; ) {
                    ByteBuf b = (ByteBuf) o;
                    all.writeBytes(b);
                    b.release();
                }
                return ByteBufUtil.getBytes(all);
            } finally {
                all.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** A decoder channel that has already read a good protocol header. */
    static EmbeddedChannel openDecoder(CodecLimits limits) {
        EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(limits));
        ch.writeInbound(Unpooled.wrappedBuffer(ProtocolHeader.AMQP_0_9_1));
        Object header = ch.readInbound();
        if (!new ProtocolHeader(true).equals(header)) {
            throw new AssertionError("expected a supported protocol header, got " + header);
        }
        return ch;
    }

    /** Everything the decoder has produced so far; the caller releases it (see {@link #releaseAll}). */
    static List<Object> drain(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add(o);
        }
        return out;
    }

    /** Decodes frame bytes (no protocol header) in one write; the caller releases the result. */
    static List<Object> decode(CodecLimits limits, byte[] bytes) {
        EmbeddedChannel ch = openDecoder(limits);
        try {
            ch.writeInbound(Unpooled.copiedBuffer(bytes));
            return drain(ch);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** Decodes exactly one frame that must be a method frame and returns its method. */
    static Method decodeMethod(byte[] bytes) {
        List<Object> out = decode(CodecLimits.DEFAULT, bytes);
        try {
            if (out.size() != 1 || !(out.get(0) instanceof MethodFrame mf)) {
                throw new AssertionError("expected one method frame, got " + out);
            }
            return mf.method();
        } finally {
            releaseAll(out);
        }
    }

    static void releaseAll(List<?> objects) {
        for (Object o : objects) {
            ReferenceCountUtil.release(o);
        }
    }

    /** A frame built by hand: type, channel, the payload and the end octet. */
    static byte[] frame(int type, int channel, byte[] payload) {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeByte(type).writeShort(channel).writeInt(payload.length).writeBytes(payload).writeByte(Frame.FRAME_END);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        try {
            for (byte[] p : parts) {
                b.writeBytes(p);
            }
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }
}
