package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A backlog larger than what a broker keeps of it in memory (Leveret: 32 MiB of bodies per queue; the rest
 * is read back from its message log, or for transient messages from a spill file) is delivered whole, in
 * order, byte for byte, with its properties, exchange and routing key.
 */
class BacklogTest extends BrokerTestSupport {
    private static final int MESSAGES = 48_000;
    private static final int SIZE = 1024;

    @Test
    void aPersistentBacklogBiggerThanTheInMemoryBudgetDrainsInOrder() throws Exception {
        String q = unique("backlog");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, true, false, false, null);
        AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
        publishAll("", q, i -> persistent);
        awaitReady(channel, q, MESSAGES);

        drainInOrder(q, (i, env, props) -> props.getDeliveryMode() == null || props.getDeliveryMode() != 2
                ? "message " + i + " lost delivery_mode 2" : null);
    }

    @Test
    void aTransientBacklogBiggerThanTheInMemoryBudgetDrainsInOrderWithItsProperties() throws Exception {
        String q = unique("backlog-transient");
        deleteQueueAfterTest(q);
        String x = unique("backlog-x");
        channel.exchangeDeclare(x, "direct", false, false, null);
        deleteExchangeAfterTest(x);
        channel.queueDeclare(q, false, false, false, null);
        channel.queueBind(q, x, "rk");
        publishAll(x, "rk", i -> new AMQP.BasicProperties.Builder().contentType("app/x-" + (i % 7))
                .correlationId("c" + i).headers(java.util.Map.of("n", i)).build());
        awaitReady(channel, q, MESSAGES);

        drainInOrder(q, (i, env, props) -> {
            if (!("app/x-" + (i % 7)).equals(props.getContentType()) || !("c" + i).equals(props.getCorrelationId())
                    || props.getHeaders() == null || !Integer.valueOf(i).equals(props.getHeaders().get("n"))) {
                return "message " + i + " lost its properties: " + props;
            }
            return !x.equals(env.getExchange()) || !"rk".equals(env.getRoutingKey()) || env.isRedeliver()
                    ? "message " + i + " came with " + env : null;
        });
    }

    /** Publishes {@link #MESSAGES} bodies {@code body(i)} with confirms, waiting for them every 2000. */
    private void publishAll(String exchange, String routingKey, IntFunction<AMQP.BasicProperties> props)
            throws Exception {
        Channel pub = confirmChannel();
        for (int i = 0; i < MESSAGES; i++) {
            pub.basicPublish(exchange, routingKey, props.apply(i), body(i));
            if (i % 2000 == 1999) {
                pub.waitForConfirmsOrDie(TIMEOUT.toMillis() * 3);
            }
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis() * 3);
    }

    /** What is wrong with the i-th delivery's envelope or properties, or null. */
    private interface DeliveryCheck {
        String problem(int i, Envelope env, AMQP.BasicProperties props);
    }

    /**
     * Consumes all {@link #MESSAGES} of {@code q} with manual acks, checking that the i-th body is
     * {@code body(i)} and what {@code check} says of each delivery; then the queue is empty.
     */
    private void drainInOrder(String q, DeliveryCheck check) throws Exception {
        Channel sub = connection.createChannel();
        sub.basicQos(500);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> problem = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        sub.basicConsume(q, false, new DefaultConsumer(sub) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] b) {
                int i = next.getAndIncrement();
                if (problem.get() == null && !ByteBuffer.wrap(b).equals(ByteBuffer.wrap(body(i)))) {
                    problem.set("message " + i + " arrived out of order or damaged");
                }
                String wrong = check.problem(i, env, props);
                if (wrong != null) {
                    problem.compareAndSet(null, wrong);
                }
                try {
                    getChannel().basicAck(env.getDeliveryTag(), false);
                } catch (java.io.IOException e) {
                    problem.compareAndSet(null, e.toString());
                }
                if (i == MESSAGES - 1) {
                    done.countDown();
                }
            }
        });
        assertEquals(true, done.await(120, TimeUnit.SECONDS), () -> "drained " + next.get() + " of " + MESSAGES);
        assertEquals(null, problem.get());
        assertFalse(next.get() > MESSAGES, "no message twice");
        awaitReady(channel, q, 0);
    }

    @Test
    void aSpilledBacklogThatExpiresIsDeadLetteredWithItsBodies() throws Exception {
        String q = unique("backlog-ttl");
        String dlq = unique("backlog-dlq");
        deleteQueueAfterTest(q);
        deleteQueueAfterTest(dlq);
        channel.queueDeclare(dlq, false, false, false, null);
        channel.queueDeclare(q, false, false, false, java.util.Map.of("x-message-ttl", 3000,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dlq));
        publishAll("", q, i -> null);
        awaitReady(channel, dlq, MESSAGES);
        awaitReady(channel, q, 0);

        drainInOrder(dlq, (i, env, props) -> props.getHeaders() == null || !props.getHeaders().containsKey("x-death")
                ? "dead-lettered message " + i + " has no x-death" : null);
    }

    /** 1 KiB that says which message it is, so order and content are checked at once. */
    private static byte[] body(int i) {
        byte[] b = new byte[SIZE];
        ByteBuffer.wrap(b).putInt(i).putInt(~i);
        for (int k = 8; k < SIZE; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }
}
