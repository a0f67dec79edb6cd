package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A persistent message routed to durable queues is confirmed once it is on disk, or sooner once a consumer has
 * taken it off every one of those queues: RabbitMQ's rule for classic queues ("confirmed when persisted to
 * disk, or when consumed on every queue"), and safe, since a consumed message is no longer the broker's to
 * keep. With every write of the message log slowed to {@value #DISK_MILLIS} ms (the store's test hook), a
 * confirm in well under that time can only have come from consumption, and one that waits at least that long
 * came from the disk. Quorum queues never confirm before the disk. Needs a private Leveret (a JVM option).
 */
@ExtendWith(PrivateBroker.class)
class ConfirmOnConsumeTest {
    private static final long DISK_MILLIS = 2000;
    private static final String SLOW_DISK = "-Dleveret.test.ioDelayMs=" + DISK_MILLIS;
    /** An ack's round trip, with room for a busy two-core machine; still far below the disk's delay. */
    private static final long CONSUMED_MILLIS = DISK_MILLIS / 2;
    private static final long WAIT_MILLIS = 30_000;

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageAckedByItsConsumerIsConfirmedWithoutWaitingForTheDisk(BrokerUnderTest broker) throws Exception {
        assertConfirmedBeforeTheDisk(confirmMillisFor(broker, Settle.ACK, null));
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageDeliveredToANoAckConsumerIsConfirmedWithoutWaitingForTheDisk(BrokerUnderTest broker)
            throws Exception {
        assertConfirmedBeforeTheDisk(confirmMillisFor(broker, Settle.NO_ACK, null));
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageNobodyConsumedWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        assertConfirmedByTheDisk(confirmMillisFor(broker, null, null), "nobody consumed it");
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aRejectedMessageWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        assertConfirmedByTheDisk(confirmMillisFor(broker, Settle.REJECT, null), "a rejection is not consumption");
    }

    /** A quorum queue confirms once the message is on disk (in RabbitMQ, once a majority has it), never sooner. */
    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageAckedOnAQuorumQueueWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        assertConfirmedByTheDisk(confirmMillisFor(broker, Settle.ACK, Map.of("x-queue-type", "quorum")),
                "a quorum queue");
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageConsumedOnOnlyOneOfItsQueuesWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        try (Connection c = connect(broker, "confirm-two-queues")) {
            Channel ch = c.createChannel();
            String exchange = unique("confirm-two-queues");
            ch.exchangeDeclare(exchange, "fanout", true);
            String consumed = durableQueue(c, null);
            String kept = durableQueue(c, null);
            ch.queueBind(consumed, exchange, "");
            ch.queueBind(kept, exchange, "");
            consume(c, consumed, Settle.ACK);
            assertConfirmedByTheDisk(confirmMillis(c, exchange, ""), "a queue still held it");
        }
    }

    /**
     * How long the confirm of one persistent publish to a new durable queue (declared with {@code arguments})
     * takes while a consumer settles its deliveries as {@code settle} says (null: no consumer).
     */
    private static long confirmMillisFor(BrokerUnderTest broker, Settle settle, Map<String, Object> arguments)
            throws Exception {
        try (Connection c = connect(broker, "confirm-on-consume")) {
            String q = durableQueue(c, arguments);
            if (settle != null) {
                consume(c, q, settle);
            }
            return confirmMillis(c, "", q);
        }
    }

    private static void assertConfirmedBeforeTheDisk(long millis) {
        assertTrue(millis < CONSUMED_MILLIS, "confirmed after " + millis + " ms, as if from the disk");
    }

    private static void assertConfirmedByTheDisk(long millis, String why) {
        assertTrue(millis >= DISK_MILLIS, "confirmed after " + millis + " ms, before the disk had it: " + why);
    }

    private enum Settle { ACK, NO_ACK, REJECT }

    private static String durableQueue(Connection c, Map<String, Object> arguments) throws Exception {
        String q = unique("confirm-on-consume");
        Channel ch = c.createChannel();
        ch.queueDeclare(q, true, false, false, arguments);
        ch.close();
        return q;
    }

    private static void consume(Connection c, String queue, Settle settle) throws IOException {
        Channel ch = c.createChannel();
        ch.basicConsume(queue, settle == Settle.NO_ACK, new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                if (settle == Settle.ACK) {
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                } else if (settle == Settle.REJECT) {
                    getChannel().basicReject(envelope.getDeliveryTag(), false);
                }
            }
        });
    }

    /** Publishes one persistent message with confirms and returns how long its confirm took. */
    private static long confirmMillis(Connection c, String exchange, String routingKey) throws Exception {
        Channel ch = confirming(c);
        long start = System.nanoTime();
        ch.basicPublish(exchange, routingKey, true, PERSISTENT, "m".getBytes(StandardCharsets.UTF_8));
        ch.waitForConfirmsOrDie(WAIT_MILLIS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ch.close();
        return millis;
    }
}
