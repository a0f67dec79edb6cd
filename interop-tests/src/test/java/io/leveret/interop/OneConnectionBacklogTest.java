package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * One connection that publishes faster than its own consumer acks builds a backlog, and every message still
 * gets through: the broker may slow the publisher down, but never so that it stops reading the very socket
 * the consumer's acks come in on (Leveret once withheld the publisher's credit until the consumers caught
 * up, and they never could: the connection froze until heartbeats killed it).
 */
class OneConnectionBacklogTest extends BrokerTestSupport {
    private static final int MESSAGES = 8_000;

    @Test
    void aConnectionPublishingFasterThanItsOwnConsumerAcksIsNotStarved() throws Exception {
        String q = unique("one-conn");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, false, null);
        CountDownLatch acked = new CountDownLatch(MESSAGES);
        Channel sub = connection.createChannel();
        sub.basicQos(10);
        sub.basicConsume(q, false, new DefaultConsumer(sub) {
            @Override
            public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] b)
                    throws IOException {
                LockSupport.parkNanos(200_000); // a consumer slower than the publisher
                getChannel().basicAck(env.getDeliveryTag(), false);
                acked.countDown();
            }
        });
        Channel pub = connection.createChannel();
        byte[] body = new byte[100];
        for (int i = 0; i < MESSAGES; i++) {
            pub.basicPublish("", q, null, body);
        }
        assertTrue(acked.await(60, TimeUnit.SECONDS), () -> acked.getCount() + " of " + MESSAGES + " never acked");
    }
}
