package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.Test;

/** Publisher confirms (confirm.select, basic.ack from the broker) and their clash with transactions. */
class ConfirmTest extends BrokerTestSupport {

    /** Tracks outstanding sequence numbers the way a careful client must, checking the broker's multiple flag. */
    private static final class Tracker implements ConfirmListener {
        final NavigableSet<Long> outstanding = new ConcurrentSkipListSet<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final List<Long> nacks = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handleAck(long deliveryTag, boolean multiple) {
            if (multiple) {
                NavigableSet<Long> upTo = outstanding.headSet(deliveryTag, true);
                if (upTo.isEmpty()) {
                    problems.add("multiple ack " + deliveryTag + " settles nothing");
                }
                upTo.clear();
            } else if (!outstanding.remove(deliveryTag)) {
                problems.add("ack of unknown or already confirmed " + deliveryTag);
            }
        }

        @Override
        public void handleNack(long deliveryTag, boolean multiple) {
            nacks.add(deliveryTag);
        }
    }

    @Test
    void confirmsCoverEveryPublishWithSequenceNumbersFromOne() throws Exception {
        String q = serverNamedQueue();
        Channel pub = connection.createChannel();
        pub.confirmSelect();
        Tracker tracker = new Tracker();
        pub.addConfirmListener(tracker);
        int count = 2_000;
        for (int i = 0; i < count; i++) {
            long seq = pub.getNextPublishSeqNo();
            assertEquals(i + 1, seq);
            tracker.outstanding.add(seq);
            pub.basicPublish("", q, null, utf8("m" + i));
        }
        await("all " + count + " confirms", tracker.outstanding::isEmpty);
        assertEquals(List.of(), tracker.problems);
        assertEquals(List.of(), tracker.nacks, "no nack is expected for ordinary publishes");
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        awaitReady(channel, q, count);
    }

    @Test
    void waitForConfirmsOrDieReturnsForRoutedUnroutableAndPersistentMessages() throws Exception {
        String durable = unique("durable");
        deleteQueueAfterTest(durable);
        channel.queueDeclare(durable, true, false, false, null);
        Channel pub = connection.createChannel();
        pub.confirmSelect();
        pub.basicPublish("", durable, new AMQP.BasicProperties.Builder().deliveryMode(2).build(), utf8("persistent"));
        pub.basicPublish("", unique("nowhere"), null, utf8("unroutable, still confirmed"));
        pub.basicPublish("amq.fanout", "", null, utf8("maybe routed"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(4, pub.getNextPublishSeqNo());
        assertEquals(1, channel.queueDeclarePassive(durable).getMessageCount());
    }

    @Test
    void mandatoryUnroutableIsReturnedBeforeItIsAcked() throws Exception {
        Channel pub = connection.createChannel();
        pub.confirmSelect();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        pub.addReturnListener(r -> events.add("return " + r.getReplyCode() + " " + r.getReplyText()));
        pub.addConfirmListener((tag, multiple) -> events.add("ack " + tag),
                (tag, multiple) -> events.add("nack " + tag));
        pub.basicPublish("", unique("nowhere"), true, null, utf8("bounce"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
        await("return and ack", () -> events.size() == 2);
        assertEquals(List.of("return 312 NO_ROUTE", "ack 1"), events);
    }

    @Test
    void sequenceNumbersArePerChannel() throws Exception {
        String q = serverNamedQueue();
        Channel a = connection.createChannel();
        Channel b = connection.createChannel();
        a.confirmSelect();
        b.confirmSelect();
        a.basicPublish("", q, null, utf8("a1"));
        a.basicPublish("", q, null, utf8("a2"));
        assertEquals(1, b.getNextPublishSeqNo());
        b.basicPublish("", q, null, utf8("b1"));
        a.waitForConfirmsOrDie(TIMEOUT.toMillis());
        b.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals(3, a.getNextPublishSeqNo());
        assertEquals(2, b.getNextPublishSeqNo());
    }

    @Test
    void confirmSelectTwiceIsHarmless() throws Exception {
        Channel pub = connection.createChannel();
        pub.confirmSelect();
        pub.confirmSelect();
        pub.basicPublish("", serverNamedQueue(), null, utf8("once"));
        pub.waitForConfirmsOrDie(TIMEOUT.toMillis());
    }

    @Test
    void confirmSelectOnATransactionalChannelIs406() throws Exception {
        channel.txSelect();
        Reply reply = closeCausedBy(channel, () -> channel.confirmSelect());
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - cannot switch from tx to confirm mode", 85, 10), reply);
    }

    @Test
    void txSelectOnAConfirmChannelIs406() throws Exception {
        channel.confirmSelect();
        Reply reply = closeCausedBy(channel, () -> channel.txSelect());
        assertEquals(Reply.channel(406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode", 90, 10), reply);
        assertTrue(connection.isOpen());
    }

    /**
     * A nack between acks (tag 2, refused by a full reject-publish queue): as the client sees it, every publish
     * is answered exactly once — a multiple ack covers only what is still outstanding (spec 1.8.3.13), so the
     * nack stays a nack.
     */
    @Test
    void aNackBetweenAcksLeavesEveryPublishAnsweredOnce() throws Exception {
        String full = unique("full");
        String open = unique("open");
        deleteQueueAfterTest(full);
        deleteQueueAfterTest(open);
        channel.queueDeclare(full, false, false, false,
                java.util.Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        channel.queueDeclare(open, false, false, false, null);
        Channel pub = confirmChannel();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        NavigableSet<Long> unanswered = new ConcurrentSkipListSet<>(List.of(1L, 2L, 3L, 4L));
        pub.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                record("ack", tag, multiple);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                record("nack", tag, multiple);
            }

            private void record(String kind, long tag, boolean multiple) {
                for (long t : multiple ? List.copyOf(unanswered.headSet(tag, true)) : List.of(tag)) {
                    answers.add(t + "=" + kind);
                    unanswered.remove(t);
                }
                if (multiple) {
                    answers.add("(multiple " + kind + " up to " + tag + ")");
                }
            }
        });
        pub.basicPublish("", full, null, utf8("fits"));
        pub.basicPublish("", full, null, utf8("refused"));
        pub.basicPublish("", open, null, utf8("routed"));
        pub.basicPublish("", open, null, utf8("routed too"));
        await("all four publishes answered", unanswered::isEmpty);
        List<String> perTag = answers.stream().filter(a -> !a.startsWith("(")).sorted().toList();
        assertEquals(List.of("1=ack", "2=nack", "3=ack", "4=ack"), perTag, "answers: " + answers);
    }
}
