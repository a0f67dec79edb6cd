package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.Return;
import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** basic.publish: content framing, properties, mandatory, immediate, and publish-time checks. */
class PublishTest extends BrokerTestSupport {

    /** Persistent messages to durable queues, without confirms, go through like any other (a plain worker queue). */
    @Test
    void persistentPublishesWithoutConfirmsReachDurableQueues() throws Exception {
        String q = unique("durable-no-confirms");
        String other = unique("durable-no-confirms-2");
        for (String name : java.util.List.of(q, other)) {
            channel.queueDeclare(name, true, false, false, null);
            deleteQueueAfterTest(name);
            channel.queueBind(name, "amq.fanout", "");
        }
        com.rabbitmq.client.AMQP.BasicProperties persistent =
                new com.rabbitmq.client.AMQP.BasicProperties.Builder().deliveryMode(2).build();
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", q, persistent, utf8("direct-" + i));
            channel.basicPublish("amq.fanout", "", persistent, utf8("both-" + i)); // two durable queues: two answers
        }
        awaitReady(channel, q, 10);
        awaitReady(channel, other, 5);
        for (String name : java.util.List.of(q, other)) {
            channel.queueUnbind(name, "amq.fanout", "");
        }
        assertEquals("direct-0", text(channel.basicGet(q, true).getBody()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 131_063, 131_064, 1 << 20, 5 << 20})
    void bodiesOfAnySizeArriveByteExact(int size) throws Exception {
        // 131064 = frame_max 131072 minus the 8 bytes of frame overhead: the first size needing two body frames.
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, body);
        GetResponse got = awaitGet(channel, q, true);
        assertEquals(size, got.getBody().length);
        assertArrayEquals(body, got.getBody());

        Collector consumer = new Collector(channel);
        channel.basicConsume(q, true, consumer);
        channel.basicPublish("", q, null, body);
        assertArrayEquals(body, consumer.next().getBody());
    }

    @Test
    void allFourteenPropertiesSurviveTheBroker() throws Exception {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("inner", "value");
        nested.put("n", 7);
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("string", "text ü");
        headers.put("int", 42);
        headers.put("negative-int", -42);
        headers.put("long", 1L << 40);
        headers.put("short", (short) 12345);
        headers.put("byte", (byte) -7);
        headers.put("double", 3.25d);
        headers.put("float", 1.5f);
        headers.put("decimal", new BigDecimal("123.45"));
        headers.put("timestamp", new Date(1_700_000_000_000L));
        headers.put("true", true);
        headers.put("false", false);
        headers.put("bytes", new byte[] {0, 1, (byte) 0xff});
        headers.put("void", null);
        headers.put("table", nested);
        headers.put("array", List.of("a", 1, true));

        Date timestamp = new Date(1_600_000_000_000L);
        AMQP.BasicProperties sent = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .contentEncoding("gzip")
                .headers(headers)
                .deliveryMode(2)
                .priority(5)
                .correlationId("corr-1")
                .replyTo("reply-queue")
                .expiration("600000")
                .messageId("msg-1")
                .timestamp(timestamp)
                .type("order.created")
                .userId(BrokerUnderTest.shared().user())
                .appId("interop")
                .clusterId("cluster-1")
                .build();
        String q = serverNamedQueue();
        channel.basicPublish("", q, sent, utf8("{}"));
        AMQP.BasicProperties got = awaitGet(channel, q, true).getProps();

        assertEquals("application/json", got.getContentType());
        assertEquals("gzip", got.getContentEncoding());
        assertEquals(2, got.getDeliveryMode());
        assertEquals(5, got.getPriority());
        assertEquals("corr-1", got.getCorrelationId());
        assertEquals("reply-queue", got.getReplyTo());
        assertEquals("600000", got.getExpiration());
        assertEquals("msg-1", got.getMessageId());
        assertEquals(timestamp, got.getTimestamp());
        assertEquals("order.created", got.getType());
        assertEquals(BrokerUnderTest.shared().user(), got.getUserId());
        assertEquals("interop", got.getAppId());
        assertEquals("cluster-1", got.getClusterId());

        Map<String, Object> h = got.getHeaders();
        assertEquals(headers.keySet(), h.keySet());
        assertEquals("text ü", h.get("string").toString());
        assertInstanceOf(LongString.class, h.get("string"));
        assertEquals(42, h.get("int"));
        assertEquals(-42, h.get("negative-int"));
        assertEquals(1L << 40, h.get("long"));
        assertEquals((short) 12345, h.get("short"));
        assertEquals((byte) -7, h.get("byte"));
        assertEquals(3.25d, h.get("double"));
        assertEquals(1.5f, h.get("float"));
        assertEquals(new BigDecimal("123.45"), h.get("decimal"));
        assertEquals(new Date(1_700_000_000_000L), h.get("timestamp"));
        assertEquals(true, h.get("true"));
        assertEquals(false, h.get("false"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, (byte[]) h.get("bytes"));
        assertTrue(h.containsKey("void"));
        assertNull(h.get("void"));
        Map<?, ?> table = assertInstanceOf(Map.class, h.get("table"));
        assertEquals("value", table.get("inner").toString());
        assertEquals(7, table.get("n"));
        List<?> array = assertInstanceOf(List.class, h.get("array"));
        assertEquals(3, array.size());
        assertEquals("a", array.get(0).toString());
        assertEquals(1, array.get(1));
        assertEquals(true, array.get(2));
    }

    @Test
    void noPropertiesAtAllArriveAsNoProperties() throws Exception {
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, utf8("bare"));
        AMQP.BasicProperties got = awaitGet(channel, q, true).getProps();
        assertNull(got.getContentType());
        assertNull(got.getHeaders());
        assertNull(got.getDeliveryMode());
        assertNull(got.getTimestamp());
    }

    @Test
    void mandatoryUnroutableMessageIsReturnedWith312NoRoute() throws Exception {
        String x = declareExchange("direct", BuiltinExchangeType.DIRECT);
        BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
        channel.addReturnListener(returns::add);
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId("m-1").build();
        channel.basicPublish(x, "no-binding", true, props, utf8("bounced"));

        Return r = returns.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(312, r.getReplyCode());
        assertEquals("NO_ROUTE", r.getReplyText());
        assertEquals(x, r.getExchange());
        assertEquals("no-binding", r.getRoutingKey());
        assertEquals("m-1", r.getProperties().getMessageId());
        assertEquals("bounced", text(r.getBody()));
        assertTrue(channel.isOpen());
    }

    @Test
    void mandatoryRoutableOrNonMandatoryUnroutableMessageIsNotReturned() throws Exception {
        BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
        Channel pub = confirmChannel();
        pub.addReturnListener(returns::add);
        String q = serverNamedQueue();
        pub.basicPublish("", q, true, null, utf8("routed"));
        pub.basicPublish("", unique("nowhere"), false, null, utf8("dropped silently"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertTrue(returns.isEmpty(), "returns: " + returns);
        assertEquals(List.of("routed"), drain(channel, q));
    }

    @Test
    void immediateIsNotImplemented() {
        Reply reply = closeCausedBy(connection,
                () -> channel.basicPublish("", "anything", false, true, null, utf8("immediate")));
        assertEquals(Reply.connection(540, "NOT_IMPLEMENTED - immediate=true", 60, 40), reply);
    }

    @Test
    void publishToMissingExchangeIs404() {
        String x = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.basicPublish(x, "k", null, utf8("lost")));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'", 60, 40), reply);
        assertTrue(connection.isOpen());
    }

    @Test
    void userIdMustBeTheAuthenticatedUser() {
        String user = BrokerUnderTest.shared().user();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().userId("not-" + user).build();
        Reply reply = closeCausedBy(channel, () -> channel.basicPublish("", "anything", props, utf8("spoofed")));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - user_id property set to 'not-" + user
                + "' but authenticated user was '" + user + "'", 60, 40), reply);
    }

    @Test
    void expirationMustBeAnInteger() {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().expiration("soon").build();
        Reply reply = closeCausedBy(channel, () -> channel.basicPublish("", "anything", props, utf8("bad ttl")));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - invalid expiration 'soon': no_integer", 60, 40), reply);
    }

    @Test
    void directReplyToRoundTrip() throws Exception {
        String server = serverNamedQueue();
        Channel client = connection.createChannel();
        Collector replies = new Collector(client);
        client.basicConsume("amq.rabbitmq.reply-to", true, replies);
        client.basicPublish("", server, new AMQP.BasicProperties.Builder()
                .replyTo("amq.rabbitmq.reply-to").correlationId("c-1").build(), utf8("ping"));

        GetResponse request = awaitGet(channel, server, true);
        String replyTo = request.getProps().getReplyTo();
        assertTrue(replyTo.startsWith("amq.rabbitmq.reply-to."), replyTo);
        channel.basicPublish("", replyTo, new AMQP.BasicProperties.Builder().correlationId("c-1").build(),
                utf8("pong"));

        Delivery reply = replies.next();
        assertEquals("pong", text(reply.getBody()));
        assertEquals("c-1", reply.getProperties().getCorrelationId());
    }

    /**
     * A queue.declare of an address handed out by direct reply-to, passive or not, from another channel or
     * connection, answers declare-ok with 0 messages and 1 consumer while the reply consumer is there, and
     * 404 once it is cancelled (RabbitMQ 3.10.8; the Java client's DirectReplyTo.roundTrip). The bare
     * amq.rabbitmq.reply-to always exists; another name under the prefix never does.
     */
    @Test
    void declaringADirectReplyToAddressFindsItWhileItsConsumerIsThere() throws Exception {
        String server = serverNamedQueue();
        Channel client = connection.createChannel();
        String tag = client.basicConsume("amq.rabbitmq.reply-to", true, new Collector(client));
        client.basicPublish("", server, new AMQP.BasicProperties.Builder()
                .replyTo("amq.rabbitmq.reply-to").build(), utf8("ping"));
        String replyTo = awaitGet(channel, server, true).getProps().getReplyTo();

        Channel other = connection.createChannel();
        assertDeclareOk(replyTo, other.queueDeclarePassive(replyTo));
        assertDeclareOk(replyTo, other.queueDeclarePassive(replyTo + "\n"));
        Channel elsewhere = open().createChannel();
        assertDeclareOk(replyTo, elsewhere.queueDeclarePassive(replyTo));
        assertDeclareOk(replyTo, elsewhere.queueDeclare(replyTo, true, false, false, Map.of("x-max-length", 1)));
        assertDeclareOk("amq.rabbitmq.reply-to", elsewhere.queueDeclarePassive("amq.rabbitmq.reply-to"));
        assertDeclareOk("amq.rabbitmq.reply-to", elsewhere.queueDeclare("amq.rabbitmq.reply-to", false, false, false, null));
        for (String name : List.of("amq.rabbitmq.reply-to.garbage", "amq.rabbitmq.reply-tox",
                replyTo.substring(0, replyTo.length() - 5) + "xxxxx")) {
            Channel ch = open().createChannel();
            assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + name + "' in vhost '/'", 50, 10),
                    closeCausedBy(ch, () -> ch.queueDeclare(name, false, false, false, null)), name);
        }

        client.basicCancel(tag);
        Channel after = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + replyTo + "' in vhost '/'", 50, 10),
                closeCausedBy(after, () -> after.queueDeclarePassive(replyTo)));
        assertDeclareOk("amq.rabbitmq.reply-to", connection.createChannel().queueDeclarePassive("amq.rabbitmq.reply-to"));
    }

    private static void assertDeclareOk(String name, AMQP.Queue.DeclareOk ok) {
        assertEquals(List.of(name, 0, 1), List.of(ok.getQueue(), ok.getMessageCount(), ok.getConsumerCount()),
                "declare-ok (queue, message count, consumer count)");
    }

    @Test
    void directReplyToWithoutAReplyConsumerIs406() {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build();
        Reply reply = closeCausedBy(channel, () -> channel.basicPublish("", "anything", props, utf8("rpc")));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - fast reply consumer does not exist", 60, 40), reply);
        assertFalse(reply.connectionLevel());
    }
}
