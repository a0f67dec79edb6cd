package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** basic.consume / basic.cancel: tags, exclusivity, cancel notifications, round-robin, ordering, no-ack. */
class ConsumeTest extends BrokerTestSupport {

    @Test
    void serverGeneratesAnAmqCtagTagWhenAskedForNone() throws Exception {
        String q = serverNamedQueue();
        Collector consumer = new Collector(channel);
        String tag = channel.basicConsume(q, true, consumer);
        assertTrue(tag.startsWith("amq.ctag-"), tag);
        String other = channel.basicConsume(q, true, new Collector(channel));
        assertNotEquals(tag, other);
        channel.basicPublish("", q, null, utf8("hello"));
        assertEquals("hello", text(consumer.next().getBody()));
        assertEquals(tag, consumer.getConsumerTag());
    }

    @Test
    void deliveriesCarryTheConsumerTagExchangeAndRoutingKey() throws Exception {
        String q = serverNamedQueue();
        channel.queueBind(q, "amq.topic", q + ".#");
        try {
            List<String> tags = new ArrayList<>();
            CountDownLatch delivered = new CountDownLatch(1);
            List<Delivery> seen = new ArrayList<>();
            channel.basicConsume(q, true, "my-tag", (tag, d) -> {
                tags.add(tag);
                seen.add(d);
                delivered.countDown();
            }, tag -> { });
            channel.basicPublish("amq.topic", q + ".x.y", null, utf8("topical"));
            assertTrue(delivered.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertEquals(List.of("my-tag"), tags);
            assertEquals("amq.topic", seen.get(0).getEnvelope().getExchange());
            assertEquals(q + ".x.y", seen.get(0).getEnvelope().getRoutingKey());
            assertFalse(seen.get(0).getEnvelope().isRedeliver());
            assertEquals(1, seen.get(0).getEnvelope().getDeliveryTag());
        } finally {
            channel.queueUnbind(q, "amq.topic", q + ".#");
        }
    }

    @Test
    void reusingAConsumerTagOnAChannelIsAConnectionError530() throws Exception {
        String q = serverNamedQueue();
        channel.basicConsume(q, false, "dup-tag", new Collector(channel));
        Reply reply = closeCausedBy(connection,
                () -> channel.basicConsume(q, false, "dup-tag", new Collector(channel)));
        assertEquals(Reply.connection(530, "NOT_ALLOWED - attempt to reuse consumer tag 'dup-tag'", 60, 20), reply);
    }

    @Test
    void sameConsumerTagOnAnotherChannelIsFine() throws Exception {
        String q = serverNamedQueue();
        channel.basicConsume(q, true, "shared-tag", new Collector(channel));
        Channel other = connection.createChannel();
        assertEquals("shared-tag", other.basicConsume(q, true, "shared-tag", new Collector(other)));
    }

    @Test
    void exclusiveConsumeOnAQueueWithAConsumerIs403() throws Exception {
        String q = serverNamedQueue();
        channel.basicConsume(q, true, new Collector(channel));
        Channel ch = connection.createChannel();
        Reply reply = closeCausedBy(ch,
                () -> ch.basicConsume(q, true, "", false, true, null, new Collector(ch)));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use", 60, 20),
                reply);
    }

    @Test
    void consumeOnAQueueWithAnExclusiveConsumerIs403() throws Exception {
        String q = serverNamedQueue();
        channel.basicConsume(q, true, "", false, true, null, new Collector(channel));
        Channel ch = connection.createChannel();
        Reply reply = closeCausedBy(ch, () -> ch.basicConsume(q, true, new Collector(ch)));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - queue '" + q + "' in vhost '/' in exclusive use", 60, 20),
                reply);
    }

    @Test
    void consumeOnMissingQueueIs404() {
        String q = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.basicConsume(q, true, new Collector(channel)));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 60, 20), reply);
    }

    @Test
    void cancelStopsDeliveriesAndIsConfirmed() throws Exception {
        String q = serverNamedQueue();
        Collector consumer = new Collector(channel);
        String tag = channel.basicConsume(q, true, consumer);
        channel.basicPublish("", q, null, utf8("before"));
        assertEquals("before", text(consumer.next().getBody()));
        channel.basicCancel(tag);
        assertEquals(tag, consumer.cancelOks.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        channel.basicPublish("", q, null, utf8("after"));
        awaitReady(channel, q, 1);
        assertEquals(1, consumer.size());
        assertEquals(0, channel.queueDeclarePassive(q).getConsumerCount());
    }

    @Test
    void deletingTheQueueNotifiesItsConsumersWithBasicCancel() throws Exception {
        String q = declareQueue("doomed");
        Collector consumer = new Collector(channel);
        String tag = channel.basicConsume(q, true, consumer);
        connection.createChannel().queueDelete(q);
        assertEquals(tag, consumer.cancelledByBroker.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(channel.isOpen(), "a cancel notification is not a channel error");
        channel.queueDeclare();
    }

    @Test
    void messagesAreDealtRoundRobinAcrossConsumers() throws Exception {
        String q = serverNamedQueue();
        Channel c1 = connection.createChannel();
        Channel c2 = connection.createChannel();
        Collector first = new Collector(c1);
        Collector second = new Collector(c2);
        c1.basicConsume(q, true, first);
        c2.basicConsume(q, true, second);
        for (int i = 0; i < 10; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        await("all 10 delivered", () -> first.size() + second.size() == 10);
        assertEquals(5, first.size());
        assertEquals(5, second.size());
    }

    @Test
    void tenThousandMessagesArriveInPublishOrder() throws Exception {
        int count = 10_000;
        String q = serverNamedQueue();
        Channel pub = confirmChannel();
        for (int i = 0; i < count; i++) {
            pub.basicPublish("", q, null, utf8(Integer.toString(i)));
        }
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        AtomicInteger expected = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger(-1);
        CountDownLatch done = new CountDownLatch(1);
        channel.basicConsume(q, true, (tag, d) -> {
            int n = Integer.parseInt(text(d.getBody()));
            if (n != expected.getAndIncrement() && outOfOrder.get() < 0) {
                outOfOrder.set(n);
            }
            if (expected.get() == count) {
                done.countDown();
            }
        }, tag -> { });
        assertTrue(done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "got " + expected.get() + " of " + count);
        assertEquals(-1, outOfOrder.get(), "first out-of-order message");
    }

    @Test
    void noAckConsumerMessagesAreGoneOnceDelivered() throws Exception {
        String q = serverNamedQueue();
        Channel consumerChannel = connection.createChannel();
        Collector consumer = new Collector(consumerChannel);
        consumerChannel.basicConsume(q, true, consumer);
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        consumer.awaitCount(5);
        // Closing the channel requeues only unacked messages: a no-ack consumer has none.
        consumerChannel.close();
        assertEquals(0, channel.queueDeclarePassive(q).getMessageCount());
        assertEquals(List.of(), drain(channel, q));
    }

    @Test
    void unackedMessagesAreRequeuedAsRedeliveredWhenTheChannelCloses() throws Exception {
        String q = serverNamedQueue();
        Channel consumerChannel = connection.createChannel();
        Collector consumer = new Collector(consumerChannel);
        consumerChannel.basicConsume(q, false, consumer);
        channel.basicPublish("", q, null, utf8("m0"));
        channel.basicPublish("", q, null, utf8("m1"));
        consumer.awaitCount(2);
        consumerChannel.close();
        awaitReady(channel, q, 2);
        var first = channel.basicGet(q, true);
        var second = channel.basicGet(q, true);
        assertEquals("m0", text(first.getBody()));
        assertTrue(first.getEnvelope().isRedeliver());
        assertEquals("m1", text(second.getBody()));
        assertTrue(second.getEnvelope().isRedeliver());
    }
}
