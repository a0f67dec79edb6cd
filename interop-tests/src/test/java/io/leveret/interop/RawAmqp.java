package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hand-written AMQP 0-9-1 peer over a plain socket, for tests that must send what no client library
 * would. Every read has a timeout; frames are built and parsed here byte by byte (spec 4.2.3).
 */
final class RawAmqp implements AutoCloseable {
    static final byte[] HEADER_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    static final int FRAME_METHOD = 1;
    static final int FRAME_HEADER = 2;
    static final int FRAME_BODY = 3;
    static final int FRAME_HEARTBEAT = 8;
    static final int FRAME_END = 0xCE;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final BrokerUnderTest broker;
    private final Socket socket;
    private final DataInputStream in;

    /** One frame as read off the wire. */
    record Frame(int type, int channel, byte[] payload) {
        int classId() {
            return type == FRAME_METHOD ? ByteBuffer.wrap(payload).getShort(0) & 0xFFFF : -1;
        }

        int methodId() {
            return type == FRAME_METHOD ? ByteBuffer.wrap(payload).getShort(2) & 0xFFFF : -1;
        }

        boolean is(int classId, int methodId) {
            return classId() == classId && methodId() == methodId;
        }

        /** A cursor over the method's arguments (after class and method id). */
        Args.Reader args() {
            return new Args.Reader(Arrays.copyOfRange(payload, 4, payload.length));
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", channel=" + channel + ", class=" + classId() + ", method=" + methodId()
                    + ", payload=" + Arrays.toString(payload) + "]";
        }
    }

    /** connection.close or channel.close as the broker sent it. */
    record Close(int channel, int replyCode, String replyText, int classId, int methodId) {
    }

    /** How the broker ended the TCP connection: after how long, with what bytes before the end. */
    record Closed(long afterMillis, byte[] bytesBeforeClose, boolean reset) {
    }

    private RawAmqp(BrokerUnderTest broker) {
        this.broker = broker;
        try {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(broker.host(), broker.port()), 5000);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            in = new DataInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawAmqp connect(BrokerUnderTest broker) {
        return new RawAmqp(broker);
    }

    // ---------------------------------------------------------------- writing

    /** Synchronized: a heartbeat thread may write beside the test thread, and frames must not interleave. */
    synchronized RawAmqp send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] frame(int type, int channel, byte[] payload) {
        return frame(type, channel, payload, FRAME_END);
    }

    static byte[] frame(int type, int channel, byte[] payload, int end) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.put((byte) type).putShort((short) channel).putInt(payload.length).put(payload).put((byte) end);
        return b.array();
    }

    static byte[] methodPayload(int classId, int methodId, byte[] args) {
        return ByteBuffer.allocate(4 + args.length).putShort((short) classId).putShort((short) methodId)
                .put(args).array();
    }

    static byte[] method(int channel, int classId, int methodId, byte[] args) {
        return frame(FRAME_METHOD, channel, methodPayload(classId, methodId, args));
    }

    static byte[] method(int channel, int classId, int methodId) {
        return method(channel, classId, methodId, new byte[0]);
    }

    /** A content header frame for class basic with no properties (spec 4.2.6.1). */
    static byte[] contentHeader(int channel, long bodySize) {
        return frame(FRAME_HEADER, channel,
                ByteBuffer.allocate(14).putShort((short) 60).putShort((short) 0).putLong(bodySize).putShort((short) 0)
                        .array());
    }

    RawAmqp sendMethod(int channel, int classId, int methodId, byte[] args) {
        return send(method(channel, classId, methodId, args));
    }

    // ---------------------------------------------------------------- handshake pieces

    RawAmqp sendHeader() {
        return send(HEADER_0_9_1);
    }

    static Map<String, Object> clientProperties(boolean authenticationFailureClose) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product", "leveret-raw-test");
        if (authenticationFailureClose) {
            props.put("capabilities", Map.of("authentication_failure_close", true));
        }
        return props;
    }

    static byte[] plainResponse(String user, String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    /** AMQPLAIN's response is a field table without its length prefix. */
    static byte[] amqplainResponse(String user, String password) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("LOGIN", user);
        t.put("PASSWORD", password);
        byte[] table = new Args().table(t).bytes();
        return Arrays.copyOfRange(table, 4, table.length);
    }

    RawAmqp sendStartOk(Map<String, Object> clientProperties, String mechanism, byte[] response) {
        return sendMethod(0, 10, 11, new Args().table(clientProperties).shortstr(mechanism).longstr(response)
                .shortstr("en_US").bytes());
    }

    RawAmqp sendTuneOk(int channelMax, int frameMax, int heartbeat) {
        return sendMethod(0, 10, 31, new Args().shortInt(channelMax).longInt(frameMax).shortInt(heartbeat).bytes());
    }

    RawAmqp sendOpen(String vhost) {
        return sendMethod(0, 10, 40, new Args().shortstr(vhost).shortstr("").octet(0).bytes());
    }

    RawAmqp sendCloseOk() {
        return sendMethod(0, 10, 51, new byte[0]);
    }

    /** Header, start, start-ok (PLAIN, with the broker's user), tune; returns connection.tune. */
    Frame startAndAuthenticate() {
        sendHeader();
        expectMethod(10, 10);
        sendStartOk(clientProperties(false), "PLAIN", plainResponse(broker.user(), broker.password()));
        return expectMethod(10, 30);
    }

    /** The whole handshake with the given tune-ok values, up to connection.open-ok. */
    RawAmqp handshake(int channelMax, int frameMax, int heartbeat) {
        startAndAuthenticate();
        sendTuneOk(channelMax, frameMax, heartbeat);
        sendOpen(broker.vhost());
        expectMethod(10, 41);
        return this;
    }

    /**
     * The whole handshake (the broker's channel_max and frame_max, no heartbeats), announcing {@code capabilities}
     * in start-ok's client properties: e.g. consumer_cancel_notify, without which a broker sends no basic.cancel.
     */
    RawAmqp handshake(Map<String, Object> capabilities) {
        sendHeader();
        expectMethod(10, 10);
        Map<String, Object> props = clientProperties(false);
        props.put("capabilities", capabilities);
        sendStartOk(props, "PLAIN", plainResponse(broker.user(), broker.password()));
        expectMethod(10, 30);
        sendTuneOk(2047, 131072, 0);
        sendOpen(broker.vhost());
        expectMethod(10, 41);
        return this;
    }

    /** Handshake accepting the broker's channel_max and frame_max, no heartbeats. */
    RawAmqp handshake() {
        return handshake(2047, 131072, 0);
    }

    RawAmqp openChannel(int channel) {
        sendMethod(channel, 20, 10, new Args().shortstr("").bytes());
        Frame ok = expectMethod(20, 11);
        assertEquals(channel, ok.channel(), "channel.open-ok on the channel opened");
        return this;
    }

    // ---------------------------------------------------------------- reading

    Frame readFrame() {
        try {
            int type = in.readUnsignedByte();
            int channel = in.readUnsignedShort();
            int size = in.readInt();
            if (size < 0 || size > 1 << 20) {
                fail("implausible frame size " + size + " (type " + type + ")");
            }
            byte[] payload = new byte[size];
            in.readFully(payload);
            int end = in.readUnsignedByte();
            assertEquals(FRAME_END, end, "frame-end octet");
            return new Frame(type, channel, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + READ_TIMEOUT, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame that is not a heartbeat. */
    Frame readNonHeartbeat() {
        while (true) {
            Frame f = readFrame();
            if (f.type() != FRAME_HEARTBEAT) {
                return f;
            }
        }
    }

    Frame expectMethod(int classId, int methodId) {
        Frame f = readNonHeartbeat();
        if (!f.is(classId, methodId)) {
            fail("expected method " + classId + "." + methodId + ", got " + describe(f));
        }
        return f;
    }

    /** Reads connection.close (10.50) on channel 0 and prints it, for the record of what the broker said. */
    Close expectConnectionClose() {
        Frame f = expectMethod(10, 50);
        assertEquals(0, f.channel(), "connection.close travels on channel 0");
        Args.Reader r = f.args();
        Close c = new Close(0, r.shortInt(), r.shortstr(), r.shortInt(), r.shortInt());
        System.out.printf("connection.close: code=%d text=\"%s\" class-id=%d method-id=%d%n",
                c.replyCode(), c.replyText(), c.classId(), c.methodId());
        return c;
    }

    /**
     * Waits up to {@code max} for the broker to end the connection (EOF or reset) and returns what came
     * before. Fails if it is still open then.
     */
    Closed awaitClosed(Duration max) {
        return awaitClosed(max, System.nanoTime());
    }

    /** As {@link #awaitClosed(Duration)}, timing from {@code startNanos} (when the trigger was sent). */
    Closed awaitClosed(Duration max, long startNanos) {
        long start = startNanos;
        long deadline = start + max.toNanos();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try {
            InputStream raw = in;
            byte[] buf = new byte[4096];
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("connection still open after " + max + "; read " + Arrays.toString(seen.toByteArray()));
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int n;
                try {
                    n = raw.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (SocketException e) {
                    return new Closed(millisSince(start), seen.toByteArray(), true);
                }
                if (n < 0) {
                    return new Closed(millisSince(start), seen.toByteArray(), false);
                }
                seen.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts the broker closes the socket within {@code max} without sending another byte. */
    long assertClosedSilently(Duration max) {
        return assertClosedSilently(max, System.nanoTime());
    }

    /** As {@link #assertClosedSilently(Duration)}; returns milliseconds since {@code startNanos}. */
    long assertClosedSilently(Duration max, long startNanos) {
        Closed c = awaitClosed(max, startNanos);
        System.out.printf("socket closed by broker after %d ms (%s), %d bytes before%n",
                c.afterMillis(), c.reset() ? "reset" : "EOF", c.bytesBeforeClose().length);
        assertArrayEquals(new byte[0], c.bytesBeforeClose(), "bytes sent before closing the socket");
        return c.afterMillis();
    }

    /** Asserts nothing arrives and the socket stays open for {@code d}, heartbeats aside. */
    void assertStaysOpenFor(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                try {
                    int b = in.read();
                    if (b < 0) {
                        fail("broker closed the socket within " + d);
                    }
                    fail("broker sent data (first byte " + b + ") within " + d);
                } catch (SocketTimeoutException e) {
                    // nothing yet: what we want
                } catch (SocketException e) {
                    fail("broker reset the connection within " + d + ": " + e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException e) {
                // closed; the next read says so
            }
        }
    }

    byte[] readExactly(int n) {
        try {
            byte[] b = new byte[n];
            in.readFully(b);
            return b;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("fewer than " + n + " bytes within " + READ_TIMEOUT, e);
        } catch (EOFException e) {
            throw new AssertionError("EOF before " + n + " bytes", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String describe(Frame f) {
        if (f.is(10, 50) || f.is(20, 40)) {
            Args.Reader r = f.args();
            return String.format("%s.close code=%d text=\"%s\" class-id=%d method-id=%d on channel %d",
                    f.classId() == 10 ? "connection" : "channel", r.shortInt(), r.shortstr(), r.shortInt(),
                    r.shortInt(), f.channel());
        }
        return f.toString();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Builds and reads method arguments (spec 4.2.5): big-endian integers, short/long strings, tables. */
    static final class Args {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Args octet(int v) {
            return write(() -> out.writeByte(v));
        }

        Args shortInt(int v) {
            return write(() -> out.writeShort(v));
        }

        Args longInt(int v) {
            return write(() -> out.writeInt(v));
        }

        Args longLong(long v) {
            return write(() -> out.writeLong(v));
        }

        Args shortstr(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return write(() -> {
                out.writeByte(b.length);
                out.write(b);
            });
        }

        Args longstr(byte[] b) {
            return write(() -> {
                out.writeInt(b.length);
                out.write(b);
            });
        }

        Args raw(byte[] b) {
            return write(() -> out.write(b));
        }

        /** A field table of strings, booleans and nested tables. */
        Args table(Map<String, Object> t) {
            Args body = new Args();
            for (Map.Entry<String, Object> e : t.entrySet()) {
                body.shortstr(e.getKey());
                Object v = e.getValue();
                if (v instanceof Boolean b) {
                    body.octet('t').octet(b ? 1 : 0);
                } else if (v instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> nested = (Map<String, Object>) m;
                    body.octet('F').table(nested);
                } else {
                    body.octet('S').longstr(String.valueOf(v).getBytes(StandardCharsets.UTF_8));
                }
            }
            return longstr(body.bytes());
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private Args write(Write w) {
            try {
                w.run();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A cursor over received arguments. */
        static final class Reader {
            private final ByteBuffer b;

            Reader(byte[] bytes) {
                this.b = ByteBuffer.wrap(bytes);
            }

            int octet() {
                return b.get() & 0xFF;
            }

            int shortInt() {
                return b.getShort() & 0xFFFF;
            }

            long longInt() {
                return b.getInt() & 0xFFFFFFFFL;
            }

            String shortstr() {
                byte[] s = new byte[octet()];
                b.get(s);
                return new String(s, StandardCharsets.UTF_8);
            }

            String longstr() {
                byte[] s = new byte[b.getInt()];
                b.get(s);
                return new String(s, StandardCharsets.UTF_8);
            }

            Map<String, Object> table() {
                byte[] t = new byte[b.getInt()];
                b.get(t);
                Reader r = new Reader(t);
                Map<String, Object> m = new LinkedHashMap<>();
                while (r.b.hasRemaining()) {
                    m.put(r.shortstr(), r.value());
                }
                return m;
            }

            private Object value() {
                char type = (char) octet();
                return switch (type) {
                    case 't' -> octet() != 0;
                    case 'b', 'B' -> b.get();
                    case 's', 'u' -> b.getShort();
                    case 'I', 'i' -> b.getInt();
                    case 'l', 'L', 'T' -> b.getLong();
                    case 'f' -> b.getFloat();
                    case 'd' -> b.getDouble();
                    case 'D' -> {
                        int scale = octet();
                        yield new java.math.BigDecimal(java.math.BigInteger.valueOf(b.getInt()), scale);
                    }
                    case 'S', 'x' -> longstr();
                    case 'F' -> table();
                    case 'V' -> null;
                    default -> throw new IllegalStateException("unknown field type '" + type + "'");
                };
            }

            boolean hasRemaining() {
                return b.hasRemaining();
            }
        }
    }
}
