package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.HeartbeatFrame;
import io.leveret.codec.LongString;
import io.leveret.codec.ProtocolHeader;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import io.leveret.codec.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec 2.2.4 and 4.2.2 as RabbitMQ's rabbit_reader does them: header, start, start-ok, tune, tune-ok, open. */
class HandshakeTest {
    private final AmqpPeer peer = new AmqpPeer();

    @AfterEach
    void close() {
        peer.close();
    }

    private static FieldTable withoutAuthFailureClose() {
        return FieldTable.builder().put("product", "old client")
                .put("capabilities", FieldTable.builder().put("publisher_confirms", true).build()).build();
    }

    @Test
    void theProtocolHeaderIsAnsweredWithConnectionStart() {
        ConnectionMethod.Start start = peer.start();
        assertEquals(0, start.versionMajor());
        assertEquals(9, start.versionMinor());
        assertEquals("PLAIN AMQPLAIN", start.mechanisms().toString());
        assertEquals("en_US", start.locales().toString());
        FieldTable props = start.serverProperties();
        assertInstanceOf(FieldTable.class, props.get("capabilities"));
        FieldTable caps = (FieldTable) props.get("capabilities");
        for (String cap : List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                "authentication_failure_close", "per_consumer_qos", "direct_reply_to")) {
            assertEquals(Boolean.TRUE, caps.get(cap), cap);
            assertEquals('t', caps.field(cap).type(), cap);
        }
        for (String key : List.of("product", "version", "platform", "copyright", "information", "cluster_name")) {
            assertEquals('S', props.field(key).type(), key);
        }
        peer.expectNothing();
        assertTrue(peer.isOpen());
    }

    @ParameterizedTest
    @ValueSource(strings = {"AMQP\0\0\u0009\0", "AMQP\0\0\u0008\0", "AMQP\u0003\u0001\0\0", "GET / HTTP/1.1\r\n"})
    void anUnsupportedHeaderGetsOursBackAndTheSocketClosed(String header) {
        peer.sendRaw(header.getBytes(StandardCharsets.ISO_8859_1));
        assertArrayEquals(ProtocolHeader.AMQP_0_9_1, peer.rawOutput());
        assertFalse(peer.isOpen());
    }

    /** rabbit_reader's version_negotiation: {1,1,0,9} "is the protocol header for 0-9", served as 0-9-1. */
    @Test
    void theAmqp09HeaderIsAcceptedAsRabbitMqDoes() {
        peer.sendRaw(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9});
        ConnectionMethod.Start start = peer.expect(0, ConnectionMethod.Start.class);
        assertEquals(0, start.versionMajor());
        assertEquals(9, start.versionMinor());
    }

    @Test
    void plainLoginIsAnsweredWithTune() {
        ConnectionMethod.Tune tune = peer.login();
        assertEquals(2047, tune.channelMax());
        assertEquals(131072, tune.frameMax());
        assertEquals(60, tune.heartbeat());
    }

    @Test
    void plainWithAnAuthorisationIdentity() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                LongString.of("guest\0guest\0guest".getBytes(StandardCharsets.UTF_8)), "en_US"));
        peer.expect(0, ConnectionMethod.Tune.class);
    }

    @Test
    void amqplainLoginIsAnsweredWithTune() {
        ByteBuf buf = Unpooled.buffer();
        Wire.writeTable(buf, FieldTable.builder().put("LOGIN", "guest").put("PASSWORD", "guest").build());
        byte[] table = ByteBufUtil.getBytes(buf);
        buf.release();
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "AMQPLAIN",
                LongString.of(Arrays.copyOfRange(table, 4, table.length)), "en_US"));
        ConnectionMethod.Tune tune = peer.expect(0, ConnectionMethod.Tune.class);
        assertEquals(2047, tune.channelMax());
        assertEquals(131072, tune.frameMax());
        assertEquals(60, tune.heartbeat());
    }

    @Test
    void aWrongPasswordWithAuthenticationFailureCloseGets403() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                AmqpPeer.plain("guest", "wrong"), "en_US"));
        peer.expectConnectionClose(ReplyCode.ACCESS_REFUSED, "ACCESS_REFUSED - Login was refused using "
                + "authentication mechanism PLAIN. For details see the broker logfile.");
        peer.send(0, new ConnectionMethod.CloseOk());
        assertFalse(peer.isOpen());
    }

    @Test
    void withoutCloseOkTheRefusedConnectionStillEnds() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                AmqpPeer.plain("guest", "wrong"), "en_US"));
        peer.expect(0, ConnectionMethod.Close.class);
        peer.assertClosedWithoutCloseOk();
    }

    @Test
    void anUnknownUserIsRefusedLikeAWrongPassword() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                AmqpPeer.plain("nobody", "guest"), "en_US"));
        peer.expectConnectionClose(ReplyCode.ACCESS_REFUSED, "ACCESS_REFUSED - Login was refused using "
                + "authentication mechanism PLAIN. For details see the broker logfile.");
    }

    /** rabbit_reader:auth_fail sends the close with method none: class 0, method 0. */
    @Test
    void theAuthenticationFailureCloseNamesNoMethod() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(AmqpPeer.CLIENT_PROPERTIES, "PLAIN",
                AmqpPeer.plain("guest", "wrong"), "en_US"));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(0, close.classId());
        assertEquals(0, close.methodId());
    }

    @Test
    void aWrongPasswordWithoutTheCapabilityJustClosesTheSocket() {
        peer.start();
        peer.send(0, new ConnectionMethod.StartOk(withoutAuthFailureClose(), "PLAIN",
                AmqpPeer.plain("guest", "wrong"), "en_US"));
        peer.expectNothing();
        peer.assertClosedWithoutCloseOk();
        peer.expectNothing();
    }

    private void tuneOk(int channelMax, long frameMax) {
        peer.login();
        peer.send(0, new ConnectionMethod.TuneOk(channelMax, frameMax, 0));
    }

    /**
     * Tune-ok outside the offered limits. rabbit_reader's fail_negotiation raises NOT_ALLOWED ("negotiated
     * frame_max = 1000 is lower than the minimum allowed value (4096)") naming connection.tune, which its
     * handle_method0 catch turns into a handshake error: nothing is sent and the socket ends after
     * ?SILENT_CLOSE_DELAY. That is what RabbitMQ 3.10.8 does on the wire (interop-tests RawProtocolTest).
     */
    @ParameterizedTest(name = "channel_max {0}, frame_max {1}")
    @CsvSource({"2047, 1000", "2047, 4095", "2047, 0", "2047, 131073", "0, 131072", "2048, 131072"})
    void tuneOkOutsideTheOfferedLimitsClosesSilently(int channelMax, long frameMax) {
        tuneOk(channelMax, frameMax);
        peer.expectNothing();
        peer.elapse(2000);
        assertTrue(peer.isOpen(), "RabbitMQ waits before it drops the socket");
        peer.send(0, new ConnectionMethod.Open("/", "", false));
        peer.expectNothing();
        peer.assertClosedWithoutCloseOk();
        peer.expectNothing();
    }

    /**
     * Before tune-ok only frames up to frame-min-size (4096) are accepted, with RabbitMQ's fudge: a payload of
     * 4096 octets is taken, one of 4097 is a frame error before connection.open, which RabbitMQ answers
     * with nothing and a dropped socket after 3 s.
     */
    @ParameterizedTest(name = "start-ok payload {0}")
    @CsvSource({"4096, true", "4097, false"})
    void beforeTuneOkFramesAreLimitedToTheMinimumFrameSize(int payloadSize, boolean accepted) {
        peer.start();
        FieldTable base = FieldTable.builder().put("pad", LongString.of(new byte[0])).build();
        int overhead = startOkPayloadSize(base);
        FieldTable props = FieldTable.builder()
                .put("pad", LongString.of(new byte[payloadSize - overhead])).build();
        assertEquals(payloadSize, startOkPayloadSize(props));
        peer.send(0, new ConnectionMethod.StartOk(props, "PLAIN", AmqpPeer.plain("guest", "guest"), "en_US"));
        if (accepted) {
            peer.expect(0, ConnectionMethod.Tune.class);
            return;
        }
        peer.expectNothing();
        peer.elapse(2000);
        assertTrue(peer.isOpen(), "RabbitMQ waits before it drops the socket");
        peer.assertClosedWithoutCloseOk();
        peer.expectNothing();
    }

    private int startOkPayloadSize(FieldTable clientProperties) {
        byte[] frame = peer.encode(new io.leveret.codec.MethodFrame(0, new ConnectionMethod.StartOk(clientProperties,
                "PLAIN", AmqpPeer.plain("guest", "guest"), "en_US")));
        return frame.length - 8;
    }

    @Test
    void theMinimumFrameMaxIsAccepted() {
        peer.open(4096);
        peer.openChannel(1);
    }

    @Test
    void anUnknownVhostIsNotAllowed() {
        tuneOk(2047, 131072);
        peer.send(0, new ConnectionMethod.Open("nope", "", false));
        ConnectionMethod.Close close = peer.expect(0, ConnectionMethod.Close.class);
        assertEquals(ReplyCode.NOT_ALLOWED, close.replyCode());
        assertEquals("NOT_ALLOWED - vhost nope not found", close.replyText());
        assertEquals(10, close.classId());
        assertEquals(40, close.methodId());
        peer.elapse(1000);
        assertTrue(peer.isOpen(), "the server waits for close-ok");
        peer.send(0, new ConnectionMethod.CloseOk());
        assertFalse(peer.isOpen());
    }

    @Test
    void heartbeatsAreAcceptedDuringAndAfterTheHandshake() {
        peer.login();
        peer.send(HeartbeatFrame.INSTANCE);
        peer.send(0, new ConnectionMethod.TuneOk(2047, 131072, 0));
        peer.send(HeartbeatFrame.INSTANCE);
        peer.send(0, new ConnectionMethod.Open("/", "", false));
        peer.expect(0, ConnectionMethod.OpenOk.class);
        peer.send(HeartbeatFrame.INSTANCE, HeartbeatFrame.INSTANCE);
        peer.expectNothing();
        assertTrue(peer.isOpen());
        peer.openChannel(1);
    }

    @Test
    void aClientCloseIsAnsweredWithCloseOkAndTheSocketLeftToTheClient() {
        peer.open();
        peer.openChannel(1);
        peer.send(0, new ConnectionMethod.Close(ReplyCode.REPLY_SUCCESS, "bye", 0, 0));
        peer.expect(0, ConnectionMethod.CloseOk.class);
        peer.send(1, new QueueMethod.Declare(0, "late", false, false, false, false, false, FieldTable.EMPTY));
        peer.expectNothing();
        // Closing TCP is left to the client (RabbitMQ 3.10.8 keeps the socket open after close-ok).
        peer.elapse(1000);
        assertTrue(peer.isOpen());
    }
}
