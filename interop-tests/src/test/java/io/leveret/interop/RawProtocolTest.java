package io.leveret.interop;

import static io.leveret.interop.RawAmqp.FRAME_BODY;
import static io.leveret.interop.RawAmqp.FRAME_HEARTBEAT;
import static io.leveret.interop.RawAmqp.FRAME_METHOD;
import static io.leveret.interop.RawAmqp.contentHeader;
import static io.leveret.interop.RawAmqp.frame;
import static io.leveret.interop.RawAmqp.method;
import static io.leveret.interop.RawAmqp.methodPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.leveret.interop.RawAmqp.Args;
import io.leveret.interop.RawAmqp.Close;
import io.leveret.interop.RawAmqp.Frame;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AMQP 0-9-1 at the byte level, over a plain socket: what the broker answers to a well-formed handshake,
 * and to every kind of bad input a client library would never send. Each expectation is what RabbitMQ
 * 3.10.8 does, observed on the wire (reply code, reply text, class-id, method-id, and how and when the
 * socket ends); each test names the spec section (amqp0-9-1.pdf / amqp0-9-1.xml) it is about.
 *
 * <p>Vocabulary: a "hard error" is a connection.close from the broker; "silent close" is the broker ending
 * the TCP connection without sending anything, which RabbitMQ does for errors before connection.open,
 * after a delay of 3 s ({@code SILENT_CLOSE_DELAY}) so failed logins cannot be retried in a tight loop.
 */
class RawProtocolTest {
    /** RabbitMQ's delay before closing a connection that failed during the handshake. */
    private static final long SILENT_CLOSE_MIN_MS = 2500;
    private static final long SILENT_CLOSE_MAX_MS = 4500;
    private static final Duration PROMPTLY = Duration.ofSeconds(1);

    private static BrokerUnderTest broker;

    @BeforeAll
    static void broker() {
        broker = BrokerUnderTest.shared();
    }

    private static RawAmqp open() {
        return RawAmqp.connect(broker);
    }

    private static void assertClose(Close c, int code, String text, int classId, int methodId) {
        assertEquals(List.of(code, text, classId, methodId),
                List.of(c.replyCode(), c.replyText(), c.classId(), c.methodId()),
                "connection.close (reply-code, reply-text, class-id, method-id)");
    }

    private static void assertSilentCloseDelay(long ms) {
        assertTrue(ms >= SILENT_CLOSE_MIN_MS && ms <= SILENT_CLOSE_MAX_MS,
                "socket closed after " + ms + " ms, expected about 3 s");
    }

    // ------------------------------------------------------------------ 4.2.2 protocol header

    /** Spec 4.2.2 and connection.start: the 0-9-1 header is answered with connection.start on channel 0. */
    @Test
    void protocolHeader0091IsAnsweredWithConnectionStart() {
        try (RawAmqp c = open()) {
            c.sendHeader();
            Frame start = c.expectMethod(10, 10);
            assertEquals(0, start.channel());
            Args.Reader r = start.args();
            assertEquals(List.of(0, 9), List.of(r.octet(), r.octet()), "version-major, version-minor");
            Map<String, Object> props = r.table();
            String mechanisms = r.longstr();
            String locales = r.longstr();
            assertFalse(r.hasRemaining(), "nothing after locales");
            System.out.println("server-properties: " + props + "; mechanisms: " + mechanisms + "; locales: " + locales);
            assertEquals("PLAIN AMQPLAIN", mechanisms);
            assertEquals("en_US", locales);
            Map<String, Object> capabilities = new LinkedHashMap<>();
            for (String cap : List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                    "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                    "authentication_failure_close", "per_consumer_qos", "direct_reply_to")) {
                capabilities.put(cap, true);
            }
            assertEquals(capabilities, props.get("capabilities"), "capabilities, in RabbitMQ's order");
            for (String key : List.of("cluster_name", "copyright", "information", "platform", "product", "version")) {
                assertTrue(props.get(key) instanceof String, "server-properties has a string " + key);
            }
        }
    }

    /** Spec 4.2.2: RabbitMQ takes the pre-0-9-1 "AMQP 1 1 0 9" header as 0-9-1 and sends the same start. */
    @Test
    void legacyHeaderAmqp1109GetsTheSameConnectionStart() {
        byte[] reference;
        try (RawAmqp c = open()) {
            reference = c.sendHeader().expectMethod(10, 10).payload();
        }
        try (RawAmqp c = open()) {
            c.send(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9});
            assertArrayEquals(reference, c.expectMethod(10, 10).payload());
        }
    }

    /** Spec 4.2.2: RabbitMQ still speaks AMQP 0-8 for "AMQP 1 1 8 0": a start with version 8-0 and no capabilities. */
    @Test
    void legacyHeaderAmqp1180GetsAnAmqp08ConnectionStart() {
        try (RawAmqp c = open()) {
            c.send(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 8, 0});
            Args.Reader r = c.expectMethod(10, 10).args();
            assertEquals(List.of(8, 0), List.of(r.octet(), r.octet()), "version-major, version-minor");
            Map<String, Object> props = r.table();
            assertEquals(Map.of(), props.get("capabilities"), "0-8 start carries an empty capabilities table");
            assertEquals("PLAIN AMQPLAIN", r.longstr());
            assertEquals("en_US", r.longstr());
        }
    }

    static Stream<Arguments> unsupportedHeaders() {
        return Stream.of(
                Arguments.of("AMQP 0 0 8 0", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 8, 0}),
                Arguments.of("AMQP 0 0 9 0", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 0}),
                Arguments.of("AMQP 0 0 9 2", new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 2}),
                Arguments.of("AMQP 0 1 0 0 (AMQP 1.0)", new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0}),
                Arguments.of("HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("garbage", new byte[] {0, 'g', 'a', 'r', 'b', 'a', 'g', 'e'}));
    }

    /** Spec 4.2.2: "the server MUST ... write a valid protocol header to the socket, then close the socket". */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unsupportedHeaders")
    void unsupportedHeaderGetsTheSupportedHeaderBackThenTheSocketIsClosed(String name, byte[] header) {
        try (RawAmqp c = open()) {
            c.send(header);
            assertArrayEquals(RawAmqp.HEADER_0_9_1, c.readExactly(8), "the header the broker supports");
            c.assertClosedSilently(PROMPTLY);
        }
    }

    /** Spec 4.2.2 (header) with RabbitMQ's handshake_timeout of 10 s: an incomplete header is dropped then. */
    @Test
    void incompleteProtocolHeaderIsDroppedSilentlyAfterTheHandshakeTimeout() {
        try (RawAmqp c = open()) {
            long sent = System.nanoTime();
            c.send(new byte[] {'A', 'M', 'Q'});
            long ms = c.assertClosedSilently(Duration.ofSeconds(14), sent);
            assertTrue(ms >= 9000 && ms <= 12000, "closed after " + ms + " ms, expected about 10 s");
        }
    }

    // ------------------------------------------------------------------ connection class handshake

    /** connection.start-ok (PLAIN, spec 2.2.4 / SASL RFC 4616), tune, tune-ok, open, open-ok. */
    @Test
    void plainHandshakeTunesAndOpens() {
        try (RawAmqp c = open()) {
            Args.Reader tune = c.startAndAuthenticate().args();
            List<Long> offered = List.of((long) tune.shortInt(), tune.longInt(), (long) tune.shortInt());
            System.out.println("connection.tune channel-max, frame-max, heartbeat = " + offered);
            assertEquals(List.of(2047L, 131072L, 60L), offered, "connection.tune (channel-max, frame-max, heartbeat)");
            c.sendTuneOk(2047, 131072, 0);
            c.sendOpen(broker.vhost());
            assertArrayEquals(new byte[] {0, 10, 0, 41, 0}, c.expectMethod(10, 41).payload(),
                    "connection.open-ok with its reserved shortstr empty");
            c.openChannel(1);
        }
    }

    /** AMQPLAIN: the response is a field table without its length prefix (LOGIN, PASSWORD). */
    @Test
    void amqplainHandshakeTunesAndOpens() {
        try (RawAmqp c = open()) {
            c.sendHeader().expectMethod(10, 10);
            c.sendStartOk(RawAmqp.clientProperties(false), "AMQPLAIN",
                    RawAmqp.amqplainResponse(broker.user(), broker.password()));
            c.expectMethod(10, 30);
            c.sendTuneOk(2047, 131072, 0).sendOpen(broker.vhost()).expectMethod(10, 41);
            c.openChannel(1);
        }
    }

    /**
     * Failed authentication from a client that did not announce authentication_failure_close, an unknown
     * mechanism, and a method other than start-ok: RabbitMQ sends nothing and closes the socket after 3 s.
     */
    @Test
    void handshakeFailuresWithoutTheCapabilityCloseSilentlyAfterThreeSeconds() {
        Map<String, Consumer<RawAmqp>> cases = new LinkedHashMap<>();
        cases.put("PLAIN, wrong password", c -> c.sendStartOk(RawAmqp.clientProperties(false), "PLAIN",
                RawAmqp.plainResponse(broker.user(), broker.password() + "-wrong")));
        cases.put("AMQPLAIN, wrong password", c -> c.sendStartOk(RawAmqp.clientProperties(false), "AMQPLAIN",
                RawAmqp.amqplainResponse(broker.user(), broker.password() + "-wrong")));
        cases.put("unknown mechanism FOO", c -> c.sendStartOk(RawAmqp.clientProperties(true), "FOO",
                RawAmqp.plainResponse(broker.user(), broker.password())));
        cases.put("channel.open instead of start-ok", c -> c.send(method(1, 20, 10, new Args().shortstr("").bytes())));
        runConcurrently(cases, c -> c.sendHeader().expectMethod(10, 10));
    }

    /** A client announcing authentication_failure_close gets connection.close 403 before the socket closes. */
    @Test
    void wrongPasswordWithAuthenticationFailureCloseGets403() {
        for (String mechanism : List.of("PLAIN", "AMQPLAIN")) {
            try (RawAmqp c = open()) {
                c.sendHeader().expectMethod(10, 10);
                c.sendStartOk(RawAmqp.clientProperties(true), mechanism, mechanism.equals("PLAIN")
                        ? RawAmqp.plainResponse(broker.user(), "wrong")
                        : RawAmqp.amqplainResponse(broker.user(), "wrong"));
                assertClose(c.expectConnectionClose(), 403, "ACCESS_REFUSED - Login was refused using authentication "
                        + "mechanism " + mechanism + ". For details see the broker logfile.", 0, 0);
                c.sendCloseOk();
                c.assertClosedSilently(PROMPTLY);
            }
        }
    }

    /** ... and without our close-ok the broker still closes the socket, about 3 s after its close. */
    @Test
    void wrongPasswordCloseWithoutCloseOkEndsTheSocketAfterThreeSeconds() {
        try (RawAmqp c = open()) {
            c.sendHeader().expectMethod(10, 10);
            c.sendStartOk(RawAmqp.clientProperties(true), "PLAIN", RawAmqp.plainResponse(broker.user(), "wrong"));
            c.expectConnectionClose();
            long closeSeen = System.nanoTime();
            assertSilentCloseDelay(c.assertClosedSilently(Duration.ofSeconds(6), closeSeen));
        }
    }

    /** connection.tune-ok rules: frame-max below 4096 or above the offer, channel-max 0 or above the offer. */
    @Test
    void tuneOkOutsideTheOfferedLimitsClosesSilentlyAfterThreeSeconds() {
        Map<String, Consumer<RawAmqp>> cases = new LinkedHashMap<>();
        cases.put("frame_max 4095", c -> c.sendTuneOk(2047, 4095, 0));
        cases.put("frame_max 0", c -> c.sendTuneOk(2047, 0, 0));
        cases.put("frame_max 131073", c -> c.sendTuneOk(2047, 131073, 0));
        cases.put("channel_max 0", c -> c.sendTuneOk(0, 131072, 0));
        cases.put("channel_max 2048", c -> c.sendTuneOk(2048, 131072, 0));
        runConcurrently(cases, RawAmqp::startAndAuthenticate);
    }

    /** connection.tune-ok: 4096 is the smallest frame-max a peer may ask for (spec frame-min-size). */
    @Test
    void tuneOkWithTheMinimumFrameMaxIsAccepted() {
        try (RawAmqp c = open()) {
            c.handshake(2047, 4096, 0).openChannel(1);
        }
    }

    /**
     * Spec 4.2.3 / connection.tune frame-max: until frame-max is negotiated, peers accept frames of up to
     * frame-min-size (4096) octets. RabbitMQ takes a payload of up to 4096 octets (its frame-size fudge) and
     * treats a larger start-ok, e.g. one with big client properties, as a frame error before connection.open:
     * it sends nothing and drops the socket after 3 s.
     */
    @Test
    void startOkLargerThanTheMinimumFrameSizeClosesSilentlyAfterThreeSeconds() {
        Map<String, Consumer<RawAmqp>> cases = new LinkedHashMap<>();
        cases.put("start-ok with a 4097-octet payload", c -> c.send(frame(FRAME_METHOD, 0, startOkPayload(4097))));
        cases.put("start-ok with a 20000-octet payload", c -> c.send(frame(FRAME_METHOD, 0, startOkPayload(20000))));
        runConcurrently(cases, c -> c.sendHeader().expectMethod(10, 10));
        try (RawAmqp c = open()) {
            c.sendHeader().expectMethod(10, 10);
            c.send(frame(FRAME_METHOD, 0, startOkPayload(4096)));
            c.expectMethod(10, 30);
        }
    }

    /** A start-ok method payload of exactly {@code size} octets: PLAIN with the broker's user, padded client properties. */
    private static byte[] startOkPayload(int size) {
        byte[] unpadded = startOkPayload(RawAmqp.clientProperties(false), "");
        int padding = size - unpadded.length;
        byte[] payload = startOkPayload(RawAmqp.clientProperties(false), "x".repeat(padding));
        assertEquals(size, payload.length, "start-ok payload size");
        return payload;
    }

    private static byte[] startOkPayload(Map<String, Object> clientProperties, String pad) {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties);
        props.put("pad", pad);
        return RawAmqp.methodPayload(10, 11, new Args().table(props).shortstr("PLAIN")
                .longstr(RawAmqp.plainResponse(broker.user(), broker.password())).shortstr("en_US").bytes());
    }

    /**
     * connection.tune-ok channel-max: RabbitMQ counts open channels against it (530 on the one too many)
     * and does not check channel numbers against it.
     */
    @Test
    void channelMaxLimitsHowManyChannelsAreOpenNotTheirNumbers() {
        try (RawAmqp c = open()) {
            c.handshake(5, 131072, 0);
            for (int ch : new int[] {1, 2, 3, 4, 2047}) {
                c.openChannel(ch);
            }
            c.sendMethod(6, 20, 10, new Args().shortstr("").bytes());
            assertClose(c.expectConnectionClose(), 530,
                    "NOT_ALLOWED - number of channels opened (5) has reached the negotiated channel_max (5)", 0, 0);
            c.sendCloseOk();
            c.assertClosedSilently(PROMPTLY);
        }
    }

    /** connection.open virtual-host: an unknown vhost is 530; the broker waits for close-ok, then closes. */
    @Test
    void connectionOpenOnAnUnknownVhostIs530() {
        try (RawAmqp c = open()) {
            c.startAndAuthenticate();
            c.sendTuneOk(2047, 131072, 0).sendOpen("no-such-vhost");
            assertClose(c.expectConnectionClose(), 530, "NOT_ALLOWED - vhost no-such-vhost not found", 10, 40);
            c.assertStaysOpenFor(PROMPTLY);
            c.sendCloseOk();
            c.assertClosedSilently(PROMPTLY);
        }
    }

    /** Spec 2.2.4 connection lifecycle: channel.open between tune-ok and connection.open is 505. */
    @Test
    void channelOpenBeforeConnectionOpenIs505() {
        try (RawAmqp c = open()) {
            c.startAndAuthenticate();
            c.sendTuneOk(2047, 131072, 0);
            c.sendMethod(1, 20, 10, new Args().shortstr("").bytes());
            assertClose(c.expectConnectionClose(), 505, "UNEXPECTED_FRAME - type 1, all octets = <<0,20,0,10,0>>", 0, 0);
            c.sendCloseOk();
            c.assertClosedSilently(PROMPTLY);
        }
    }

    /** connection.close from the client (spec 2.2.4): close-ok comes back; closing TCP is left to the client. */
    @Test
    void clientCloseIsAnsweredWithCloseOkAndTheSocketLeftToTheClient() {
        try (RawAmqp c = open()) {
            c.handshake().openChannel(1);
            c.sendMethod(0, 10, 50, new Args().shortInt(200).shortstr("Goodbye").shortInt(0).shortInt(0).bytes());
            Frame closeOk = c.expectMethod(10, 51);
            assertEquals(List.of(0, 4), List.of(closeOk.channel(), closeOk.payload().length), "close-ok, no arguments");
            c.assertStaysOpenFor(PROMPTLY);
        }
    }

    // ------------------------------------------------------------------ 4.2.3 frames: fatal frame errors

    /**
     * Spec 4.2.3: a frame larger than frame-max, or one without the 0xCE end octet, is a 501 frame error.
     * RabbitMQ lets a payload of exactly frame-max through (its text names frame-max - 8), sends
     * connection.close, and ends the socket about 3 s later whether or not close-ok came.
     */
    @Test
    void oversizeFramesAndBadFrameEndAre501ThenTheSocketEndsAfterThreeSeconds() {
        byte[] qos = methodPayload(60, 10, new Args().longInt(0).shortInt(1).octet(0).bytes());
        record Fatal(String name, Consumer<RawAmqp> send, String text) {
        }
        List<Fatal> cases = List.of(
                new Fatal("body frame of frame_max + 1", c -> c.send(method(1, 60, 40,
                        new Args().shortInt(0).shortstr("").shortstr("x").octet(0).bytes()))
                        .send(contentHeader(1, 4097)).send(frame(FRAME_BODY, 1, new byte[4097])),
                        "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,4097,4088}"),
                new Fatal("method frame of 5000", c -> c.send(frame(FRAME_METHOD, 1, new byte[5000])),
                        "FRAME_ERROR - type 1, all octets = <<>>: {frame_too_large,5000,4088}"),
                new Fatal("frame-end 0x00", c -> c.send(frame(FRAME_METHOD, 1, qos, 0x00)),
                        "FRAME_ERROR - type 1, all octets = <<0,60,0,10,0,0,0,0,0,1,0>>: {invalid_frame_end_marker,0}"));
        List<RawAmqp> conns = new ArrayList<>();
        List<Long> closeSeen = new ArrayList<>();
        try {
            for (Fatal f : cases) {
                RawAmqp c = open();
                conns.add(c);
                c.handshake(2047, 4096, 0).openChannel(1);
                f.send().accept(c);
                assertClose(c.expectConnectionClose(), 501, f.text(), 0, 0);
                closeSeen.add(System.nanoTime());
                if (conns.size() == 1) {
                    c.sendCloseOk(); // makes no difference: still about 3 s
                }
            }
            for (int i = 0; i < cases.size(); i++) {
                System.out.print(cases.get(i).name() + ": ");
                assertSilentCloseDelay(conns.get(i).assertClosedSilently(Duration.ofSeconds(6), closeSeen.get(i)));
            }
        } finally {
            conns.forEach(RawAmqp::close);
        }
    }

    /** Spec 4.2.3: frame-max bounds the payload; RabbitMQ accepts a body payload of exactly frame-max. */
    @Test
    void bodyFrameOfExactlyFrameMaxIsAccepted() {
        try (RawAmqp c = open()) {
            c.handshake(2047, 4096, 0).openChannel(1);
            c.send(method(1, 60, 40, new Args().shortInt(0).shortstr("").shortstr("x").octet(0).bytes()))
                    .send(contentHeader(1, 4096)).send(frame(FRAME_BODY, 1, new byte[4096]));
            c.sendMethod(1, 60, 10, new Args().longInt(0).shortInt(1).octet(0).bytes());
            assertEquals(1, c.expectMethod(60, 11).channel(), "basic.qos-ok: the publish went through");
        }
    }

    // ------------------------------------------------------------------ non-fatal hard errors (wait for close-ok)

    private static Close hardError(int frameMax, Consumer<RawAmqp> setUpAndSend) {
        try (RawAmqp c = open()) {
            c.handshake(2047, frameMax, 0);
            setUpAndSend.accept(c);
            Close close = c.expectConnectionClose();
            // The broker waits for close-ok (RabbitMQ gives up after 30 s), and closes at once when it comes.
            c.assertStaysOpenFor(Duration.ofMillis(300));
            c.sendCloseOk();
            c.assertClosedSilently(PROMPTLY);
            return close;
        }
    }

    /** Spec 4.2.3: "any other frame type ... MUST be treated as a connection exception" — 501 in RabbitMQ. */
    @Test
    void unknownFrameTypeIs501() {
        assertClose(hardError(131072, c -> c.send(frame(7, 0, "abc".getBytes(StandardCharsets.US_ASCII)))),
                501, "FRAME_ERROR - type 7, all octets = <<\"abc\">>: unknown_frame", 0, 0);
        assertClose(hardError(131072, c -> c.openChannel(1).send(frame(9, 1, "abc".getBytes(StandardCharsets.US_ASCII)))),
                501, "FRAME_ERROR - type 9, all octets = <<\"abc\">>: unknown_frame", 0, 0);
    }

    /** Spec 4.3 / 4.5 channel.open: a method on a channel that is not open is a 504 channel error. */
    @Test
    void methodOnAnUnopenedChannelIs504() {
        assertClose(hardError(131072, c -> c.sendMethod(3, 50, 10,
                        new Args().shortInt(0).shortstr("q").octet(0).table(Map.of()).bytes())),
                504, "CHANNEL_ERROR - expected 'channel.open'", 50, 10);
    }

    /** Spec 4.3: channel 0 is for the connection class only. */
    @Test
    void channelClassMethodsOnChannelZeroAre504() {
        assertClose(hardError(131072, c -> c.sendMethod(0, 50, 10,
                        new Args().shortInt(0).shortstr("q").octet(0).table(Map.of()).bytes())),
                504, "CHANNEL_ERROR - unexpected method in connection state running", 50, 10);
        assertClose(hardError(131072, c -> c.sendMethod(0, 20, 10, new Args().shortstr("").bytes())),
                504, "CHANNEL_ERROR - unexpected method in connection state running", 20, 10);
    }

    /** channel.open on a channel that is already open is a 504 channel error. */
    @Test
    void secondChannelOpenIs504() {
        assertClose(hardError(131072, c -> c.openChannel(1).sendMethod(1, 20, 10, new Args().shortstr("").bytes())),
                504, "CHANNEL_ERROR - second 'channel.open' seen", 20, 10);
    }

    /** Connection-class methods belong on channel 0: RabbitMQ answers connection.open on channel 1 with 503. */
    @Test
    void connectionMethodOnAChannelIs503() {
        assertClose(hardError(131072, c -> c.openChannel(1).sendMethod(1, 10, 40,
                        new Args().shortstr("/").shortstr("").octet(0).bytes())),
                503, "COMMAND_INVALID - unimplemented method", 10, 40);
    }

    /** Spec 4.2.6: content frames only after a content-bearing method, header then bodies — else 505. */
    @Test
    void contentFramesOutOfSequenceAre505() {
        assertClose(hardError(131072, c -> c.openChannel(1).send(contentHeader(1, 3))),
                505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
        assertClose(hardError(131072, c -> c.openChannel(1).send(frame(FRAME_BODY, 1, new byte[] {1, 2, 3}))),
                505, "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
        byte[] publish = method(1, 60, 40, new Args().shortInt(0).shortstr("").shortstr("x").octet(0).bytes());
        byte[] qos = method(1, 60, 10, new Args().longInt(0).shortInt(1).octet(0).bytes());
        assertClose(hardError(131072, c -> c.openChannel(1).send(publish).send(qos)),
                505, "UNEXPECTED_FRAME - expected content header for class 60, got non content header frame instead",
                60, 40);
        assertClose(hardError(131072, c -> c.openChannel(1).send(publish).send(contentHeader(1, 3)).send(qos)),
                505, "UNEXPECTED_FRAME - expected content body, got non content body frame instead", 60, 40);
    }

    /** Spec 4.2.7 / 4.2.6: heartbeats only on channel 0, content frames never on channel 0 — 505. */
    @Test
    void framesOnTheWrongKindOfChannelAre505() {
        assertClose(hardError(131072, c -> c.openChannel(1).send(frame(FRAME_HEARTBEAT, 1, new byte[0]))),
                505, "UNEXPECTED_FRAME - type 8, all octets = <<>>", 0, 0);
        assertClose(hardError(131072, c -> c.send(contentHeader(0, 3))),
                505, "UNEXPECTED_FRAME - type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,3,0,0>>", 0, 0);
    }

    /** Spec 4.2.5 / 4.2.4: method arguments that end early cannot be decoded — RabbitMQ says 501, not 502. */
    @Test
    void truncatedMethodArgumentsAre501() {
        assertClose(hardError(131072, c -> c.openChannel(1).sendMethod(1, 50, 10, new byte[] {0, 0, 5, 'a', 'b'})),
                501, "FRAME_ERROR - cannot decode <<0,0,5,97,98>>", 50, 10);
        byte[] shortTable = new Args().shortInt(0).shortstr("q").octet(0).longInt(100).raw("abc".getBytes(
                StandardCharsets.US_ASCII)).bytes();
        assertClose(hardError(131072, c -> c.openChannel(1).sendMethod(1, 50, 10, shortTable)),
                501, "FRAME_ERROR - cannot decode <<0,0,1,113,0,0,0,0,100,97,98,99>>", 50, 10);
    }

    /**
     * Unknown class or method ids (spec 4.2.4 suggests 540 NOT_IMPLEMENTED): RabbitMQ sends no
     * connection.close at all; it drops the TCP connection at once.
     */
    @Test
    void unknownClassOrMethodDropsTheConnectionWithoutAClose() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("class 99", method(1, 99, 10));
        cases.put("queue method 99", method(1, 50, 99));
        cases.put("connection method 99 on channel 0", method(0, 10, 99));
        for (Map.Entry<String, byte[]> e : cases.entrySet()) {
            try (RawAmqp c = open()) {
                c.handshake().openChannel(1);
                System.out.print(e.getKey() + ": ");
                c.send(e.getValue()).assertClosedSilently(PROMPTLY);
            }
        }
    }

    /** A peer's hard error is its own: a connection opened before it still publishes and gets afterwards. */
    @Test
    void otherConnectionsKeepWorkingAfterOneIsDropped() throws Exception {
        try (Connection good = broker.factory().newConnection("raw-protocol-bystander")) {
            Channel ch = good.createChannel();
            String queue = ch.queueDeclare("", false, true, true, null).getQueue();
            try (RawAmqp bad = open()) {
                bad.handshake().openChannel(1);
                bad.send(method(1, 50, 99)).assertClosedSilently(PROMPTLY);
            }
            try (RawAmqp bad = open()) {
                bad.handshake(2047, 4096, 0).openChannel(1).send(frame(FRAME_METHOD, 1, new byte[5000]));
                bad.expectConnectionClose();
            }
            ch.basicPublish("", queue, null, "still fine".getBytes(StandardCharsets.UTF_8));
            GetResponse got = ch.basicGet(queue, true);
            assertNotNull(got, "message round trip on the bystander connection");
            assertEquals("still fine", new String(got.getBody(), StandardCharsets.UTF_8));
        }
    }

    // ------------------------------------------------------------------ 4.2.7 heartbeats

    /**
     * Spec 4.2.7: with heartbeat=1 RabbitMQ sends a heartbeat frame every 0.5 s, and drops a peer that sends
     * nothing after about 3 s — without a connection.close.
     */
    @Test
    void heartbeatsArriveEveryHalfIntervalAndASilentPeerIsDropped() {
        try (RawAmqp c = open()) {
            c.startAndAuthenticate();
            long tuned = System.nanoTime();
            c.sendTuneOk(2047, 131072, 1).sendOpen(broker.vhost());
            c.expectMethod(10, 41);
            List<Long> beats = new ArrayList<>();
            while (true) {
                Frame f;
                try {
                    f = c.readFrame();
                } catch (UncheckedIOException e) {
                    break; // EOF or reset: the broker gave up on us
                }
                assertEquals(List.of(FRAME_HEARTBEAT, 0, 0), List.of(f.type(), f.channel(), f.payload().length),
                        "only heartbeat frames (type 8, channel 0, empty) while idle; got " + RawAmqp.describe(f));
                beats.add((System.nanoTime() - tuned) / 1_000_000);
                assertTrue(beats.size() < 25, "still open after " + beats);
            }
            long droppedAfter = (System.nanoTime() - tuned) / 1_000_000;
            System.out.println("heartbeats at ms " + beats + "; dropped after " + droppedAfter + " ms");
            // Margins for a busy 2-core box, where one beat can come late and the next early: the cadence is
            // judged by the mean gap (a broker beating once per interval has 1000 ms), and no single gap may
            // come near the 2 intervals after which a client gives up on the broker.
            assertTrue(beats.size() >= 3, "at least three heartbeats: " + beats);
            assertTrue(beats.get(0) <= 1500, "first heartbeat within 1.5 s: " + beats);
            double meanGap = (beats.get(beats.size() - 1) - beats.get(0)) / (double) (beats.size() - 1);
            assertTrue(meanGap >= 300 && meanGap <= 800, "heartbeats about every 500 ms, mean " + meanGap + ": " + beats);
            for (int i = 1; i < beats.size(); i++) {
                assertTrue(beats.get(i) - beats.get(i - 1) < 1600, "no gap near two intervals: " + beats);
            }
            // Never before two missed intervals; the upper bound only has to tell "dropped" from "kept".
            assertTrue(droppedAfter >= 2000 && droppedAfter <= 7000, "silent peer dropped after about 3 s, was "
                    + droppedAfter + " ms");
        }
    }

    /** Spec 4.2.7: a peer that sends heartbeats stays connected well past the silent-peer limit. */
    @Test
    void heartbeatsFromThePeerKeepTheConnectionOpen() throws Exception {
        try (RawAmqp c = open()) {
            c.startAndAuthenticate();
            c.sendTuneOk(2047, 131072, 1).sendOpen(broker.vhost());
            c.expectMethod(10, 41);
            AtomicBoolean stop = new AtomicBoolean();
            Thread beater = new Thread(() -> {
                while (!stop.get()) {
                    c.send(frame(FRAME_HEARTBEAT, 0, new byte[0]));
                    try {
                        Thread.sleep(300); // a heartbeat's own cadence, not a wait for a condition
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "raw-heartbeats");
            beater.start();
            try {
                long until = System.nanoTime() + Duration.ofMillis(4500).toNanos();
                int beats = 0;
                while (System.nanoTime() < until) {
                    Frame f = c.readFrame();
                    assertEquals(FRAME_HEARTBEAT, f.type(), "only heartbeats while idle");
                    beats++;
                }
                // About 9 at 500 ms; a busy box may delay some, but fewer than 4 in 4.5 s is not a 1 s heartbeat.
                assertTrue(beats >= 4, "kept receiving heartbeats: " + beats);
                c.openChannel(1); // and the connection still works
            } finally {
                stop.set(true);
                beater.interrupt();
                beater.join(2000);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Runs handshake failures side by side, so their 3 s delays overlap: each connection is brought to the
     * point of failure by {@code setUp}, the failing frame is sent, then each must be closed silently after
     * about 3 s.
     */
    private static void runConcurrently(Map<String, Consumer<RawAmqp>> cases, Consumer<RawAmqp> setUp) {
        List<RawAmqp> conns = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        try {
            for (Consumer<RawAmqp> trigger : cases.values()) {
                RawAmqp c = open();
                conns.add(c);
                setUp.accept(c);
                trigger.accept(c);
                sentAt.add(System.nanoTime());
            }
            int i = 0;
            for (String name : cases.keySet()) {
                System.out.print(name + ": ");
                assertSilentCloseDelay(conns.get(i).assertClosedSilently(Duration.ofSeconds(6), sentAt.get(i)));
                i++;
            }
        } finally {
            conns.forEach(RawAmqp::close);
        }
    }
}
