package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.TRANSIENT;
import static io.leveret.interop.Restarts.bodies;
import static io.leveret.interop.Restarts.bodiesFlagged;
import static io.leveret.interop.Restarts.comparable;
import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.exchangeExists;
import static io.leveret.interop.Restarts.numbered;
import static io.leveret.interop.Restarts.publishPersistent;
import static io.leveret.interop.Restarts.queueExists;
import static io.leveret.interop.Restarts.readyCount;
import static io.leveret.interop.Restarts.replyCode;
import static io.leveret.interop.Restarts.takeAll;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What survives a restart of the broker on the same data directory, as RabbitMQ users rely on it: durable
 * exchanges, queues and bindings, and every confirmed persistent message in a durable queue, in order, with its
 * properties; acked messages stay acked, delivered-but-unacked ones come back flagged redelivered. Transient
 * messages, non-durable and exclusive queues and non-durable exchanges are gone. Most tests restart cleanly
 * (SIGTERM); topology is also checked across a {@code kill -9}, since a declare-ok promises it is stored. The
 * message guarantees under {@code kill -9} are {@link CrashTest}'s.
 */
@ExtendWith(PrivateBroker.class)
class DurabilityTest {

    /** How the broker goes down between "before" and "after". */
    enum Restart {
        SIGTERM {
            @Override
            void apply(BrokerUnderTest broker) {
                broker.restart();
            }
        },
        SIGKILL {
            @Override
            void apply(BrokerUnderTest broker) {
                broker.killAndStart();
            }
        };

        abstract void apply(BrokerUnderTest broker);
    }

    private static final Map<String, Object> MAX_LENGTH_10 = Map.of("x-max-length", 10);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Restart.class)
    void durableExchangesQueuesAndBindingsSurviveAndRoute(Restart restart, BrokerUnderTest broker) throws Exception {
        String direct = unique("dur-direct");
        String fanout = unique("dur-fanout");
        String topic = unique("dur-topic");
        String headers = unique("dur-headers");
        String source = unique("dur-e2e-source");
        String q = unique("dur-q");
        Map<String, Object> hv = Map.of("x-match", "all", "h", "v");
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare(direct, BuiltinExchangeType.DIRECT, true);
            ch.exchangeDeclare(fanout, BuiltinExchangeType.FANOUT, true);
            ch.exchangeDeclare(topic, BuiltinExchangeType.TOPIC, true);
            ch.exchangeDeclare(headers, BuiltinExchangeType.HEADERS, true);
            ch.exchangeDeclare(source, BuiltinExchangeType.DIRECT, true);
            ch.queueDeclare(q, true, false, false, MAX_LENGTH_10);
            ch.queueBind(q, direct, "k");
            ch.queueBind(q, topic, "a.*.c");
            ch.queueBind(q, headers, "", hv);
            ch.queueBind(q, fanout, "");
            ch.exchangeBind(fanout, source, "e2e");
        }

        restart.apply(broker);

        try (Connection c = connect(broker, "after")) {
            for (String x : List.of(direct, fanout, topic, headers, source)) {
                assertTrue(exchangeExists(c, x), "durable exchange " + x + " lost in the restart");
            }
            assertTrue(queueExists(c, q), "durable queue " + q + " lost in the restart");

            // the stored declaration is the one compared on redeclare (RabbitMQ's equivalence checks)
            assertEquals(0, replyCode(c, ch -> ch.queueDeclare(q, true, false, false, MAX_LENGTH_10)),
                    "redeclaring with the same x-max-length (an int) must succeed");
            assertEquals(406, replyCode(c, ch -> ch.queueDeclare(q, true, false, false, Map.of("x-max-length", 20))),
                    "redeclaring with another x-max-length must be 406: the argument was not kept");
            assertEquals(406, replyCode(c, ch -> ch.queueDeclare(q, true, false, false, null)),
                    "redeclaring without x-max-length must be 406: the argument was not kept");
            assertEquals(406, replyCode(c, ch -> ch.queueDeclare(q, false, false, false, MAX_LENGTH_10)),
                    "redeclaring non-durable must be 406");
            Map<String, BuiltinExchangeType> types = Map.of(direct, BuiltinExchangeType.DIRECT,
                    fanout, BuiltinExchangeType.FANOUT, topic, BuiltinExchangeType.TOPIC,
                    headers, BuiltinExchangeType.HEADERS);
            for (Map.Entry<String, BuiltinExchangeType> e : types.entrySet()) {
                String x = e.getKey();
                BuiltinExchangeType other = e.getValue() == BuiltinExchangeType.TOPIC
                        ? BuiltinExchangeType.DIRECT : BuiltinExchangeType.TOPIC;
                assertEquals(0, replyCode(c, ch -> ch.exchangeDeclare(x, e.getValue(), true)),
                        "redeclaring " + x + " as a durable " + e.getValue() + " must succeed");
                assertEquals(406, replyCode(c, ch -> ch.exchangeDeclare(x, other, true)),
                        "redeclaring " + x + " as " + other + " must be 406: its type was not kept");
                assertEquals(406, replyCode(c, ch -> ch.exchangeDeclare(x, e.getValue(), false)),
                        "redeclaring " + x + " non-durable must be 406");
            }

            Channel pub = confirming(c);
            pub.basicPublish(direct, "k", null, utf8("via-direct"));
            pub.basicPublish(topic, "a.b.c", null, utf8("via-topic"));
            pub.basicPublish(topic, "a.b.d", null, utf8("topic-no-match"));
            pub.basicPublish(headers, "", props(Map.of("h", "v")), utf8("via-headers"));
            pub.basicPublish(headers, "", props(Map.of("h", "w")), utf8("headers-no-match"));
            pub.basicPublish(fanout, "", null, utf8("via-fanout"));
            pub.basicPublish(source, "e2e", null, utf8("via-exchange-to-exchange"));
            pub.basicPublish(source, "other", null, utf8("e2e-no-match"));
            Restarts.awaitConfirms(pub);
            assertEquals(List.of("via-direct", "via-topic", "via-headers", "via-fanout", "via-exchange-to-exchange"),
                    bodies(takeAll(c, q)), "routing through the recovered bindings");
        }
    }

    /**
     * Bindings from the built-in exchanges to durable queues and exchanges are kept like any other, and the
     * broker takes the next definition change after them, before and after the restart.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Restart.class)
    void bindingsFromStandardExchangesSurvive(Restart restart, BrokerUnderTest broker) throws Exception {
        String q = unique("std-bound-q");
        String x = unique("std-bound-x");
        String after = unique("declared-after");
        List<String> standard = List.of("amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match");
        Map<String, Object> match = Map.of("x-match", "any", "k", "v");
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            ch.queueDeclare(q, true, false, false, null);
            ch.exchangeDeclare(x, BuiltinExchangeType.FANOUT, true);
            ch.queueBind(q, x, "");
            for (String s : standard) {
                ch.queueBind(q, s, "k", match);
                ch.exchangeBind(x, s, "k.x", match);
            }
            ch.queueDeclare(after, true, false, false, null);
        }

        restart.apply(broker);

        try (Connection c = connect(broker, "after")) {
            assertTrue(queueExists(c, after), "a declare after the binds was kept");
            Channel pub = confirming(c);
            for (String s : standard) {
                pub.basicPublish(s, "k", props(Map.of("k", "v")), utf8("direct-" + s));
                pub.basicPublish(s, "k.x", props(Map.of("k", "v")), utf8("via-x-" + s));
            }
            Restarts.awaitConfirms(pub);
            // One copy of each: a queue reached directly and through x (fanout, headers) gets a message once.
            List<String> expected = new ArrayList<>();
            for (String s : standard) {
                expected.add("direct-" + s);
                expected.add("via-x-" + s);
            }
            List<String> got = bodies(takeAll(c, q));
            assertEquals(expected.stream().sorted().toList(), got.stream().sorted().toList());
            String later = unique("declared-after-restart");
            c.createChannel().queueDeclare(later, true, false, false, null);
            assertTrue(queueExists(c, later));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Restart.class)
    void nonDurableDeletedAndUnboundStayGone(Restart restart, BrokerUnderTest broker) throws Exception {
        String transientQ = unique("nondur-q");
        String transientX = unique("nondur-x");
        String autoDeleteQ = unique("autodel-q");
        String autoDeleteX = unique("autodel-x");
        String exclusiveQ = unique("excl-q");
        String deletedQ = unique("deleted-q");
        String deletedX = unique("deleted-x");
        String fanout = unique("dur-fanout");
        String direct = unique("dur-direct");
        String q = unique("dur-q");
        Connection holder = connect(broker, "holds-the-exclusive-queue");
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            ch.queueDeclare(transientQ, false, false, false, null);
            ch.exchangeDeclare(transientX, BuiltinExchangeType.DIRECT, false);
            ch.queueDeclare(autoDeleteQ, false, false, true, null);
            ch.exchangeDeclare(autoDeleteX, BuiltinExchangeType.FANOUT, false, true, null);
            ch.queueBind(autoDeleteQ, autoDeleteX, "");
            holder.createChannel().queueDeclare(exclusiveQ, true, true, false, null);

            ch.exchangeDeclare(fanout, BuiltinExchangeType.FANOUT, true);
            ch.exchangeDeclare(direct, BuiltinExchangeType.DIRECT, true);
            ch.queueDeclare(q, true, false, false, null);
            // bindings made and then removed
            ch.queueBind(q, direct, "unbound");
            ch.queueUnbind(q, direct, "unbound");
            ch.exchangeBind(fanout, direct, "unbound-e2e");
            ch.exchangeUnbind(fanout, direct, "unbound-e2e");
            ch.queueBind(q, fanout, "");
            ch.queueBind(q, direct, "kept");
            // durable objects deleted, taking their bindings with them
            ch.queueDeclare(deletedQ, true, false, false, null);
            ch.exchangeDeclare(deletedX, BuiltinExchangeType.FANOUT, true);
            ch.queueBind(deletedQ, fanout, "");
            ch.queueBind(q, deletedX, "");
            ch.queueDelete(deletedQ);
            ch.exchangeDelete(deletedX);
        }

        restart.apply(broker);

        try (Connection c = connect(broker, "after")) {
            assertFalse(queueExists(c, transientQ), "a non-durable queue must not survive a restart");
            assertFalse(exchangeExists(c, transientX), "a non-durable exchange must not survive a restart");
            assertFalse(queueExists(c, autoDeleteQ), "a non-durable auto-delete queue must not survive a restart");
            assertFalse(exchangeExists(c, autoDeleteX), "a non-durable auto-delete exchange must not survive a restart");
            assertFalse(queueExists(c, exclusiveQ), "an exclusive queue goes with its connection, restart or not");
            assertFalse(queueExists(c, deletedQ), "a deleted durable queue came back");
            assertFalse(exchangeExists(c, deletedX), "a deleted durable exchange came back");
            assertTrue(queueExists(c, q), "durable queue " + q + " lost in the restart");

            // recreating the deleted objects must not bring back the bindings they were deleted with
            Channel ch = c.createChannel();
            ch.queueDeclare(deletedQ, true, false, false, null);
            ch.exchangeDeclare(deletedX, BuiltinExchangeType.FANOUT, true);
            assertEquals(0, ch.queueDeclarePassive(deletedQ).getMessageCount());
            Channel pub = confirming(c);
            pub.basicPublish(direct, "unbound", null, utf8("unbound-queue-binding"));
            pub.basicPublish(direct, "unbound-e2e", null, utf8("unbound-exchange-binding"));
            pub.basicPublish(deletedX, "", null, utf8("binding-of-a-deleted-exchange"));
            pub.basicPublish(direct, "kept", null, utf8("via-direct"));
            pub.basicPublish(fanout, "", null, utf8("via-fanout"));
            Restarts.awaitConfirms(pub);
            assertEquals(List.of("via-direct", "via-fanout"), bodies(takeAll(c, q)),
                    "only the bindings in place at the restart may route to " + q);
            assertEquals(List.of(), bodies(takeAll(c, deletedQ)),
                    "a deleted queue's binding to " + fanout + " came back");
        } finally {
            if (holder.isOpen()) {
                holder.abort();
            }
        }
    }

    @Test
    void confirmedPersistentMessagesComeBackInOrderWithBodiesAndProperties(BrokerUnderTest broker) throws Exception {
        String q = unique("dur-q");
        int count = 1_000;
        List<byte[]> sentBodies = new ArrayList<>(count);
        List<AMQP.BasicProperties> sentProps = new ArrayList<>(count);
        Random random = new Random(42);
        for (int i = 0; i < count; i++) {
            byte[] body;
            if (i == 0) {
                body = new byte[0];
            } else if (i == 1 || i == count / 2) {
                body = new byte[300 * 1024]; // more than one body frame at the default frame_max
                random.nextBytes(body);
            } else {
                body = ("body-" + i + "-" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
            }
            sentBodies.add(body);
            sentProps.add(richProperties(i, broker.user()));
        }
        try (Connection c = connect(broker, "before")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            Channel pub = confirming(c);
            for (int i = 0; i < count; i++) {
                pub.basicPublish("", q, sentProps.get(i), sentBodies.get(i));
            }
            Restarts.awaitConfirms(pub);
            assertEquals(count, readyCount(c, q), "before the restart");
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            List<Delivery> got = takeAll(c, q);
            assertEquals(count, got.size(), "confirmed persistent messages lost in a clean restart");
            for (int i = 0; i < count; i++) {
                Delivery d = got.get(i);
                assertArrayEquals(sentBodies.get(i), d.getBody(), "body of message " + i + " (order or content)");
                assertEquals(comparable(sentProps.get(i)), comparable(d.getProperties()), "properties of message " + i);
                assertFalse(d.getEnvelope().isRedeliver(), "message " + i + " was never delivered before");
            }
        }
    }

    @Test
    void transientMessagesInADurableQueueAreGone(BrokerUnderTest broker) throws Exception {
        String q = unique("dur-q");
        List<String> persistent = new ArrayList<>();
        try (Connection c = connect(broker, "before")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            Channel pub = confirming(c);
            for (int i = 0; i < 300; i++) {
                String body = "m-" + i;
                switch (i % 3) {
                    case 0 -> {
                        pub.basicPublish("", q, PERSISTENT, utf8(body));
                        persistent.add(body);
                    }
                    case 1 -> pub.basicPublish("", q, TRANSIENT, utf8(body));
                    default -> pub.basicPublish("", q, null, utf8(body)); // no delivery_mode: transient too
                }
            }
            Restarts.awaitConfirms(pub);
            assertEquals(300, readyCount(c, q), "before the restart");
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            assertEquals(persistent, bodies(takeAll(c, q)), "exactly the persistent messages, in order");
        }
    }

    @Test
    void persistentMessagesInANonDurableQueueGoWithTheQueue(BrokerUnderTest broker) throws Exception {
        String transientQ = unique("nondur-q");
        String durableQ = unique("dur-q");
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            ch.queueDeclare(transientQ, false, false, false, null);
            ch.queueDeclare(durableQ, true, false, false, null);
            publishPersistent(c, transientQ, numbered("in-non-durable", 20));
            publishPersistent(c, durableQ, numbered("in-durable", 20));
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            assertFalse(queueExists(c, transientQ), "a non-durable queue must not survive a restart");
            // redeclared, it starts empty: its persistent messages did not wait in the store for it
            c.createChannel().queueDeclare(transientQ, false, false, false, null);
            assertEquals(List.of(), bodies(takeAll(c, transientQ)));
            assertEquals(numbered("in-durable", 20), bodies(takeAll(c, durableQ)));
        }
    }

    @Test
    void ackedStayGoneDeliveredButUnackedComeBackRedelivered(BrokerUnderTest broker) throws Exception {
        String q = unique("dur-q");
        List<String> all = numbered("m", 30);
        try (Connection c = connect(broker, "before")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            publishPersistent(c, q, all);
            Channel ch = c.createChannel();
            List<Long> tags = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                GetResponse r = BrokerTestSupport.awaitGet(ch, q, false);
                assertEquals(all.get(i), BrokerTestSupport.text(r.getBody()));
                tags.add(r.getEnvelope().getDeliveryTag());
            }
            ch.basicAck(tags.get(4), true);           // m-0..m-4
            ch.basicAck(tags.get(5), false);          // m-5
            ch.basicAck(tags.get(6), false);          // m-6
            ch.basicReject(tags.get(7), false);       // m-7: rejected without requeue is gone, as if acked
            ch.basicAck(tags.get(9), false);          // m-9
            ch.basicAck(tags.get(8), false);          // m-8, out of order
            ch.basicNack(tags.get(10), false, true);  // m-10: requeued, delivered before
            // a synchronous method on the same channel: once it answers, the broker has handled the acks before it
            assertEquals(11, ch.queueDeclarePassive(q).getMessageCount(), "m-10 requeued plus m-20..m-29 ready");
            // m-11..m-19 stay delivered and unacked while the broker restarts
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            List<Delivery> got = takeAll(c, q);
            assertEquals(all.subList(10, 30), bodies(got), "acked ones gone, the rest in publish order");
            assertEquals(all.subList(10, 20), bodiesFlagged(got, true), "delivered before the restart: redelivered");
            assertEquals(all.subList(20, 30), bodiesFlagged(got, false), "never delivered: not redelivered");
        }
    }

    /**
     * Acks that reach the broker before the message they settle is stored (consumer attached while publishing):
     * the store sees the ack before, or alongside, the message, and must not bring the message back. Likewise
     * messages a no-ack consumer took.
     */
    @Test
    void messagesAckedOrTakenWhileBeingStoredStayGone(BrokerUnderTest broker) throws Exception {
        String acking = unique("dur-acking-q");
        String noAck = unique("dur-noack-q");
        int count = 2_000;
        try (Connection c = connect(broker, "before")) {
            Channel setup = c.createChannel();
            setup.queueDeclare(acking, true, false, false, null);
            setup.queueDeclare(noAck, true, false, false, null);
            Channel consumerChannel = c.createChannel();
            consumerChannel.basicQos(100);
            Restarts.Recorder acker = new Restarts.Recorder(consumerChannel, true);
            consumerChannel.basicConsume(acking, false, acker);
            Restarts.Recorder taker = new Restarts.Recorder(consumerChannel, false);
            consumerChannel.basicConsume(noAck, true, taker);
            Channel pub = confirming(c);
            for (String b : numbered("m", count)) {
                pub.basicPublish("", acking, PERSISTENT, utf8(b));
                pub.basicPublish("", noAck, PERSISTENT, utf8(b));
            }
            Restarts.awaitConfirms(pub);
            BrokerTestSupport.await(count + " deliveries to each consumer",
                    () -> acker.bodies().size() == count && taker.bodies().size() == count);
            // the acks were sent from the consumer channel's callbacks; a method on that channel fences them
            assertEquals(0, consumerChannel.queueDeclarePassive(acking).getMessageCount());
            assertEquals(0, consumerChannel.queueDeclarePassive(noAck).getMessageCount());
            assertEquals(numbered("m", count), acker.bodies());
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            assertEquals(List.of(), bodies(takeAll(c, acking)), "acked messages came back after a clean restart");
            assertEquals(List.of(), bodies(takeAll(c, noAck)), "messages taken by a no-ack consumer came back");
        }
    }

    @Test
    void purgeAndDeleteAreDurable(BrokerUnderTest broker) throws Exception {
        String purged = unique("purged-q");
        String deleted = unique("deleted-q");
        String recreated = unique("recreated-q");
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            for (String q : List.of(purged, deleted, recreated)) {
                ch.queueDeclare(q, true, false, false, null);
            }
            publishPersistent(c, purged, numbered("before-purge", 50));
            assertEquals(50, ch.queuePurge(purged).getMessageCount());
            publishPersistent(c, purged, numbered("after-purge", 5));
            publishPersistent(c, deleted, numbered("in-deleted", 20));
            assertEquals(20, ch.queueDelete(deleted).getMessageCount());
            publishPersistent(c, recreated, numbered("old-incarnation", 20));
            ch.queueDelete(recreated);
            ch.queueDeclare(recreated, true, false, false, null);
            publishPersistent(c, recreated, numbered("new-incarnation", 3));
        }

        broker.restart();

        try (Connection c = connect(broker, "after")) {
            assertEquals(numbered("after-purge", 5), bodies(takeAll(c, purged)), "purged messages came back");
            assertFalse(queueExists(c, deleted), "a deleted durable queue came back");
            c.createChannel().queueDeclare(deleted, true, false, false, null);
            assertEquals(List.of(), bodies(takeAll(c, deleted)), "a deleted queue's messages came back with its name");
            assertEquals(numbered("new-incarnation", 3), bodies(takeAll(c, recreated)),
                    "only the messages of the queue's current incarnation");
        }
    }

    @Test
    void aMessageInTwoQueuesSurvivesInBothAndAnAckInOneLeavesTheOther(BrokerUnderTest broker) throws Exception {
        String fanout = unique("dur-fanout");
        String qa = unique("dur-qa");
        String qb = unique("dur-qb");
        List<String> sent = numbered("shared", 10);
        try (Connection c = connect(broker, "before")) {
            Channel ch = c.createChannel();
            ch.exchangeDeclare(fanout, BuiltinExchangeType.FANOUT, true);
            for (String q : List.of(qa, qb)) {
                ch.queueDeclare(q, true, false, false, null);
                ch.queueBind(q, fanout, "");
            }
            Channel pub = confirming(c);
            for (String s : sent) {
                pub.basicPublish(fanout, "", PERSISTENT, utf8(s));
            }
            Restarts.awaitConfirms(pub);
        }

        broker.restart();

        try (Connection c = connect(broker, "after-first-restart")) {
            assertEquals(10, readyCount(c, qb), qb + " after the first restart");
            Channel ch = c.createChannel();
            List<String> acked = new ArrayList<>();
            GetResponse last = null;
            for (int i = 0; i < 10; i++) {
                last = BrokerTestSupport.awaitGet(ch, qa, false);
                acked.add(BrokerTestSupport.text(last.getBody()));
            }
            assertEquals(sent, acked, qa + " after the first restart");
            ch.basicAck(last.getEnvelope().getDeliveryTag(), true);
            assertEquals(0, ch.queueDeclarePassive(qa).getMessageCount()); // fences the ack
            assertEquals(10, readyCount(c, qb), "acking in " + qa + " took messages from " + qb);
        }

        broker.restart();

        try (Connection c = connect(broker, "after-second-restart")) {
            assertEquals(List.of(), bodies(takeAll(c, qa)), "acked messages came back");
            List<Delivery> inB = takeAll(c, qb);
            assertEquals(sent, bodies(inB), "the copies in " + qb + " must survive the ack in " + qa);
            assertEquals(List.of(), bodiesFlagged(inB, true), "never delivered from " + qb);
        }
    }

    /**
     * Paranoid leak detection keeps stack traces for every live buffer: 50k retained messages would exhaust the
     * broker's heap and the timing would measure the detector. Sampled detection still reports a leak here.
     */
    @Test
    @PrivateBroker.JvmOptions("-Dio.netty.leakDetection.level=simple")
    void aLargeBacklogRecoversWithinSeconds(BrokerUnderTest broker) throws Exception {
        String q = unique("backlog-q");
        int count = 50_000;
        int size = 1024;
        long publishStart = System.nanoTime();
        try (Connection c = connect(broker, "before")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            Channel pub = confirming(c);
            for (int i = 0; i < count; i++) {
                pub.basicPublish("", q, PERSISTENT, backlogBody(i, size));
                if (i % 2_000 == 1_999) {
                    Restarts.awaitConfirms(pub); // a window, so the client does not buffer the whole backlog
                }
            }
            Restarts.awaitConfirms(pub);
        }
        long publishMs = (System.nanoTime() - publishStart) / 1_000_000;

        long restartStart = System.nanoTime();
        broker.restart();
        long restartMs = (System.nanoTime() - restartStart) / 1_000_000;

        long drainStart = System.nanoTime();
        int recovered;
        try (Connection c = connect(broker, "after")) {
            List<Delivery> got = takeAll(c, q);
            recovered = got.size();
            long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
            System.out.println("DURABILITY backlog messages=" + count + " bytes=" + size + " publishMs=" + publishMs
                    + " restartMs=" + restartMs + " recovered=" + recovered + " drainMs=" + drainMs);
            assertEquals(count, recovered, "confirmed persistent messages lost in a clean restart");
            for (int i = 0; i < count; i++) {
                byte[] expected = backlogBody(i, size);
                if (!java.util.Arrays.equals(expected, got.get(i).getBody())) {
                    assertEquals(new String(expected, 0, 16, StandardCharsets.US_ASCII),
                            new String(got.get(i).getBody(), 0, Math.min(16, got.get(i).getBody().length),
                                    StandardCharsets.US_ASCII), "message " + i + " (order or content)");
                    assertArrayEquals(expected, got.get(i).getBody(), "body of message " + i);
                }
            }
        }
        assertTrue(restartMs < 30_000, "restart with " + count + " messages took " + restartMs + " ms");
    }

    /** {@code size} bytes: the sequence number, then filler derived from it, so order and content are both checked. */
    private static byte[] backlogBody(int i, int size) {
        byte[] b = new byte[size];
        byte[] head = String.format("%010d|", i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        for (int k = head.length; k < size; k++) {
            b[k] = (byte) ('a' + (i + k) % 26);
        }
        return b;
    }

    /** Every basic property set, with a header table of each common field type, varied per message. */
    private static AMQP.BasicProperties richProperties(int i, String user) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("seq", i);
        headers.put("long", (1L << 40) + i);
        headers.put("name", "message-" + i);
        headers.put("flag", i % 2 == 0);
        headers.put("double", i / 4.0);
        headers.put("nested", Map.of("inner", i, "text", "t" + i));
        headers.put("list", List.of(i, "item"));
        headers.put("bytes", new byte[] {1, 2, (byte) i});
        headers.put("when", new Date(1_700_000_000_000L + i * 1000L));
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .contentType(i % 2 == 0 ? "text/plain" : "application/octet-stream")
                .contentEncoding("utf-8")
                .headers(headers)
                .deliveryMode(2)
                .priority(i % 10)
                .correlationId("corr-" + i)
                .replyTo("reply-" + i)
                .messageId("id-" + i)
                .timestamp(new Date(1_700_000_000_000L + i * 1000L))
                .type("type-" + (i % 7))
                .appId("durability-test");
        if (i % 100 == 0) {
            b.expiration("86400000"); // a day: it must not expire in the test, and must be kept as given
        }
        if (i % 3 == 0) {
            b.userId(user); // validated against the connection's user by RabbitMQ, so only that one
        }
        return b.build();
    }

    private static AMQP.BasicProperties props(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().headers(headers).build();
    }

    private static byte[] utf8(String s) {
        return BrokerTestSupport.utf8(s);
    }
}
