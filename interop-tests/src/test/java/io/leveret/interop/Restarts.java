package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Plumbing shared by the restart and crash suites: persistent publishes, draining a queue, asking what exists. */
final class Restarts {
    /** Upper bound for draining a recovered queue; far above what the suites hold. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    /** A method the broker does not answer in this time means it is stuck. */
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
    static final AMQP.BasicProperties PERSISTENT = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
    static final AMQP.BasicProperties TRANSIENT = new AMQP.BasicProperties.Builder().deliveryMode(1).build();

    @FunctionalInterface
    interface ChannelAction {
        void run(Channel ch) throws IOException;
    }

    private Restarts() {
    }

    /**
     * A connection to {@code broker} that gives up on a broker that stopped answering in seconds rather than the
     * client's default ten minutes, and does not log the connection resets a kill causes.
     */
    static Connection connect(BrokerUnderTest broker, String name) throws Exception {
        ConnectionFactory f = broker.factory();
        f.setRequestedHeartbeat(5);
        f.setChannelRpcTimeout((int) RPC_TIMEOUT.toMillis());
        f.setShutdownTimeout((int) RPC_TIMEOUT.toMillis());
        f.setExceptionHandler(new ForgivingExceptionHandler() {
            @Override
            public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
                // a killed broker resets every connection; the test looks at what it got, not at the reset
            }
        });
        return f.newConnection(name);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    /** A channel in confirm mode. */
    static Channel confirming(Connection c) throws IOException {
        Channel ch = c.createChannel();
        ch.confirmSelect();
        return ch;
    }

    /** Waits for the broker to confirm everything {@code ch} published; a nack or a timeout fails the test. */
    static void awaitConfirms(Channel ch) throws Exception {
        ch.waitForConfirmsOrDie(BrokerTestSupport.TIMEOUT.toMillis());
    }

    /** Persistent, confirmed publishes of {@code bodies} to {@code queue} through the default exchange. */
    static void publishPersistent(Connection c, String queue, List<String> bodies) throws Exception {
        Channel ch = confirming(c);
        for (String b : bodies) {
            ch.basicPublish("", queue, PERSISTENT, BrokerTestSupport.utf8(b));
        }
        awaitConfirms(ch);
        ch.close();
    }

    static List<String> numbered(String prefix, int count) {
        List<String> bodies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bodies.add(prefix + "-" + i);
        }
        return bodies;
    }

    /** The ready-message count from a passive declare; the queue must exist. */
    static int readyCount(Connection c, String queue) throws Exception {
        if (!queueExists(c, queue)) {
            fail("queue " + queue + " does not exist");
        }
        Channel ch = c.createChannel();
        int n = ch.queueDeclarePassive(queue).getMessageCount();
        ch.close();
        return n;
    }

    /**
     * Takes every message of {@code queue} (no-ack consumer), in delivery order: as many as the passive declare
     * counts, then checks that basic.get finds nothing more.
     */
    static List<Delivery> takeAll(Connection c, String queue) throws Exception {
        if (!queueExists(c, queue)) {
            fail("queue " + queue + " does not exist");
        }
        Channel ch = c.createChannel();
        int expected = ch.queueDeclarePassive(queue).getMessageCount();
        List<Delivery> got = Collections.synchronizedList(new ArrayList<>(expected));
        CountDownLatch done = new CountDownLatch(expected);
        String tag = ch.basicConsume(queue, true, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                    byte[] body) {
                got.add(new Delivery(envelope, properties, body));
                done.countDown();
            }
        });
        if (!done.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail(queue + ": the broker counted " + expected + " ready messages but delivered " + got.size()
                    + " within " + DRAIN_TIMEOUT);
        }
        ch.basicCancel(tag);
        assertNull(ch.basicGet(queue, true), queue + ": more messages than the " + expected + " the broker counted");
        ch.close();
        synchronized (got) {
            return List.copyOf(got);
        }
    }

    /** A consumer that records the bodies it gets and, if asked to, acks each one from its callback. */
    static final class Recorder extends DefaultConsumer {
        private final boolean ack;
        private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());

        Recorder(Channel ch, boolean ack) {
            super(ch);
            this.ack = ack;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                throws IOException {
            bodies.add(BrokerTestSupport.text(body));
            if (ack) {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        }

        List<String> bodies() {
            synchronized (bodies) {
                return List.copyOf(bodies);
            }
        }
    }

    static List<String> bodies(List<Delivery> deliveries) {
        return deliveries.stream().map(d -> BrokerTestSupport.text(d.getBody())).toList();
    }

    /** The bodies of {@code deliveries} that the broker flagged redelivered (or not, per {@code flag}). */
    static List<String> bodiesFlagged(List<Delivery> deliveries, boolean flag) {
        return deliveries.stream().filter(d -> d.getEnvelope().isRedeliver() == flag)
                .map(d -> BrokerTestSupport.text(d.getBody())).toList();
    }

    /**
     * Runs {@code action} on a fresh channel: 0 if it succeeded, else the reply code of the channel close it
     * caused (404 for a passive declare of something that does not exist, 406 for an inequivalent redeclare).
     */
    static int replyCode(Connection c, ChannelAction action) throws Exception {
        Channel ch = c.createChannel();
        try {
            action.run(ch);
            ch.close();
            return 0;
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s) {
                return Reply.of(s).code();
            }
            throw e;
        }
    }

    static boolean queueExists(Connection c, String queue) throws Exception {
        return existence(replyCode(c, ch -> ch.queueDeclarePassive(queue)), "queue " + queue);
    }

    static boolean exchangeExists(Connection c, String exchange) throws Exception {
        return existence(replyCode(c, ch -> ch.exchangeDeclarePassive(exchange)), "exchange " + exchange);
    }

    private static boolean existence(int code, String what) {
        // 405: an exclusive queue that exists but belongs to another connection
        if (code == 0 || code == 405) {
            return true;
        }
        if (code == 404) {
            return false;
        }
        throw new AssertionError("passive declare of " + what + " closed the channel with " + code);
    }

    /**
     * Properties as comparable values: field-table strings arrive as {@link LongString} and byte arrays compare by
     * identity, so both become plain values; tables become sorted maps.
     */
    static Map<String, Object> comparable(AMQP.BasicProperties p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("contentType", p.getContentType());
        m.put("contentEncoding", p.getContentEncoding());
        m.put("headers", p.getHeaders() == null ? null : plain(p.getHeaders()));
        m.put("deliveryMode", p.getDeliveryMode());
        m.put("priority", p.getPriority());
        m.put("correlationId", p.getCorrelationId());
        m.put("replyTo", p.getReplyTo());
        m.put("expiration", p.getExpiration());
        m.put("messageId", p.getMessageId());
        m.put("timestamp", p.getTimestamp());
        m.put("type", p.getType());
        m.put("userId", p.getUserId());
        m.put("appId", p.getAppId());
        return m;
    }

    private static Object plain(Object v) {
        if (v instanceof LongString s) {
            return s.toString();
        }
        if (v instanceof byte[] b) {
            return "bytes:" + java.util.HexFormat.of().formatHex(b);
        }
        if (v instanceof Map<?, ?> table) {
            Map<String, Object> sorted = new TreeMap<>();
            table.forEach((k, x) -> sorted.put(k.toString(), plain(x)));
            return sorted;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(Restarts::plain).toList();
        }
        return v;
    }
}
