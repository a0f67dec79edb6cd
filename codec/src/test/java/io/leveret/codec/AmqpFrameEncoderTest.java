package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;

/** The frame layouts of spec 4.2.3 and the encoder's contract. */
class AmqpFrameEncoderTest {

    @Test
    void isASharableSingleton() {
        assertTrue(AmqpFrameEncoder.INSTANCE.isSharable());
        assertTrue(AmqpFrameEncoder.class.isAnnotationPresent(ChannelHandler.Sharable.class));
    }

    @Test
    void heartbeat() {
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, (byte) 0xCE}, Harness.encode(HeartbeatFrame.INSTANCE));
    }

    @Test
    void protocolHeaderIsOursEitherWay() {
        assertArrayEquals(ProtocolHeader.AMQP_0_9_1, Harness.encode(new ProtocolHeader(true)));
        assertArrayEquals(ProtocolHeader.AMQP_0_9_1, Harness.encode(new ProtocolHeader(false)));
    }

    @Test
    void methodFrameLayout() {
        byte[] wire = Harness.encode(new MethodFrame(0x0102, new BasicMethod.Ack(5, true)));
        assertArrayEquals(new byte[] {1, 1, 2, 0, 0, 0, 13, 0, 60, 0, 80, 0, 0, 0, 0, 0, 0, 0, 5, 1, (byte) 0xCE}, wire);
    }

    @Test
    void contentHeaderLayout() {
        io.netty.buffer.ByteBuf raw = io.netty.buffer.Unpooled.buffer();
        BasicProperties.EMPTY.encode(raw);
        byte[] wire = Harness.encode(new ContentHeaderFrame(1, 60, 258, BasicProperties.EMPTY, raw));
        assertArrayEquals(new byte[] {2, 0, 1, 0, 0, 0, 14, 0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, (byte) 0xCE}, wire);
    }

    @Test
    void malformedFrameIsNotEncodable() {
        EmbeddedChannel ch = new EmbeddedChannel(AmqpFrameEncoder.INSTANCE);
        try {
            EncoderException e = assertThrows(EncoderException.class,
                    () -> ch.writeOutbound(new MalformedFrame(0, 501, "x", 0, 0)));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFailedMethodEncodingLeaksNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(AmqpFrameEncoder.INSTANCE);
        try {
            EncoderException e = assertThrows(EncoderException.class,
                    () -> ch.writeOutbound(new MethodFrame(1, new QueueMethod.DeclareOk("q".repeat(256), 0, 0))));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            assertEquals(0, ch.outboundMessages().size());
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
