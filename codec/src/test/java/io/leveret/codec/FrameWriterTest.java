package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The static frame writers that pack a whole delivery (method, header, body frames) into one buffer. */
class FrameWriterTest {

    @Test
    void aDeliveryPackedIntoOneBufferDecodesFrameByFrame() {
        byte[] body = new byte[10_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        BasicProperties props = new BasicProperties("text/plain", null, null, 2, null, null, null, null, null,
                null, null, null, null, null);
        ByteBuf raw = Unpooled.buffer();
        props.encode(raw);
        ByteBuf out = Unpooled.buffer();
        ByteBuf bodyBuf = Unpooled.wrappedBuffer(body);
        try {
            AmqpFrameEncoder.writeMethodFrame(out, 7, new BasicMethod.Deliver("ctag", 42, true, "ex", "rk"));
            AmqpFrameEncoder.writeContentHeaderFrame(out, 7, BasicMethod.CLASS_ID, body.length, raw);
            AmqpFrameEncoder.writeContentBodyFrames(out, 7, bodyBuf, 4096);
            byte[] bytes = ByteBufUtil.getBytes(out);
            List<Object> frames = Harness.decode(CodecLimits.DEFAULT.withFrameMax(4096), bytes);
            try {
                // method, content header, then 10000 bytes in frames of at most 4088
                assertEquals(5, frames.size());
                assertEquals(new MethodFrame(7, new BasicMethod.Deliver("ctag", 42, true, "ex", "rk")), frames.get(0));
                ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, frames.get(1));
                assertEquals(props, h.properties());
                assertEquals(10_000, h.bodySize());
                ByteBuf joined = Unpooled.buffer();
                for (Object f : frames.subList(2, 5)) {
                    ContentBodyFrame b = assertInstanceOf(ContentBodyFrame.class, f);
                    assertEquals(7, b.channel());
                    joined.writeBytes(b.content(), b.content().readerIndex(), b.content().readableBytes());
                }
                assertArrayEquals(body, ByteBufUtil.getBytes(joined));
                joined.release();
            } finally {
                Harness.releaseAll(frames);
            }
        } finally {
            out.release();
            raw.release();
            bodyBuf.release();
        }
    }

    @Test
    void aMethodThatCannotBeEncodedLeavesTheBufferAsItWas() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(1);
            String tooLong = "x".repeat(300);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> AmqpFrameEncoder.writeMethodFrame(out, 1, new QueueMethod.DeclareOk(tooLong, 0, 0)));
            assertEquals(1, out.writerIndex());
        } finally {
            out.release();
        }
    }
}
