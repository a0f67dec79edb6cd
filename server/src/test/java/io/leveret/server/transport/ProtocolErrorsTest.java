package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.ContentBodyFrame;
import io.leveret.codec.ContentHeaderFrame;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Frame;
import io.leveret.codec.MethodFrame;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hard and soft errors on an open connection, with RabbitMQ's codes and texts. */
class ProtocolErrorsTest {
    private final AmqpPeer peer = new AmqpPeer();

    @BeforeEach
    void open() {
        peer.open();
    }

    @AfterEach
    void close() {
        peer.close();
    }

    private static QueueMethod.Declare declare(String queue) {
        return new QueueMethod.Declare(0, queue, false, false, false, false, false, FieldTable.EMPTY);
    }

    private static ContentHeaderFrame header(int channel, long bodySize) {
        return new ContentHeaderFrame(channel, BasicMethod.CLASS_ID, bodySize, BasicProperties.EMPTY,
                Unpooled.buffer(2).writeShort(0));
    }

    /** The client's close-ok ends a connection the server closed with an error. */
    private void closeOk() {
        peer.send(0, new ConnectionMethod.CloseOk());
        assertFalse(peer.isOpen());
    }

    @Test
    void aMethodOnAnUnopenedChannelIsAChannelError() {
        peer.send(5, declare("q"));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.CHANNEL_ERROR, close.replyCode());
        assertEquals("CHANNEL_ERROR - expected 'channel.open'", close.replyText());
        assertEquals(QueueMethod.CLASS_ID, close.classId());
        assertEquals(QueueMethod.Declare.METHOD_ID, close.methodId());
        assertTrue(peer.isOpen(), "the server waits for close-ok");
        closeOk();
    }

    @Test
    void everythingButCloseAndCloseOkIsIgnoredAfterTheServerClosed() {
        peer.send(5, declare("q"));
        peer.expect(0, ConnectionMethod.Close.class);
        peer.send(0, new ConnectionMethod.Open("/", "", false));
        peer.send(1, new ChannelMethod.Open(""));
        peer.expectNothing();
        peer.send(0, new ConnectionMethod.Close(200, "", 0, 0));
        peer.expect(0, ConnectionMethod.CloseOk.class);
        assertFalse(peer.isOpen());
    }

    @Test
    void aSecondChannelOpenIsAChannelError() {
        peer.openChannel(1);
        peer.send(1, new ChannelMethod.Open(""));
        peer.expectConnectionClose(ReplyCode.CHANNEL_ERROR, "CHANNEL_ERROR - second 'channel.open' seen");
    }

    @Test
    void aContentHeaderWithoutPublishIsUnexpected() {
        peer.openChannel(1);
        peer.send(header(1, 3));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.UNEXPECTED_FRAME, close.replyCode());
        assertEquals("UNEXPECTED_FRAME - expected method frame, got non method frame instead", close.replyText());
        assertEquals(0, close.classId());
        assertEquals(0, close.methodId());
        closeOk();
    }

    @Test
    void aBodyWithoutPublishIsUnexpected() {
        peer.openChannel(1);
        peer.send(new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
        peer.expectConnectionClose(ReplyCode.UNEXPECTED_FRAME,
                "UNEXPECTED_FRAME - expected method frame, got non method frame instead");
    }

    @Test
    void aMethodInTheMiddleOfContentIsUnexpected() {
        peer.openChannel(1);
        peer.send(new MethodFrame(1, new BasicMethod.Publish(0, "", "q", false, false)), header(1, 10),
                new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[4])), new MethodFrame(1, declare("q")));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.UNEXPECTED_FRAME, close.replyCode());
        closeOk();
    }

    @Test
    void aBodyInsteadOfAHeaderIsUnexpected() {
        peer.openChannel(1);
        peer.send(new MethodFrame(1, new BasicMethod.Publish(0, "", "q", false, false)),
                new ContentBodyFrame(1, Unpooled.wrappedBuffer(new byte[4])));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.UNEXPECTED_FRAME, close.replyCode());
        assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
                close.replyText());
        assertEquals(60, close.classId());
        assertEquals(40, close.methodId());
    }

    /** rabbit_command_assembler: the text names the frame expected, and the close names basic.publish. */
    @Test
    void aMethodInsteadOfAHeaderGetsRabbitMqsText() {
        peer.openChannel(1);
        peer.send(new MethodFrame(1, new BasicMethod.Publish(0, "", "q", false, false)),
                new MethodFrame(1, declare("q")));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals("UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
                close.replyText());
        assertEquals(60, close.classId());
        assertEquals(40, close.methodId());
    }

    @Test
    void aMethodInsteadOfABodyGetsRabbitMqsText() {
        peer.openChannel(1);
        peer.send(new MethodFrame(1, new BasicMethod.Publish(0, "", "q", false, false)), header(1, 10),
                new MethodFrame(1, declare("q")));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals("UNEXPECTED_FRAME - expected content body, got non content body frame instead",
                close.replyText());
        assertEquals(60, close.classId());
        assertEquals(40, close.methodId());
    }

    @Test
    void aChannelBeyondChannelMaxIsNotAllowed() {
        AmqpPeer tight = new AmqpPeer();
        try {
            tight.login();
            tight.send(0, new ConnectionMethod.TuneOk(2, 131072, 0), new ConnectionMethod.Open("/", "", false));
            tight.expect(0, ConnectionMethod.OpenOk.class);
            tight.openChannel(1);
            tight.openChannel(2);
            tight.send(3, new ChannelMethod.Open(""));
            tight.expectConnectionClose(ReplyCode.NOT_ALLOWED, null);
        } finally {
            tight.close();
        }
    }

    /** rabbit_reader:create_channel counts open channels; it does not look at the channel number. */
    @Test
    void channelMaxCountsOpenChannelsAsRabbitMqDoes() {
        AmqpPeer tight = new AmqpPeer();
        try {
            tight.login();
            tight.send(0, new ConnectionMethod.TuneOk(2, 131072, 0), new ConnectionMethod.Open("/", "", false));
            tight.expect(0, ConnectionMethod.OpenOk.class);
            tight.openChannel(1);
            tight.openChannel(7);
            tight.send(3, new ChannelMethod.Open(""));
            tight.expectConnectionClose(ReplyCode.NOT_ALLOWED,
                    "NOT_ALLOWED - number of channels opened (2) has reached the negotiated channel_max (2)");
        } finally {
            tight.close();
        }
    }

    @Test
    void aBadFrameEndIsAFrameErrorAndTheSocketIsDropped() {
        byte[] frame = peer.encode(new MethodFrame(0, new ConnectionMethod.Close(200, "", 0, 0)));
        frame[frame.length - 1] = 0;
        peer.sendRaw(frame);
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.FRAME_ERROR, close.replyCode());
        assertTrue(close.replyText().startsWith("FRAME_ERROR - type 1, "), close.replyText());
        assertTrue(close.replyText().endsWith("{invalid_frame_end_marker,0}"), close.replyText());
        peer.assertClosedWithoutCloseOk();
    }

    @Test
    void aFrameOverFrameMaxIsAFrameError() {
        AmqpPeer small = new AmqpPeer();
        try {
            small.open(4096);
            small.openChannel(1);
            byte[] header = {3, 0, 1, 0, 0, 0x13, (byte) 0x88};
            small.sendRaw(header);
            small.expectConnectionClose(ReplyCode.FRAME_ERROR,
                    "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,5000,4088}");
            small.assertClosedWithoutCloseOk();
        } finally {
            small.close();
        }
    }

    /** Well delimited, so the stream is still in sync; whether the socket waits for close-ok is not asserted. */
    @Test
    void anUnknownFrameTypeIsAFrameError() {
        peer.sendRaw(new byte[] {9, 0, 0, 0, 0, 0, 0, (byte) 0xCE});
        peer.expectConnectionClose(ReplyCode.FRAME_ERROR, "FRAME_ERROR - type 9, all octets = <<>>: unknown_frame");
    }

    /** rabbit_reader:handle_frame: a heartbeat on a channel is an unexpected frame, answered like any 505. */
    @Test
    void aHeartbeatOnAChannelIsAnUnexpectedFrame() {
        peer.openChannel(1);
        peer.sendRaw(new byte[] {8, 0, 1, 0, 0, 0, 0, (byte) 0xCE});
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.UNEXPECTED_FRAME, close.replyCode());
        assertEquals("UNEXPECTED_FRAME - type 8, all octets = <<>>", close.replyText());
        closeOk();
    }

    @Test
    void garbageAfterTheHandshakeIsAFrameError() {
        byte[] junk = new byte[64];
        Arrays.fill(junk, (byte) 0x55);
        peer.sendRaw(junk);
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.FRAME_ERROR, close.replyCode());
        peer.assertClosedWithoutCloseOk();
    }

    /** rabbit_reader:handle_method0 answers a handshake method on a running connection with channel_error. */
    @Test
    void aHandshakeMethodOnAnOpenConnectionIsAChannelError() {
        peer.send(0, new ConnectionMethod.TuneOk(2047, 131072, 0));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.CHANNEL_ERROR, close.replyCode());
        assertEquals("CHANNEL_ERROR - unexpected method in connection state running", close.replyText());
        assertEquals(10, close.classId());
        assertEquals(31, close.methodId());
    }

    @Test
    void aChannelErrorClosesOnlyThatChannel() {
        peer.openChannel(1);
        peer.openChannel(2);
        peer.send(1, new BasicMethod.Ack(99, false));
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals(ReplyCode.PRECONDITION_FAILED, close.replyCode());
        assertEquals("PRECONDITION_FAILED - unknown delivery tag 99", close.replyText());
        assertEquals(60, close.classId());
        assertEquals(80, close.methodId());

        // Until close-ok, the closed channel ignores everything else; the other channel works on.
        peer.send(1, declare("ignored"));
        peer.expectNothing();
        peer.declareQueue(2, "q2");
        peer.send(1, new ChannelMethod.CloseOk());
        peer.expectNothing();
        peer.openChannel(1);
        peer.declareQueue(1, "q1");
        assertTrue(peer.isOpen());
    }

    @Test
    void aChannelCloseFromTheClientIsAnsweredAndTheIdCanBeReused() {
        peer.openChannel(1);
        peer.send(1, new ChannelMethod.Close(200, "bye", 0, 0));
        peer.expect(1, ChannelMethod.CloseOk.class);
        peer.openChannel(1);
    }

    @Test
    void publishingToAMissingExchangeClosesTheChannelWith404() {
        peer.openChannel(1);
        peer.send(peer.publish(1, "nope", "k", "body"));
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals(ReplyCode.NOT_FOUND, close.replyCode());
        assertEquals("NOT_FOUND - no exchange 'nope' in vhost '/'", close.replyText());
        assertEquals(60, close.classId());
        assertEquals(40, close.methodId());
    }

    @Test
    void anInvalidExpirationClosesTheChannelWith406() {
        peer.openChannel(1);
        peer.declareQueue(1, "q");
        Frame[] frames = peer.publish(1, new BasicMethod.Publish(0, "", "q", false, false),
                BasicProperties.EMPTY.withExpiration("10x"), new byte[] {1}, 131072);
        peer.send(frames);
        ChannelMethod.Close close = peer.expect(1, ChannelMethod.Close.class);
        assertEquals(ReplyCode.PRECONDITION_FAILED, close.replyCode());
        assertEquals("PRECONDITION_FAILED - invalid expiration '10x': {leftover_string,\"x\"}", close.replyText());
    }
}
