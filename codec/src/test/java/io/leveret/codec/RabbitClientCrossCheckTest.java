package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQContentHeader;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RabbitMQ Java client's own framing as the second opinion: frames it writes decode with ours to the
 * expected records, and frames we write decode with its reader to the methods it would have written.
 */
class RabbitClientCrossCheckTest {

    /** The Java client's table of every type it writes, and the same table as our tags read it. */
    static Map<String, Object> clientTable() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("deep", 7);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("string", "text ✓");
        t.put("longstr", LongStringHelper.asLongString(new byte[] {0, 1, (byte) 0xFF}));
        t.put("int", -42);
        t.put("long", 1L << 40);
        t.put("short", (short) -7);
        t.put("byte", (byte) -3);
        t.put("bool", true);
        t.put("float", 1.25f);
        t.put("double", -0.5d);
        t.put("decimal", new BigDecimal("3.14159"));
        t.put("timestamp", new Date(1_700_000_000_000L));
        t.put("bytes", new byte[] {9, 8, 7});
        t.put("table", inner);
        t.put("array", List.of(1, "two", List.of(3L)));
        t.put("void", null);
        return t;
    }

    static FieldTable ourTable() {
        return FieldTable.builder()
                .put("string", new FieldValue('S', LongString.of("text ✓")))
                .put("longstr", new FieldValue('S', LongString.of(new byte[] {0, 1, (byte) 0xFF})))
                .put("int", new FieldValue('I', -42))
                .put("long", new FieldValue('l', 1L << 40))
                .put("short", new FieldValue('s', (short) -7))
                .put("byte", new FieldValue('b', (byte) -3))
                .put("bool", new FieldValue('t', true))
                .put("float", new FieldValue('f', 1.25f))
                .put("double", new FieldValue('d', -0.5d))
                .put("decimal", new FieldValue('D', new BigDecimal("3.14159")))
                .put("timestamp", new FieldValue('T', java.time.Instant.ofEpochSecond(1_700_000_000L)))
                .put("bytes", new FieldValue('x', LongString.of(new byte[] {9, 8, 7})))
                .put("table", new FieldValue('F', FieldTable.of(Map.of("deep", 7))))
                .put("array", FieldValue.of(List.of(1, "two", List.of(3L))))
                .put("void", new FieldValue('V', null))
                .build();
    }

    static Stream<Arguments> pairs() {
        com.rabbitmq.client.LongString secret = LongStringHelper.asLongString("\0guest\0guest");
        Map<String, Object> clientProps = Map.of("product", "RabbitMQ", "capabilities", Map.of("publisher_confirms", true));
        FieldTable ourProps = FieldTable.builder().put("product", "RabbitMQ")
                .put("capabilities", FieldTable.of(Map.of("publisher_confirms", true))).build();
        return Stream.of(
                pair(new AMQImpl.Connection.Start(0, 9, clientProps, LongStringHelper.asLongString("PLAIN AMQPLAIN"),
                        LongStringHelper.asLongString("en_US")),
                        new ConnectionMethod.Start(0, 9, ourProps, LongString.of("PLAIN AMQPLAIN"), LongString.of("en_US"))),
                pair(new AMQImpl.Connection.StartOk(clientProps, "PLAIN", secret, "en_US"),
                        new ConnectionMethod.StartOk(ourProps, "PLAIN", LongString.of("\0guest\0guest"), "en_US")),
                pair(new AMQImpl.Connection.Secure(secret), new ConnectionMethod.Secure(LongString.of("\0guest\0guest"))),
                pair(new AMQImpl.Connection.SecureOk(secret), new ConnectionMethod.SecureOk(LongString.of("\0guest\0guest"))),
                pair(new AMQImpl.Connection.Tune(2047, 131072, 60), new ConnectionMethod.Tune(2047, 131072, 60)),
                pair(new AMQImpl.Connection.TuneOk(65535, 0, 0), new ConnectionMethod.TuneOk(65535, 0, 0)),
                pair(new AMQImpl.Connection.Open("/vhost", "", true), new ConnectionMethod.Open("/vhost", "", true)),
                pair(new AMQImpl.Connection.OpenOk(""), new ConnectionMethod.OpenOk("")),
                pair(new AMQImpl.Connection.Close(320, "CONNECTION_FORCED - bye", 10, 40),
                        new ConnectionMethod.Close(320, "CONNECTION_FORCED - bye", 10, 40)),
                pair(new AMQImpl.Connection.CloseOk(), new ConnectionMethod.CloseOk()),
                pair(new AMQImpl.Connection.Blocked("low on memory"), new ConnectionMethod.Blocked("low on memory")),
                pair(new AMQImpl.Connection.Unblocked(), new ConnectionMethod.Unblocked()),
                pair(new AMQImpl.Connection.UpdateSecret(secret, "refresh"),
                        new ConnectionMethod.UpdateSecret(LongString.of("\0guest\0guest"), "refresh")),
                pair(new AMQImpl.Connection.UpdateSecretOk(), new ConnectionMethod.UpdateSecretOk()),
                pair(new AMQImpl.Channel.Open(""), new ChannelMethod.Open("")),
                pair(new AMQImpl.Channel.Close(406, "PRECONDITION_FAILED - x", 50, 10),
                        new ChannelMethod.Close(406, "PRECONDITION_FAILED - x", 50, 10)),
                pair(new AMQImpl.Exchange.Declare(0, "ex", "topic", false, true, false, true, false, clientTable()),
                        new ExchangeMethod.Declare("ex", "topic", false, true, false, true, false, ourTable())),
                pair(new AMQImpl.Queue.Declare(0, "q", false, true, true, false, true, clientTable()),
                        new QueueMethod.Declare("q", false, true, true, false, true, ourTable())),
                pair(new AMQImpl.Queue.DeclareOk("amq.gen-1", 12, 3),
                        new QueueMethod.DeclareOk("amq.gen-1", 12, 3)),
                pair(new AMQImpl.Queue.Bind(0, "q", "ex", "a.*", false, Map.of("x-match", "all")),
                        new QueueMethod.Bind("q", "ex", "a.*", false, FieldTable.of(Map.of("x-match", "all")))),
                pair(new AMQImpl.Basic.Qos(0, 250, true), new BasicMethod.Qos(0, 250, true)),
                pair(new AMQImpl.Basic.Consume(0, "q", "ctag", false, true, true, false, Map.of("x-priority", 5)),
                        new BasicMethod.Consume("q", "ctag", false, true, true, false, FieldTable.of(Map.of("x-priority", 5)))),
                pair(new AMQImpl.Basic.Publish(0, "ex", "rk", true, false), new BasicMethod.Publish("ex", "rk", true, false)),
                pair(new AMQImpl.Basic.Deliver("ctag", Long.MAX_VALUE, true, "ex", "rk"),
                        new BasicMethod.Deliver("ctag", Long.MAX_VALUE, true, "ex", "rk")),
                pair(new AMQImpl.Basic.Return(312, "NO_ROUTE", "ex", "rk"), new BasicMethod.Return(312, "NO_ROUTE", "ex", "rk")),
                pair(new AMQImpl.Basic.Nack(99, true, false), new BasicMethod.Nack(99, true, false)),
                pair(new AMQImpl.Confirm.Select(true), new ConfirmMethod.Select(true)),
                pair(new AMQImpl.Tx.Commit(), new TxMethod.Commit()));
    }

    private static Arguments pair(com.rabbitmq.client.impl.Method theirs, Method ours) {
        return Arguments.of(ours.name(), theirs, ours);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void theirFramesDecodeWithOurs(String name, com.rabbitmq.client.impl.Method theirs, Method ours) throws IOException {
        assertEquals(ours, Harness.decodeMethod(write(theirs.toFrame(3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void ourFramesDecodeWithTheirs(String name, com.rabbitmq.client.impl.Method theirs, Method ours) throws IOException {
        com.rabbitmq.client.impl.Frame frame = read(Harness.encode(new MethodFrame(3, ours)));
        assertEquals(3, frame.channel);
        assertEquals(Frame.FRAME_METHOD, frame.type);
        com.rabbitmq.client.impl.Method decoded = AMQImpl.readMethodFrom(frame.getInputStream());
        // byte[] values print by identity; their content is compared by the byte check below.
        assertEquals(theirs.toString().replaceAll("\\[B@\\p{XDigit}+", "[B"),
                decoded.toString().replaceAll("\\[B@\\p{XDigit}+", "[B"));
        // The client keeps tables in a HashMap, so entry order (not content) may differ; the size may not.
        assertEquals(write(theirs.toFrame(3)).length, Harness.encode(new MethodFrame(3, ours)).length, "same frame size");
    }

    static AMQP.BasicProperties clientProperties() {
        return new AMQP.BasicProperties.Builder().contentType("application/json").contentEncoding("utf-8")
                .headers(clientTable()).deliveryMode(2).priority(5).correlationId("c-1").replyTo("amq.rabbitmq.reply-to")
                .expiration("60000").messageId("m-1").timestamp(new Date(1_700_000_000_000L)).type("t").userId("guest")
                .appId("app").clusterId("cl").build();
    }

    static BasicProperties ourProperties() {
        return new BasicProperties("application/json", "utf-8", ourTable(), 2, 5, "c-1", "amq.rabbitmq.reply-to", "60000",
                "m-1", 1_700_000_000L, "t", "guest", "app", "cl");
    }

    @Test
    void theirContentHeaderDecodesWithOurs() throws IOException {
        byte[] wire = write(clientProperties().toFrame(4, 1234));
        List<Object> out = Harness.decode(CodecLimits.DEFAULT, wire);
        try {
            ContentHeaderFrame h = assertInstanceOf(ContentHeaderFrame.class, out.get(0));
            assertEquals(4, h.channel());
            assertEquals(1234, h.bodySize());
            assertEquals(ourProperties(), h.properties());
            assertArrayEquals(wire, Harness.encode(h.retain()), "raw properties re-sent as received");
        } finally {
            Harness.releaseAll(out);
        }
    }

    @Test
    void ourContentHeaderDecodesWithTheirs() throws IOException {
        io.netty.buffer.ByteBuf raw = io.netty.buffer.Unpooled.buffer();
        ourProperties().encode(raw);
        com.rabbitmq.client.impl.Frame frame = read(Harness.encode(new ContentHeaderFrame(4, 60, 1234, ourProperties(), raw)));
        AMQContentHeader header = AMQImpl.readContentHeaderFrom(frame.getInputStream());
        assertEquals(1234, header.getBodySize());
        AMQP.BasicProperties theirs = assertInstanceOf(AMQP.BasicProperties.class, header);
        AMQP.BasicProperties expected = clientProperties();
        assertEquals(expected.getContentType(), theirs.getContentType());
        assertEquals(expected.getTimestamp(), theirs.getTimestamp());
        assertEquals(expected.getClusterId(), theirs.getClusterId());
        assertEquals(describe(expected.getHeaders()), describe(theirs.getHeaders()));
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        expected.appendPropertyDebugStringTo(a);
        theirs.appendPropertyDebugStringTo(b);
        assertEquals(a.toString().replaceAll("headers=\\{[^}]*}[^,]*,", ""), b.toString().replaceAll("headers=\\{[^}]*}[^,]*,", ""));
    }

    @Test
    void bodyAndHeartbeatFramesReadWithTheirs() throws IOException {
        byte[] body = "body".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        com.rabbitmq.client.impl.Frame frame = read(Harness.encode(new ContentBodyFrame(2, io.netty.buffer.Unpooled.wrappedBuffer(body))));
        assertEquals(Frame.FRAME_BODY, frame.type);
        assertArrayEquals(body, frame.getPayload());
        assertEquals(Frame.FRAME_HEARTBEAT, read(Harness.encode(HeartbeatFrame.INSTANCE)).type);
        assertArrayEquals(write(com.rabbitmq.client.impl.Frame.fromBodyFragment(2, body, 0, body.length)),
                Harness.encode(new ContentBodyFrame(2, io.netty.buffer.Unpooled.wrappedBuffer(body))));
    }

    /** Values the client reads back as arrays or LongStrings compare by content. */
    private static String describe(Object v) {
        if (v instanceof byte[] bytes) {
            return Arrays.toString(bytes);
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, x) -> sb.append(k).append('=').append(describe(x)).append(';'));
            return sb.append('}').toString();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(RabbitClientCrossCheckTest::describe).toList().toString();
        }
        return String.valueOf(v);
    }

    private static byte[] write(com.rabbitmq.client.impl.Frame frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        frame.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static com.rabbitmq.client.impl.Frame read(byte[] wire) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire));
        com.rabbitmq.client.impl.Frame frame = com.rabbitmq.client.impl.Frame.readFrom(in, CodecLimits.DEFAULT_FRAME_MAX);
        assertEquals(-1, in.read(), "the client read the whole frame");
        return frame;
    }
}
