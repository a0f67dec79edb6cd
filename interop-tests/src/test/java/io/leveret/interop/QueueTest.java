package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** queue class: declare (names, flags, equivalence, exclusivity), bind/unbind, purge, delete, the empty name. */
class QueueTest extends BrokerTestSupport {

    private static final String LOCKED = "' in vhost '/'. It could be originally declared on another connection or the "
            + "exclusive property value does not match that of the original declaration.";

    private static String locked(String q) {
        return replyText("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + q + LOCKED);
    }

    @Test
    void serverNamedQueueHasTheAmqGenPrefix() throws Exception {
        AMQP.Queue.DeclareOk ok = channel.queueDeclare("", false, true, true, null);
        assertTrue(ok.getQueue().startsWith("amq.gen-"), ok.getQueue());
        assertTrue(ok.getQueue().length() > "amq.gen-".length());
        assertEquals(0, ok.getMessageCount());
        assertEquals(0, ok.getConsumerCount());
        String second = channel.queueDeclare().getQueue();
        assertFalse(second.equals(ok.getQueue()), "server names are unique");
    }

    @Test
    void passiveDeclareOfMissingQueueIs404() {
        String q = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclarePassive(q));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 50, 10), reply);
    }

    @Test
    void declareOkCountsReadyMessagesAndConsumers() throws Exception {
        String q = declareQueue("counts");
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, 3);
        AMQP.Queue.DeclareOk redeclared = channel.queueDeclare(q, false, false, false, null);
        assertEquals(3, redeclared.getMessageCount());
        assertEquals(0, redeclared.getConsumerCount());

        GetResponse unacked = channel.basicGet(q, false);
        assertEquals(2, unacked.getMessageCount(), "get-ok message count is what is left after this one");
        assertEquals(2, channel.queueDeclarePassive(q).getMessageCount(), "unacked messages are not counted");

        Channel consumerChannel = connection.createChannel();
        consumerChannel.basicQos(1);
        Collector c1 = new Collector(consumerChannel);
        consumerChannel.basicConsume(q, false, c1);
        consumerChannel.basicConsume(q, false, new Collector(consumerChannel));
        c1.awaitCount(1);
        AMQP.Queue.DeclareOk passive = channel.queueDeclarePassive(q);
        assertEquals(2, passive.getConsumerCount());
        await("both ready messages handed out", () -> {
            try {
                return channel.queueDeclarePassive(q).getMessageCount() == 0;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void redeclareWithAnotherDurabilityIs406() throws Exception {
        String q = declareQueue("q");
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclare(q, true, false, false, null));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '" + q
                + "' in vhost '/': received 'true' but current is 'false'", 50, 10), reply);
    }

    @Test
    void redeclareWithAnotherAutoDeleteIs406() throws Exception {
        String q = declareQueue("q");
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, true, null));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue '" + q
                + "' in vhost '/': received 'true' but current is 'false'", 50, 10), reply);
    }

    @Test
    void redeclareWithAnotherArgumentValueIs406() throws Exception {
        String q = unique("q");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, false, Map.of("x-max-length", 10));
        Reply reply = closeCausedBy(channel,
                () -> channel.queueDeclare(q, false, false, false, Map.of("x-max-length", 20)));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q
                + "' in vhost '/': received '20' but current is '10'", 50, 10), reply);
    }

    @Test
    void redeclareWithoutAnArgumentTheQueueHasIs406() throws Exception {
        String q = unique("q");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, false, Map.of("x-max-length", 10));
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, false, null));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q
                + "' in vhost '/': received none but current is the value '10' of type 'signedint'", 50, 10), reply);
    }

    @Test
    void redeclareAsExclusiveIs405() throws Exception {
        String q = declareQueue("q");
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclare(q, false, true, false, null));
        assertEquals(Reply.channel(405, locked(q), 50, 10), reply);
    }

    @Test
    void amqPrefixedQueueNameIsReserved() {
        String q = unique("amq.mine");
        Reply reply = closeCausedBy(channel, () -> channel.queueDeclare(q, false, false, true, null));
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - queue name '" + q + "' contains reserved prefix 'amq.*'",
                50, 10), reply);
    }

    @Test
    void durableQueueCanBeDeclaredAndRedeclared() throws Exception {
        String q = unique("durable");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, true, false, false, null);
        channel.queueDeclare(q, true, false, false, null);
        channel.queueDeclarePassive(q);
        channel.basicPublish("", q, new AMQP.BasicProperties.Builder().deliveryMode(2).build(), utf8("persistent"));
        assertEquals("persistent", text(awaitGet(channel, q, true).getBody()));
    }

    @Test
    void anotherConnectionsExclusiveQueueIsLocked() throws Exception {
        Connection owner = open();
        String q = unique("exclusive");
        owner.createChannel().queueDeclare(q, false, true, false, null);

        for (ChannelOp op : List.<ChannelOp>of(
                ch -> ch.queueDeclare(q, false, true, false, null),
                ch -> ch.queueDeclare(q, false, false, false, null),
                ch -> ch.queueDeclarePassive(q),
                ch -> ch.basicConsume(q, true, new Collector(ch)),
                ch -> ch.basicGet(q, true),
                ch -> ch.queuePurge(q),
                ch -> ch.queueBind(q, "amq.fanout", ""),
                ch -> ch.queueDelete(q))) {
            Channel ch = connection.createChannel();
            Reply reply = closeCausedBy(ch, () -> op.run(ch));
            assertEquals(405, reply.code(), reply.toString());
            assertEquals(locked(q), reply.text());
            assertEquals(255, reply.text().length(), "RabbitMQ cuts this text to fit a shortstr");
        }
        // The owner is unaffected.
        owner.createChannel().queueDeclarePassive(q);
    }

    @FunctionalInterface
    private interface ChannelOp {
        void run(Channel ch) throws Exception;
    }

    @Test
    void exclusiveQueueIsDeletedWhenItsConnectionCloses() throws Exception {
        Connection owner = open();
        String q = unique("exclusive");
        owner.createChannel().queueDeclare(q, false, true, false, null);
        assertTrue(queueExists(connection, q));
        owner.close();
        await("exclusive queue " + q + " to go with its connection", () -> !queueExists(connection, q));
    }

    @Test
    void autoDeleteQueueSurvivesUntilItsLastConsumerCancels() throws Exception {
        String q = unique("auto-delete");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, true, null);
        // Never had a consumer: stays (RabbitMQ only deletes on the last consumer going away), through a
        // publish and a get that leave it without a consumer and empty.
        Channel pub = confirmChannel();
        pub.basicPublish("", q, null, utf8("m"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals("m", text(channel.basicGet(q, true).getBody()));
        assertTrue(queueExists(connection, q));

        String tag1 = channel.basicConsume(q, true, new Collector(channel));
        String tag2 = channel.basicConsume(q, true, new Collector(channel));
        channel.basicCancel(tag1);
        assertTrue(queueExists(connection, q), "one consumer is left");
        channel.basicCancel(tag2);
        await("auto-delete queue to go with its last consumer", () -> !queueExists(connection, q));
    }

    /** A durable auto-delete queue is gone by the time basic.cancel-ok for its last consumer is back (not later). */
    @Test
    void durableAutoDeleteQueueIsGoneOnceItsLastConsumersCancelIsAnswered() throws Exception {
        String q = unique("durable-auto-delete");
        deleteQueueAfterTest(q);
        Channel ch = connection.createChannel();
        ch.queueDeclare(q, true, false, true, null);
        String tag = ch.basicConsume(q, true, new Collector(ch));
        ch.basicCancel(tag);
        Reply reply = closeCausedBy(ch, () -> ch.queueDeclarePassive(q));
        assertEquals(404, reply.code(), reply.toString());
    }

    @Test
    void autoDeleteQueueGoesWhenTheConsumersChannelCloses() throws Exception {
        String q = unique("auto-delete");
        deleteQueueAfterTest(q);
        channel.queueDeclare(q, false, false, true, null);
        Channel consumerChannel = connection.createChannel();
        consumerChannel.basicConsume(q, true, new Collector(consumerChannel));
        consumerChannel.close();
        await("auto-delete queue to go with its consumer's channel", () -> !queueExists(connection, q));
    }

    @Test
    void bindToMissingExchangeIs404() throws Exception {
        String q = serverNamedQueue();
        String x = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.queueBind(q, x, "k"));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'", 50, 20), reply);
    }

    @Test
    void bindOfMissingQueueIs404() {
        String q = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.queueBind(q, "amq.direct", "k"));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 50, 20), reply);
    }

    @Test
    void bindWithBothMissingNamesTheExchange() {
        String q = unique("missing-q");
        String x = unique("missing-x");
        Reply reply = closeCausedBy(channel, () -> channel.queueBind(q, x, "k"));
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'", 50, 20), reply);
    }

    @Test
    void unbindOfMissingThingsSucceeds() throws Exception {
        String q = serverNamedQueue();
        channel.queueUnbind(q, "amq.direct", "never-bound");
        channel.queueUnbind(q, unique("missing-x"), "k");
        channel.queueUnbind(unique("missing-q"), "amq.direct", "k");
        assertTrue(channel.isOpen());
    }

    @Test
    void purgeReturnsTheNumberOfMessagesRemoved() throws Exception {
        String q = serverNamedQueue();
        for (int i = 0; i < 7; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, 7);
        GetResponse unacked = channel.basicGet(q, false);
        assertEquals(6, channel.queuePurge(q).getMessageCount(), "unacked messages are not purged");
        assertEquals(0, channel.queuePurge(q).getMessageCount());
        channel.basicReject(unacked.getEnvelope().getDeliveryTag(), true);
        awaitReady(channel, q, 1);
    }

    @Test
    void purgeOfMissingQueueIs404() {
        String q = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.queuePurge(q));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 50, 30), reply);
    }

    @Test
    void deleteReturnsTheMessageCount() throws Exception {
        String q = declareQueue("q");
        for (int i = 0; i < 4; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, 4);
        assertEquals(4, channel.queueDelete(q).getMessageCount());
        assertFalse(queueExists(connection, q));
    }

    @Test
    void deleteOfMissingQueueSucceeds() throws Exception {
        assertEquals(0, channel.queueDelete(unique("missing")).getMessageCount());
        assertTrue(channel.isOpen());
    }

    @Test
    void deleteIfUnusedWithAConsumerIs406() throws Exception {
        String q = serverNamedQueue();
        channel.basicConsume(q, true, new Collector(channel));
        Reply reply = closeCausedBy(channel, () -> channel.queueDelete(q, true, false));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' in use", 50, 40), reply);
    }

    @Test
    void deleteIfEmptyWithMessagesIs406() throws Exception {
        String q = serverNamedQueue();
        channel.basicPublish("", q, null, utf8("m"));
        awaitReady(channel, q, 1);
        Reply reply = closeCausedBy(channel, () -> channel.queueDelete(q, false, true));
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - queue '" + q + "' in vhost '/' not empty", 50, 40),
                reply);
    }

    @Test
    void deleteIfUnusedAndIfEmptySucceedsOnAnIdleEmptyQueue() throws Exception {
        String q = declareQueue("q");
        assertEquals(0, channel.queueDelete(q, true, true).getMessageCount());
        assertFalse(queueExists(connection, q));
    }

    @Test
    void emptyQueueNameMeansTheChannelsLastDeclaredQueue() throws Exception {
        String q = channel.queueDeclare().getQueue();
        // bind with empty queue and empty routing key: both become the last declared queue's name
        channel.queueBind("", "amq.direct", "");
        Channel pub = confirmChannel();
        pub.basicPublish("amq.direct", q, null, utf8("via amq.direct"));
        pub.basicPublish("", q, null, utf8("via default"));
        pub.basicPublish("", q, null, utf8("to purge"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());

        GetResponse first = channel.basicGet("", true);
        assertEquals("via amq.direct", text(first.getBody()));
        assertEquals(q, first.getEnvelope().getRoutingKey());
        assertEquals(2, channel.queuePurge("").getMessageCount());

        Collector consumer = new Collector(channel);
        channel.basicConsume("", true, consumer);
        pub.basicPublish("amq.direct", q, null, utf8("consumed"));
        assertEquals("consumed", text(consumer.next().getBody()));

        channel.queueUnbind("", "amq.direct", "");
        assertEquals(0, channel.queueDelete("").getMessageCount());
        assertFalse(queueExists(connection, q));
    }

    @Test
    void emptyQueueNameWithNoQueueDeclaredOnTheChannelIs404() throws Exception {
        for (ChannelOp op : List.<ChannelOp>of(
                ch -> ch.basicGet("", true),
                ch -> ch.queuePurge(""),
                ch -> ch.queueDelete(""),
                ch -> ch.basicConsume("", true, new Collector(ch)),
                ch -> ch.queueBind("", "amq.direct", "k"))) {
            Channel ch = connection.createChannel();
            Reply reply = closeCausedBy(ch, () -> op.run(ch));
            assertEquals(404, reply.code(), reply.toString());
            assertEquals("NOT_FOUND - no previously declared queue", reply.text());
            assertFalse(reply.connectionLevel());
        }
    }
}
