package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A realistic client stream decodes the same however it is split, and content bodies are never copied. */
class FrameStreamTest {

    /** What a publisher sends: handshake, a few methods, a message in two body frames, a heartbeat. */
    static byte[] publisherStream() {
        BasicProperties props = new BasicProperties("text/plain", null, FieldTable.of(Map.of("h", 1)), 2, null, null,
                null, null, null, null, null, null, null, null);
        ByteBuf raw = Unpooled.buffer();
        props.encode(raw);
        return Harness.concat(ProtocolHeader.AMQP_0_9_1, Harness.encode(
                new MethodFrame(0, new ConnectionMethod.StartOk(FieldTable.of(Map.of("product", "test")), "PLAIN",
                        LongString.of("\0guest\0guest"), "en_US")),
                new MethodFrame(0, new ConnectionMethod.TuneOk(2047, 131072, 60)),
                new MethodFrame(0, new ConnectionMethod.Open("/", "", false)),
                new MethodFrame(1, new ChannelMethod.Open("")),
                new MethodFrame(1, new QueueMethod.Declare("q", false, true, false, false, false,
                        FieldTable.of(Map.of("x-queue-type", "classic")))),
                new MethodFrame(1, new BasicMethod.Publish("", "q", true, false)),
                new ContentHeaderFrame(1, 60, 11, props, raw),
                new ContentBodyFrame(1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)),
                new ContentBodyFrame(1, Unpooled.copiedBuffer(" world", StandardCharsets.UTF_8)),
                HeartbeatFrame.INSTANCE,
                new MethodFrame(1, new ChannelMethod.Close(200, "bye", 0, 0))));
    }

    @Test
    void byteAtATimeEqualsOneShot() {
        byte[] stream = publisherStream();
        List<String> oneShot = decodeInChunks(stream, stream.length);
        assertEquals(12, oneShot.size(), oneShot::toString);
        assertEquals(oneShot, decodeInChunks(stream, 1));
        assertEquals(oneShot, decodeInChunks(stream, 7));
        assertEquals(oneShot, decodeInChunks(stream, 8));
        assertEquals("body 1 hello", oneShot.get(8));
        assertEquals("body 1  world", oneShot.get(9));
    }

    /** Frames as comparable text: holders compare by content only, so channel and bytes are spelled out. */
    private static List<String> decodeInChunks(byte[] stream, int chunk) {
        EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(CodecLimits.DEFAULT));
        List<String> seen = new ArrayList<>();
        try {
            for (int i = 0; i < stream.length; i += chunk) {
                ch.writeInbound(Unpooled.copiedBuffer(stream, i, Math.min(chunk, stream.length - i)));
                for (Object o : Harness.drain(ch)) {
                    seen.add(describe(o));
                    io.netty.util.ReferenceCountUtil.release(o);
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return seen;
    }

    private static String describe(Object o) {
        if (o instanceof ContentBodyFrame b) {
            return "body " + b.channel() + " " + b.content().toString(StandardCharsets.UTF_8);
        }
        if (o instanceof ContentHeaderFrame h) {
            return "header " + h.channel() + " " + h.classId() + " " + h.bodySize() + " " + h.properties() + " "
                    + ByteBufUtil.hexDump(h.content());
        }
        return o.toString();
    }

    /** Bodies are retained slices of the bytes as they arrived: same backing array, no copy. */
    @Test
    void bodyIsASliceOfTheInput() {
        byte[] wire = Harness.frame(Frame.FRAME_BODY, 2, "payload".getBytes(StandardCharsets.US_ASCII));
        EmbeddedChannel ch = Harness.openDecoder(CodecLimits.DEFAULT);
        try {
            ByteBuf input = Unpooled.wrappedBuffer(wire);
            ch.writeInbound(input);
            ContentBodyFrame body = assertInstanceOf(ContentBodyFrame.class, ch.readInbound());
            try {
                ByteBuf content = body.content();
                assertNotNull(content.unwrap(), "a derived buffer");
                assertSame(wire, content.array(), "shares the input's memory");
                assertEquals(7, content.arrayOffset() + content.readerIndex());
                assertEquals("payload", content.toString(StandardCharsets.US_ASCII));
                assertEquals(1, input.refCnt(), "the body alone keeps the input alive");
            } finally {
                body.release();
            }
            assertEquals(0, input.refCnt());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void rawPropertiesAreASliceOfTheInput() {
        ByteBuf raw = Unpooled.buffer();
        BasicProperties.EMPTY.withExpiration("10").encode(raw);
        byte[] wire = Harness.encode(new ContentHeaderFrame(1, 60, 0, BasicProperties.EMPTY.withExpiration("10"), raw));
        EmbeddedChannel ch = Harness.openDecoder(CodecLimits.DEFAULT);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(wire));
            ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, ch.readInbound());
            try {
                assertSame(wire, h.content().array());
                assertEquals("10", h.properties().expiration());
            } finally {
                h.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** The encoder wraps a body in header and end octet without copying it, and hands its reference on. */
    @Test
    void encoderSendsTheBodyBufferItself() {
        byte[] bytes = "body bytes".getBytes(StandardCharsets.US_ASCII);
        ByteBuf body = Unpooled.wrappedBuffer(bytes);
        EmbeddedChannel ch = new EmbeddedChannel(AmqpFrameEncoder.INSTANCE);
        try {
            ch.writeOutbound(new ContentBodyFrame(9, body));
            ByteBuf out = ch.readOutbound();
            try {
                assertEquals(1, body.refCnt(), "the frame's reference now belongs to the output");
                io.netty.buffer.CompositeByteBuf composite = assertInstanceOf(io.netty.buffer.CompositeByteBuf.class, out);
                assertSame(bytes, composite.internalComponent(1).array(), "the body is not copied");
                assertArrayEquals(Harness.frame(Frame.FRAME_BODY, 9, bytes), ByteBufUtil.getBytes(out));
            } finally {
                out.release();
            }
            assertEquals(0, body.refCnt());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
