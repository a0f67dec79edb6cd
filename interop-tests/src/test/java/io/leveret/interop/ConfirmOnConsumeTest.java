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
        try (Connection c = connect(broker, "confirm-on-ack")) {
            String q = durableQueue(c, "confirm-on-ack");
            consume(c, q, Settle.ACK);
            long millis = confirmMillis(c, "", q);
            assertTrue(millis < CONSUMED_MILLIS, "confirmed after " + millis + " ms, as if from the disk");
        }
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageDeliveredToANoAckConsumerIsConfirmedWithoutWaitingForTheDisk(BrokerUnderTest broker)
            throws Exception {
        try (Connection c = connect(broker, "confirm-on-no-ack")) {
            String q = durableQueue(c, "confirm-on-no-ack");
            consume(c, q, Settle.NO_ACK);
            long millis = confirmMillis(c, "", q);
            assertTrue(millis < CONSUMED_MILLIS, "confirmed after " + millis + " ms, as if from the disk");
        }
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageNobodyConsumedWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        try (Connection c = connect(broker, "confirm-from-disk")) {
            String q = durableQueue(c, "confirm-from-disk");
            long millis = confirmMillis(c, "", q);
            assertTrue(millis >= DISK_MILLIS, "confirmed after " + millis + " ms, before the disk had it");
        }
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageConsumedOnOnlyOneOfItsQueuesWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        try (Connection c = connect(broker, "confirm-two-queues")) {
            Channel ch = c.createChannel();
            String exchange = unique("confirm-two-queues");
            ch.exchangeDeclare(exchange, "fanout", true);
            String consumed = durableQueue(c, "confirm-consumed");
            String kept = durableQueue(c, "confirm-kept");
            ch.queueBind(consumed, exchange, "");
            ch.queueBind(kept, exchange, "");
            consume(c, consumed, Settle.ACK);
            long millis = confirmMillis(c, exchange, "");
            assertTrue(millis >= DISK_MILLIS, "confirmed after " + millis + " ms, while a queue still held it");
        }
    }

    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aRejectedMessageWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        try (Connection c = connect(broker, "confirm-rejected")) {
            String q = durableQueue(c, "confirm-rejected");
            consume(c, q, Settle.REJECT);
            long millis = confirmMillis(c, "", q);
            assertTrue(millis >= DISK_MILLIS, "confirmed after " + millis + " ms: a rejection is not consumption");
        }
    }

    /** A quorum queue confirms once the message is on disk (in RabbitMQ, once a majority has it), never sooner. */
    @Test
    @PrivateBroker.JvmOptions(SLOW_DISK)
    void aMessageAckedOnAQuorumQueueWaitsForTheDisk(BrokerUnderTest broker) throws Exception {
        try (Connection c = connect(broker, "confirm-quorum")) {
            String q = unique("confirm-quorum");
            Channel ch = c.createChannel();
            ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
            consume(c, q, Settle.ACK);
            long millis = confirmMillis(c, "", q);
            assertTrue(millis >= DISK_MILLIS, "confirmed after " + millis + " ms, before the disk had it");
        }
    }

    private enum Settle { ACK, NO_ACK, REJECT }

    private static String durableQueue(Connection c, String prefix) throws Exception {
        String q = unique(prefix);
        Channel ch = c.createChannel();
        ch.queueDeclare(q, true, false, false, null);
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
