package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.queueExists;
import static io.leveret.interop.Restarts.takeAll;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kill -9} in the middle of confirmed publishing: every persistent message whose confirm reached the
 * publisher must be in the durable queue after the broker restarts on the same data directory, exactly once, and
 * each publisher's messages in the order it published them. Messages in flight (published, not confirmed) may or
 * may not survive. Several rounds kill at different moments, on one data directory that thus recovers from crash
 * after crash. Each round prints one {@code CRASH ...} line; {@code -Dcrash.seed=N} replays the kill times.
 */
@ExtendWith(PrivateBroker.class)
class CrashTest {
    private static final int PUBLISHERS = 4;
    private static final int ROUNDS = 5;
    private static final int MIN_KILL_MS = 200;
    private static final int MAX_KILL_MS = 1_500;
    /** Unconfirmed publishes per publisher: enough to keep the broker busy, bounded so the client does not buffer a flood. */
    private static final int CONFIRM_WINDOW = 1_000;
    private static final int CONSUMER_PREFETCH = 200;
    /** Acks the consumer has sent before the kill timer starts in the consumer round. */
    private static final int MIN_ACKED = 500;

    @Test
    void everyConfirmedPersistentMessageSurvivesKill9ExactlyOnceAndInOrder(BrokerUnderTest broker) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("CRASH seed=" + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        List<Outcome> outcomes = new ArrayList<>();
        String previousQueue = null;
        for (int round = 1; round <= ROUNDS; round++) {
            int killAfterMs = MIN_KILL_MS + random.nextInt(MAX_KILL_MS - MIN_KILL_MS + 1);
            Outcome o = crashRound(broker, round, killAfterMs, false, previousQueue);
            outcomes.add(o);
            previousQueue = o.queue;
        }
        // every round runs before any verdict, so a failure still shows the whole picture
        System.out.println("CRASH total rounds=" + ROUNDS
                + " published=" + outcomes.stream().mapToLong(o -> o.published).sum()
                + " confirmed=" + outcomes.stream().mapToLong(o -> o.confirmed).sum()
                + " recovered=" + outcomes.stream().mapToLong(o -> o.recovered).sum()
                + " lost=" + outcomes.stream().mapToLong(o -> o.lost).sum()
                + " duplicates=" + outcomes.stream().mapToLong(o -> o.duplicates).sum());
        outcomes.forEach(Outcome::assertNothingConfirmedLost);
    }

    @Test
    void confirmedButUnackedMessagesSurviveKill9WithAConsumerAcking(BrokerUnderTest broker) throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        int killAfterMs = MIN_KILL_MS + new Random(seed).nextInt(MAX_KILL_MS - MIN_KILL_MS + 1);
        System.out.println("CRASH seed=" + seed + " (rerun with -Dcrash.seed=" + seed + ")");
        Outcome o = crashRound(broker, 1, killAfterMs, true, null);
        o.assertNothingConfirmedLost();
    }

    /**
     * One round: a durable queue, {@link #PUBLISHERS} confirmed publishers (and optionally an acking consumer), a
     * SIGKILL {@code killAfterMs} after each publisher had a confirm (with a consumer: and it has acked {@link #MIN_ACKED}),
     * a start on the same data directory, a full drain.
     */
    private static Outcome crashRound(BrokerUnderTest broker, int round, int killAfterMs, boolean withConsumer,
            String previousQueue) throws Exception {
        String q = unique("crash-q" + round);
        try (Connection c = connect(broker, "crash-setup")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
        }
        LiveConsumer consumer = withConsumer ? new LiveConsumer(connect(broker, "crash-consumer"), q) : null;
        List<Publisher> publishers = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            publishers.add(new Publisher(connect(broker, "crash-publisher-" + p), q, round, p));
        }
        publishers.forEach(Publisher::start);
        // A round in which nothing was confirmed yet proves nothing: on a busy machine the first group commit can
        // take longer than the kill delay, so the delay counts from the first confirm.
        BrokerTestSupport.await("every publisher to have a confirm", () -> publishers.stream()
                .allMatch(p -> !p.confirmed.isEmpty()));
        if (consumer != null) {
            // a round whose consumer has acked nothing would prove nothing about acks
            BrokerTestSupport.await("the consumer to ack " + MIN_ACKED + " messages while publishers stream (consumed "
                    + consumer.deliveries + ")", () -> consumer.acked.size() >= MIN_ACKED);
        }
        Thread.sleep(killAfterMs); // the crash moment is the point of the test, not a wait for a condition

        broker.kill();

        for (Publisher p : publishers) {
            p.finish();
        }
        if (consumer != null) {
            consumer.finish();
        }
        broker.start();

        Outcome o;
        try (Connection c = connect(broker, "crash-drain")) {
            if (previousQueue != null) {
                assertFalse(queueExists(c, previousQueue), "the queue deleted in the previous round came back");
            }
            List<Delivery> recovered = takeAll(c, q);
            o = new Outcome(round, killAfterMs, q, publishers, consumer, recovered);
            System.out.println(o.summary());
            c.createChannel().queueDelete(q);
        }
        return o;
    }

    /** The id of message {@code seq} of publisher {@code p} in round {@code round}. */
    private static String id(int round, int p, int seq) {
        return "r" + round + "-p" + p + "-" + seq;
    }

    /** The id, then filler whose length and content follow from it, so a torn or mixed-up body shows. */
    private static byte[] body(String id, int seq) {
        StringBuilder b = new StringBuilder(id).append('|');
        int filler = (seq * 31) % 1_500;
        for (int k = 0; k < filler; k++) {
            b.append((char) ('a' + (seq + k) % 26));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** One connection publishing persistent messages with confirms as fast as its confirm window allows. */
    private static final class Publisher implements ConfirmListener {
        final int index;
        private final Connection connection;
        private final Channel channel;
        private final String queue;
        private final int round;
        private final Semaphore window = new Semaphore(CONFIRM_WINDOW);
        /** Publish sequence number → message seq, until confirmed or nacked. */
        private final NavigableMap<Long, Integer> outstanding = new ConcurrentSkipListMap<>();
        final Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
        final Set<Integer> nacked = ConcurrentHashMap.newKeySet();
        private final AtomicInteger attempted = new AtomicInteger();
        private final Thread thread;
        private volatile Exception stoppedBy;

        Publisher(Connection connection, String queue, int round, int index) throws Exception {
            this.connection = connection;
            this.queue = queue;
            this.round = round;
            this.index = index;
            this.channel = connection.createChannel();
            channel.confirmSelect();
            channel.addConfirmListener(this);
            this.thread = new Thread(this::publishUntilTheBrokerDies, "crash-publisher-" + index);
        }

        void start() {
            thread.start();
        }

        /** Publishes attempted, including one that failed as the connection broke (it may have reached the broker). */
        int attempted() {
            return attempted.get();
        }

        private void publishUntilTheBrokerDies() {
            try {
                for (int seq = 0; connection.isOpen(); seq++) {
                    while (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        if (!connection.isOpen()) {
                            return;
                        }
                    }
                    String id = id(round, index, seq);
                    AMQP.BasicProperties props = PERSISTENT.builder().messageId(id).build();
                    outstanding.put(channel.getNextPublishSeqNo(), seq);
                    attempted.set(seq + 1);
                    channel.basicPublish("", queue, props, body(id, seq));
                }
            } catch (Exception e) {
                stoppedBy = e; // the kill: the connection is gone
            }
        }

        /** Waits for the publisher to notice the broker is gone; confirms cannot arrive after that. */
        void finish() throws Exception {
            thread.join(BrokerTestSupport.TIMEOUT.toMillis());
            assertFalse(thread.isAlive(), "publisher " + index + " did not stop after the kill");
            BrokerTestSupport.await("publisher " + index + "'s connection to close", () -> !connection.isOpen());
            connection.abort();
        }

        @Override
        public void handleAck(long tag, boolean multiple) {
            settle(tag, multiple, confirmed);
        }

        @Override
        public void handleNack(long tag, boolean multiple) {
            settle(tag, multiple, nacked);
        }

        private void settle(long tag, boolean multiple, Set<Integer> into) {
            NavigableMap<Long, Integer> settled = multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
            int n = 0;
            for (Map.Entry<Long, Integer> e; (e = settled.pollFirstEntry()) != null; n++) {
                into.add(e.getValue());
            }
            window.release(n);
        }
    }

    /** A consumer acking each delivery; an id goes into {@link #acked} before its ack is sent. */
    private static final class LiveConsumer {
        private final Connection connection;
        final Set<String> delivered = ConcurrentHashMap.newKeySet();
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger outOfOrder = new AtomicInteger();
        private final Map<Integer, Integer> lastSeq = new ConcurrentHashMap<>();

        LiveConsumer(Connection connection, String queue) throws Exception {
            this.connection = connection;
            Channel ch = connection.createChannel();
            ch.basicQos(CONSUMER_PREFETCH);
            ch.basicConsume(queue, false, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                        throws java.io.IOException {
                    String id = properties.getMessageId();
                    deliveries.incrementAndGet();
                    if (!delivered.add(id)) {
                        duplicates.incrementAndGet();
                    }
                    String[] parts = id.split("-");
                    int p = Integer.parseInt(parts[1].substring(1));
                    int seq = Integer.parseInt(parts[2]);
                    Integer before = lastSeq.put(p, seq);
                    if (before != null && before >= seq) {
                        outOfOrder.incrementAndGet();
                    }
                    acked.add(id); // announced before it is made: a kill between the two is not counted as a loss
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            });
        }

        void finish() {
            BrokerTestSupport.await("the consumer's connection to close", () -> !connection.isOpen());
            connection.abort();
        }
    }

    /** What one round published, confirmed and got back, and the verdicts on it. */
    private static final class Outcome {
        final int round;
        final int killAfterMs;
        final String queue;
        final boolean withConsumer;
        long published;
        long confirmed;
        long nacked;
        long recovered;
        long lost;
        long duplicates;
        long outOfOrder;
        long foreign;
        long corrupt;
        long redelivered;
        long liveDeliveries;
        long acked;
        long ackedCameBack;
        long deliveredCameBackUnflagged;
        long liveDuplicates;
        long liveOutOfOrder;
        final List<String> lostSample = new ArrayList<>();

        Outcome(int round, int killAfterMs, String queue, List<Publisher> publishers, LiveConsumer consumer,
                List<Delivery> deliveries) {
            this.round = round;
            this.killAfterMs = killAfterMs;
            this.queue = queue;
            this.withConsumer = consumer != null;
            Set<String> ackedIds = consumer == null ? Set.of() : consumer.acked;
            Map<String, Integer> count = new HashMap<>();
            int[] lastSeq = new int[PUBLISHERS];
            java.util.Arrays.fill(lastSeq, -1);
            recovered = deliveries.size();
            for (Delivery d : deliveries) {
                String id = d.getProperties().getMessageId();
                int[] ps = parse(id, round);
                if (ps == null || ps[1] >= publishers.get(ps[0]).attempted()) {
                    foreign++;
                    continue;
                }
                if (!java.util.Arrays.equals(body(id, ps[1]), d.getBody())) {
                    corrupt++;
                }
                if (count.merge(id, 1, Integer::sum) > 1) {
                    duplicates++;
                }
                if (ps[1] <= lastSeq[ps[0]]) {
                    outOfOrder++;
                }
                lastSeq[ps[0]] = Math.max(lastSeq[ps[0]], ps[1]);
                if (d.getEnvelope().isRedeliver()) {
                    redelivered++;
                }
                if (ackedIds.contains(id)) {
                    ackedCameBack++;
                }
                if (consumer != null && consumer.delivered.contains(id) && !d.getEnvelope().isRedeliver()) {
                    deliveredCameBackUnflagged++;
                }
            }
            for (Publisher p : publishers) {
                published += p.attempted();
                confirmed += p.confirmed.size();
                nacked += p.nacked.size();
                for (int seq : p.confirmed.stream().sorted().toList()) {
                    String id = id(round, p.index, seq);
                    if (!count.containsKey(id) && !ackedIds.contains(id)) {
                        lost++;
                        if (lostSample.size() < 10) {
                            lostSample.add(id);
                        }
                    }
                }
            }
            if (consumer != null) {
                acked = ackedIds.size();
                liveDeliveries = consumer.deliveries.get();
                liveDuplicates = consumer.duplicates.get();
                liveOutOfOrder = consumer.outOfOrder.get();
            }
        }

        /** {publisher, seq} of an id of this round; null for anything else. */
        private static int[] parse(String id, int round) {
            if (id == null || !id.startsWith("r" + round + "-p")) {
                return null;
            }
            String[] parts = id.split("-");
            try {
                int p = Integer.parseInt(parts[1].substring(1));
                int seq = Integer.parseInt(parts[2]);
                return p >= 0 && p < PUBLISHERS ? new int[] {p, seq} : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        String summary() {
            String line = "CRASH round=" + round + " killAfterMs=" + killAfterMs + " published=" + published
                    + " confirmed=" + confirmed + " recovered=" + recovered + " lost=" + lost
                    + " duplicates=" + duplicates + " outOfOrder=" + outOfOrder + " foreign=" + foreign
                    + " corrupt=" + corrupt + " nacked=" + nacked + " redelivered=" + redelivered;
            if (withConsumer) {
                line += " consumer=acking killTimerStartedAfterAcks=" + MIN_ACKED + " consumed=" + liveDeliveries + " acked=" + acked + " ackedCameBack=" + ackedCameBack
                        + " deliveredCameBackUnflagged=" + deliveredCameBackUnflagged + " liveDuplicates=" + liveDuplicates
                        + " liveOutOfOrder=" + liveOutOfOrder;
            }
            return line;
        }

        void assertNothingConfirmedLost() {
            String where = summary();
            assertTrue(confirmed > 0, "nothing was confirmed before the kill, so the round proves nothing: " + where);
            assertEquals(0, lost, "confirmed" + (withConsumer ? ", not acked," : "") + " messages lost, e.g. "
                    + lostSample + ": " + where);
            assertEquals(0, duplicates, "a message recovered twice: " + where);
            assertEquals(0, outOfOrder, "a publisher's messages recovered out of order: " + where);
            assertEquals(0, foreign, "a message nobody published in this round: " + where);
            assertEquals(0, corrupt, "a recovered body differs from the one published: " + where);
            assertEquals(0, liveDuplicates, "the live consumer got a message twice before the kill: " + where);
            assertEquals(0, liveOutOfOrder, "the live consumer got a publisher's messages out of order: " + where);
        }
    }
}
