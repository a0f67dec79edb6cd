package io.leveret.codec;

import static io.leveret.codec.Harness.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 14 basic properties in content headers (spec 4.2.6.1), and the raw bytes kept beside them. */
class BasicPropertiesTest {
    static final BasicProperties ALL = new BasicProperties("application/json", "gzip", FieldTables.everyType(), 2, 9,
            "corr-1", "amq.rabbitmq.reply-to", "60000", "msg-1", 1_700_000_000L, "order.created", "guest", "app", "cluster");

    @Test
    void allFourteen() {
        assertRoundTrip(ALL);
    }

    @Test
    void none() {
        assertSame(BasicProperties.EMPTY, assertRoundTrip(BasicProperties.EMPTY));
    }

    @Test
    void some() {
        assertRoundTrip(new BasicProperties("text/plain", null, null, 1, null, null, null, null, null, null, null, null,
                null, null));
        assertRoundTrip(BasicProperties.EMPTY.withHeaders(FieldTable.of(Map.of("x-match", "any"))).withExpiration("5"));
        assertRoundTrip(new BasicProperties(null, null, null, null, null, null, null, null, null, 0L, null, null, null,
                "c"));
    }

    /**
     * A delivery sends the properties exactly as the publisher wrote them: here a header table with a
     * duplicated key and an 'L' tag, which decoding alone would not reproduce.
     */
    @Test
    void rawBytesAreKeptExactly() {
        byte[] table = MalformedInputTest.table(t -> {
            MalformedInputTest.shortstr(t, "k").writeByte('L').writeLong(1);
            MalformedInputTest.shortstr(t, "k").writeByte('S').writeInt(1).writeByte('v');
        });
        byte[] properties = MalformedInputTest.bytes(b -> b.writeShort(0x2000 | 0x1000).writeBytes(table).writeByte(2));
        byte[] wire = frame(Frame.FRAME_HEADER, 5, MalformedInputTest.header(60, 0, 3, b -> b.writeBytes(properties)));

        List<Object> out = Harness.decode(CodecLimits.DEFAULT, wire);
        ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, out.get(0));
        try {
            assertEquals(1, h.properties().headers().size());
            assertEquals(2, h.properties().deliveryMode());
            assertArrayEquals(properties, ByteBufUtil.getBytes(h.content()));
            assertArrayEquals(wire, Harness.encode(h.retain()), "re-sent byte for byte");
        } finally {
            Harness.releaseAll(out);
        }
    }

    /** Encodes (the encoder releases the frame it is given), decodes, checks; returns the decoded properties. */
    private static BasicProperties assertRoundTrip(BasicProperties properties) {
        ByteBuf raw = Unpooled.buffer();
        properties.encode(raw);
        byte[] rawBytes = ByteBufUtil.getBytes(raw);
        byte[] wire = Harness.encode(new ContentHeaderFrame(3, 60, 12345L, properties, raw));
        assertEquals(0, raw.refCnt(), "the encoder released the frame");
        List<Object> out = Harness.decode(CodecLimits.DEFAULT, wire);
        try {
            assertEquals(1, out.size());
            ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, out.get(0));
            assertEquals(3, h.channel());
            assertEquals(60, h.classId());
            assertEquals(12345L, h.bodySize());
            assertEquals(properties, h.properties());
            assertArrayEquals(rawBytes, ByteBufUtil.getBytes(h.content()));
            return h.properties();
        } finally {
            Harness.releaseAll(out);
        }
    }
}
