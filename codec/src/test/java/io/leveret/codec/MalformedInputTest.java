package io.leveret.codec;

import static io.leveret.codec.Harness.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad input: each case becomes exactly one {@link MalformedFrame} with the expected reply code
 * and RabbitMQ's wording. After a fatal one (the stream is lost) the decoder discards everything, even good
 * frames; after the others it reads on.
 */
class MalformedInputTest {
    private static final byte[] HEARTBEAT = frame(Frame.FRAME_HEARTBEAT, 0, new byte[0]);

    static Stream<Arguments> corpus() {
        return Stream.of(
                // Spec 4.2.3: the end octet must be frame-end. The stream is lost: nothing more is read.
                bad("bad end octet", endOctet(frame(1, 1, method(20, 10, b -> b.writeByte(0))), 0x00),
                        501, "{invalid_frame_end_marker,0}", true),
                // The rest are well delimited: reported, and decoding goes on (RabbitMQ waits for close-ok).
                bad("unknown frame type", frame(5, 0, new byte[] {1, 2}), 501, "type 5, all octets = <<1,2>>: unknown_frame"),
                bad("unknown frame type, printable payload", frame(7, 0, "abc".getBytes(StandardCharsets.US_ASCII)), 501,
                        "type 7, all octets = <<\"abc\">>: unknown_frame"),
                // Spec 4.2.7: heartbeats travel on channel 0 and are empty; RabbitMQ answers 505 elsewhere.
                bad("heartbeat on channel 3", frame(8, 3, new byte[0]), 505, "type 8, all octets = <<>>"),
                bad("heartbeat with a payload", frame(8, 0, new byte[] {1}), 501, "unknown_frame"),
                bad("content header on channel 0", frame(2, 0, header(60, 0, 3, b -> b.writeShort(0))), 505,
                        "type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,3,0,0>>"),
                bad("content body on channel 0", frame(3, 0, new byte[] {1}), 505, "type 3, all octets = <<1>>"),
                bad("method frame shorter than class and method ids", frame(1, 0, new byte[] {0, 10}), 501,
                        "type 1, all octets = <<0,10>>: unknown_frame"),
                bad("truncated method arguments", frame(1, 1, method(20, 40, b -> b.writeShort(200))), 501,
                        "cannot decode <<0,200>>"),
                bad("trailing bytes after the arguments", frame(1, 1, method(60, 80, b -> b.writeLong(1).writeByte(0).writeByte(9))),
                        501, "cannot decode <<0,0,0,0,0,0,0,1,0,9>>"),
                bad("unknown class", frame(1, 1, method(99, 10, b -> { })), 540, "unknown method: class 99, method 10"),
                bad("unknown method", frame(1, 1, method(10, 99, b -> { })), 540, "unknown method: class 10, method 99"),
                bad("short string length past the payload", frame(1, 1, method(50, 10, b -> b.writeShort(0).writeByte(200).writeBytes("q".getBytes(StandardCharsets.US_ASCII)))),
                        501, "cannot decode <<0,0,200,113>>"),
                bad("table length past the payload", frame(1, 1, method(50, 10, b -> shortstr(b.writeShort(0), "q").writeByte(0).writeInt(1000).writeInt(0))),
                        501, "cannot decode <<0,0,1,113,0,0,0,3,232,0,0,0,0>>"),
                bad("table nested past the depth limit", frame(1, 1, method(50, 10, b -> shortstr(b.writeShort(0), "q").writeByte(0).writeBytes(nestedTable(CodecLimits.DEFAULT_MAX_TABLE_DEPTH + 1)))),
                        501, "cannot decode <<0,0,1,113,0"),
                bad("unknown field type tag", frame(1, 1, method(50, 10, b -> shortstr(b.writeShort(0), "q").writeByte(0).writeBytes(table(t -> shortstr(t, "k").writeByte('Z'))))),
                        501, "cannot decode <<0,0,1,113,0,0,0,0,3,1,107,90>>"),
                bad("timestamp past what an Instant holds", frame(1, 1, method(50, 10, b -> shortstr(b.writeShort(0), "q").writeByte(0).writeBytes(table(t -> shortstr(t, "k").writeByte('T').writeLong(Long.MAX_VALUE))))),
                        501, "cannot decode <<0,0,1,113"),
                bad("property flags with the continuation bit", frame(2, 1, header(60, 0, 5, b -> b.writeShort(0x8001).writeByte(0))),
                        502, "unsupported basic property flags 0x8001"),
                bad("truncated property value", frame(2, 1, header(60, 0, 5, b -> b.writeShort(0x8000).writeByte(9))),
                        502, "truncated short string"),
                bad("content header with a weight", frame(2, 1, header(60, 1, 5, b -> b.writeShort(0))), 505, "weight 1"),
                bad("content header for a class without content", frame(2, 1, header(50, 0, 5, b -> b.writeShort(0))), 505, "class 50"),
                bad("content header shorter than its fixed part", frame(2, 1, new byte[] {0, 60, 0, 0}), 501, "unknown_frame"),
                bad("body size beyond a signed 64-bit length", frame(2, 1, header(60, 0, -1, b -> b.writeShort(0))), 501,
                        "content body size 18446744073709551615"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void becomesOneMalformedFrame(String name, byte[] bytes, int replyCode, String detail, boolean fatal) {
        EmbeddedChannel ch = Harness.openDecoder(CodecLimits.DEFAULT);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
            List<Object> out = Harness.drain(ch);
            assertEquals(1, out.size(), () -> "one error frame: " + out);
            MalformedFrame error = assertInstanceOf(MalformedFrame.class, out.get(0));
            assertEquals(replyCode, error.replyCode(), error::toString);
            assertTrue(error.replyText().contains(detail), () -> error.replyText() + " should contain " + detail);
            assertTrue(!error.replyText().startsWith(ReplyCode.name(replyCode)), "the server adds the code's name");
            assertEquals(fatal, error.fatal(), error::toString);

            ch.writeInbound(Unpooled.wrappedBuffer(HEARTBEAT));
            ch.writeInbound(Unpooled.wrappedBuffer(Harness.encode(new MethodFrame(1, new ChannelMethod.Open("")))));
            if (fatal) {
                assertNull(ch.readInbound(), "nothing after a fatal error");
            } else {
                assertEquals(HeartbeatFrame.INSTANCE, ch.readInbound(), "decoding goes on after the bad frame");
                assertEquals(new MethodFrame(1, new ChannelMethod.Open("")), ch.readInbound());
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void methodErrorsNameTheClassAndMethod() {
        MalformedFrame e = only(Harness.decode(CodecLimits.DEFAULT, frame(1, 4, method(20, 40, b -> b.writeShort(200)))));
        assertEquals(new MalformedFrame(4, 501, "cannot decode <<0,200>>", 20, 40, false), e);
    }

    /** Spec 4.2.3: the size is checked from the 7-octet header alone, before any payload is buffered. */
    @Test
    void oversizeFrameIsRejectedFromItsHeaderAlone() {
        EmbeddedChannel ch = Harness.openDecoder(CodecLimits.DEFAULT);
        try {
            ByteBuf header = Unpooled.buffer().writeByte(Frame.FRAME_BODY).writeShort(1).writeInt(200_000);
            ch.writeInbound(header);
            MalformedFrame e = assertInstanceOf(MalformedFrame.class, ch.readInbound());
            assertEquals(new MalformedFrame(1, 501, "type 3, all octets = <<>>: {frame_too_large,200000,131064}", 0, 0), e);
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[4096]));
            assertNull(ch.readInbound());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * The negotiated frame_max governs the next frame. Like RabbitMQ (rabbit_reader's FRAME_SIZE_FUDGE) a
     * payload of up to frame_max itself is accepted, since some clients forget the 8 octets of overhead.
     */
    @Test
    void negotiatedFrameMaxAppliesToTheNextFrame() {
        AmqpFrameDecoder decoder = new AmqpFrameDecoder(CodecLimits.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(ProtocolHeader.AMQP_0_9_1));
            assertEquals(new ProtocolHeader(true), ch.readInbound());
            decoder.setFrameMax(4096);
            assertEquals(4096, decoder.limits().frameMax());
            ch.writeInbound(Unpooled.wrappedBuffer(frame(3, 1, new byte[4096])));
            ContentBodyFrame body = assertInstanceOf(ContentBodyFrame.class, ch.readInbound());
            assertEquals(4096, body.content().readableBytes());
            body.release();

            ch.writeInbound(Unpooled.buffer().writeByte(3).writeShort(1).writeInt(4097));
            MalformedFrame e = assertInstanceOf(MalformedFrame.class, ch.readInbound());
            assertEquals("type 3, all octets = <<>>: {frame_too_large,4097,4088}", e.replyText());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void frameMaxZeroMeansNoAmqpLimitAndSmallValuesAreRefused() {
        AmqpFrameDecoder decoder = new AmqpFrameDecoder(CodecLimits.DEFAULT);
        decoder.setFrameMax(0);
        assertEquals(Integer.MAX_VALUE, decoder.limits().frameMax());
        assertThrows(IllegalArgumentException.class, () -> decoder.setFrameMax(4095));
        assertThrows(IllegalArgumentException.class, () -> decoder.setFrameMax(-1));
        assertEquals(CodecLimits.DEFAULT_MAX_TABLE_DEPTH, decoder.limits().maxTableDepth());
    }

    @Test
    void tableDepthFollowsTheLimits() {
        byte[] declare = frame(1, 1, method(50, 10, b -> shortstr(b.writeShort(0), "q").writeByte(0).writeBytes(nestedTable(3))));
        MalformedFrame e = only(Harness.decode(new CodecLimits(4096, 2), declare));
        assertEquals(501, e.replyCode());
        assertTrue(e.replyText().startsWith("cannot decode <<"), e.replyText());
        List<Object> ok = Harness.decode(new CodecLimits(4096, 3), declare);
        Harness.releaseAll(ok);
        assertInstanceOf(MethodFrame.class, ok.get(0));
    }

    /** Spec 4.2.2: headers we do not speak are answered with our header, then silence. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignHeaders")
    void foreignProtocolHeaders(String name, byte[] header) {
        EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(CodecLimits.DEFAULT));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(header));
            assertEquals(new ProtocolHeader(false), ch.readInbound());
            ch.writeInbound(Unpooled.wrappedBuffer(ProtocolHeader.AMQP_0_9_1));
            ch.writeInbound(Unpooled.wrappedBuffer(HEARTBEAT));
            assertNull(ch.readInbound());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static Stream<Arguments> foreignHeaders() {
        return Stream.of(
                Arguments.of("HTTP", "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("AMQP 0-10", new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 10}),
                Arguments.of("AMQP 1.0", new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0}),
                Arguments.of("AMQP 0-9-2", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 2}),
                Arguments.of("TLS client hello", new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01}));
    }

    /** As RabbitMQ: "AMQP 1 1 0 9" is taken as 0-9-1, "AMQP 1 1 8 0" as a 0-8 peer. */
    @Test
    void legacyHeadersRabbitMqAccepts() {
        for (byte[] h : List.of(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9}, new byte[] {'A', 'M', 'Q', 'P', 1, 1, 8, 0})) {
            EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(CodecLimits.DEFAULT));
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(h));
                assertEquals(new ProtocolHeader(true, h[6] == 8), ch.readInbound());
                ch.writeInbound(Unpooled.wrappedBuffer(HEARTBEAT));
                assertEquals(HeartbeatFrame.INSTANCE, ch.readInbound());
            } finally {
                ch.finishAndReleaseAll();
            }
        }
    }

    @Test
    void aPartialProtocolHeaderWaits() {
        EmbeddedChannel ch = new EmbeddedChannel(new AmqpFrameDecoder(CodecLimits.DEFAULT));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9}));
            assertNull(ch.readInbound());
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {1}));
            assertEquals(new ProtocolHeader(true), ch.readInbound());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static MalformedFrame only(List<Object> out) {
        Harness.releaseAll(out);
        assertEquals(1, out.size(), out::toString);
        return assertInstanceOf(MalformedFrame.class, out.get(0));
    }

    private static Arguments bad(String name, byte[] bytes, int code, String detail) {
        return bad(name, bytes, code, detail, false);
    }

    private static Arguments bad(String name, byte[] bytes, int code, String detail, boolean fatal) {
        return Arguments.of(name, bytes, code, detail, fatal);
    }

    static byte[] bytes(Consumer<ByteBuf> writer) {
        ByteBuf b = Unpooled.buffer();
        try {
            writer.accept(b);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static byte[] method(int classId, int methodId, Consumer<ByteBuf> arguments) {
        return bytes(b -> {
            b.writeShort(classId).writeShort(methodId);
            arguments.accept(b);
        });
    }

    static byte[] header(int classId, int weight, long bodySize, Consumer<ByteBuf> properties) {
        return bytes(b -> {
            b.writeShort(classId).writeShort(weight).writeLong(bodySize);
            properties.accept(b);
        });
    }

    static byte[] table(Consumer<ByteBuf> entries) {
        byte[] body = bytes(entries);
        return bytes(b -> b.writeInt(body.length).writeBytes(body));
    }

    /** A table holding a table holding ... {@code depth} tables in all. */
    static byte[] nestedTable(int depth) {
        byte[] t = table(b -> { });
        for (int i = 1; i < depth; i++) {
            byte[] inner = t;
            t = table(b -> shortstr(b, "n").writeByte('F').writeBytes(inner));
        }
        return t;
    }

    static ByteBuf shortstr(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.writeByte(bytes.length).writeBytes(bytes);
    }

    private static byte[] endOctet(byte[] frame, int end) {
        byte[] copy = frame.clone();
        copy[copy.length - 1] = (byte) end;
        return copy;
    }
}
