package io.leveret.server.cluster.queues;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The queue machine's rules, one by one, without Raft. */
class QueueMachineTest {
    private static final QueueName Q = new QueueName("/", "q");
    private static final ConsumerId A = new ConsumerId("n1", 1, "a");
    private static final ConsumerId B = new ConsumerId("n1", 2, "b");
    private static final ConsumerId C = new ConsumerId("n2", 1, "c");

    private final QueueMachine machine = new QueueMachine();
    private long seq;

    private static Body body(String text) {
        return Body.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Body body) {
        return new String(body.bytes(), StandardCharsets.UTF_8);
    }

    private void declare(QueueConfig config) {
        assertEquals(List.of(new Effect.Declared(Q, true)), machine.apply(new Command.Declare(Q, config)));
    }

    private List<Effect> publish(String text) {
        return machine.apply(new Command.Enqueue(Q, "p1", ++seq, body(text)));
    }

    private static List<Effect.Deliver> deliveries(List<Effect> effects) {
        return effects.stream().filter(Effect.Deliver.class::isInstance).map(Effect.Deliver.class::cast).toList();
    }

    private static List<String> delivered(List<Effect> effects, ConsumerId to) {
        return deliveries(effects).stream().filter(d -> d.consumer().equals(to)).map(d -> text(d.body())).toList();
    }

    private static List<Effect.DeadLetter> deadLetters(List<Effect> effects) {
        return effects.stream().filter(Effect.DeadLetter.class::isInstance).map(Effect.DeadLetter.class::cast)
                .toList();
    }

    private QueueMachine.Stats stats() {
        return machine.stats(Q);
    }

    @Test
    void enqueueIsConfirmedAndAReSubmittedSequenceIsConfirmedAgainButEnqueuedOnce() {
        declare(QueueConfig.DEFAULTS);
        assertEquals(List.of(new Effect.Declared(Q, false)), machine.apply(new Command.Declare(Q,
                new QueueConfig(3, 1, 1, QueueConfig.Overflow.REJECT_PUBLISH, true))), "a redeclare changes nothing");
        assertEquals(QueueConfig.DEFAULTS, machine.config(Q));
        Command one = new Command.Enqueue(Q, "p1", 1, body("m1"));
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 1)), machine.apply(one));
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 1)), machine.apply(one));
        assertEquals(1, stats().ready(), "the second apply of the same (publisher, seq) enqueued nothing");
        assertEquals(List.of(new Effect.Confirm(Q, "p2", 1)),
                machine.apply(new Command.Enqueue(Q, "p2", 1, body("x"))), "another publisher's 1 is its own");
        assertEquals(List.of(new Effect.OutOfSequence(Q, "p1", 5, 2)),
                machine.apply(new Command.Enqueue(Q, "p1", 5, body("m5"))), "a gap is refused, not confirmed");
        assertEquals(2, stats().ready());
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 2)), machine.apply(new Command.Enqueue(Q, "p1", 2, body("m2"))));
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 2)), machine.apply(new Command.Enqueue(Q, "p1", 2, body("m2"))));
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 1)), machine.apply(one), "older ones are duplicates too");
        assertEquals(3, stats().ready(), "each message once");
        assertEquals(List.of(new Effect.NoQueue(new QueueName("/", "none"))),
                machine.apply(new Command.Enqueue(new QueueName("/", "none"), "p1", 9, body("m"))));
    }

    @Test
    void deliveriesGoToTheHighestPriorityConsumerWithCreditAndRoundRobinAmongEquals() {
        declare(QueueConfig.DEFAULTS);
        machine.apply(new Command.Checkout(Q, A, 0, 0));
        machine.apply(new Command.Checkout(Q, B, 0, 0));
        List<Effect> effects = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            effects.addAll(publish("m" + i));
        }
        assertEquals(List.of("m1", "m3"), delivered(effects, A));
        assertEquals(List.of("m2", "m4"), delivered(effects, B));

        // C has priority 5 and a prefetch of 2: it takes everything until full, then the others share the rest.
        machine.apply(new Command.Checkout(Q, C, 2, 5));
        effects.clear();
        for (int i = 5; i <= 8; i++) {
            effects.addAll(publish("m" + i));
        }
        assertEquals(List.of("m5", "m6"), delivered(effects, C));
        assertEquals(List.of("m7"), delivered(effects, A));
        assertEquals(List.of("m8"), delivered(effects, B));
        assertEquals(8, stats().unacked());

        // A settle frees C's credit; the next message is C's again.
        long firstOfC = deliveries(effects).get(0).id();
        machine.apply(new Command.Settle(Q, C, new long[] {firstOfC}));
        assertEquals(List.of("m9"), delivered(publish("m9"), C));
        assertEquals(List.of(A, B, C), stats().consumers().stream().sorted((x, y) -> x.tag().compareTo(y.tag()))
                .toList());
    }

    @Test
    void prefetchHoldsMessagesBackUntilSettledAndAChangedPrefetchReleasesThem() {
        declare(QueueConfig.DEFAULTS);
        for (int i = 1; i <= 3; i++) {
            publish("m" + i);
        }
        List<Effect> effects = machine.apply(new Command.Checkout(Q, A, 1, 0));
        assertEquals(List.of("m1"), delivered(effects, A));
        assertEquals(2, stats().ready());
        long id = deliveries(effects).get(0).id();
        assertEquals(List.of("m2"), delivered(machine.apply(new Command.Settle(Q, A, new long[] {id})), A));
        assertEquals(List.of(), machine.apply(new Command.Settle(Q, A, new long[] {id})), "settled twice: nothing");
        assertEquals(List.of("m3"), delivered(machine.apply(new Command.Checkout(Q, A, 2, 0)), A));
        assertEquals(0, stats().ready());
        assertEquals(2, stats().unacked());
    }

    @Test
    void aReturnedMessageGoesToTheBackWithItsDeliveryCountOneHigher() {
        declare(QueueConfig.DEFAULTS);
        List<Effect> effects = machine.apply(new Command.Checkout(Q, A, 1, 0));
        effects.addAll(publish("m1"));
        publish("m2");
        publish("m3");
        Effect.Deliver first = deliveries(effects).get(0);
        assertEquals(0, first.deliveryCount());
        machine.apply(new Command.Cancel(Q, A, false));
        List<Effect> back = machine.apply(new Command.Return(Q, A, new long[] {first.id()}));
        assertEquals(List.of(), deliveries(back), "a cancelled consumer gets nothing more");
        assertEquals(List.of(), stats().consumers());
        List<Effect> all = machine.apply(new Command.Checkout(Q, B, 0, 0));
        assertEquals(List.of("m2", "m3", "m1"), delivered(all, B));
        assertEquals(List.of(0, 0, 1), deliveries(all).stream().map(Effect.Deliver::deliveryCount).toList());
        assertEquals(List.of(), machine.apply(new Command.Return(Q, A, new long[] {first.id()})),
                "A was forgotten once it held nothing");
    }

    @Test
    void pastTheDeliveryLimitAMessageIsDeadLetteredOrDroppedWithoutADeadLetterExchange() {
        for (boolean deadLetter : new boolean[] {true, false}) {
            QueueMachine m = new QueueMachine();
            m.apply(new Command.Declare(Q, new QueueConfig(2, -1, -1, QueueConfig.Overflow.DROP_HEAD, deadLetter)));
            List<Effect> effects = m.apply(new Command.Checkout(Q, A, 1, 0));
            effects.addAll(m.apply(new Command.Enqueue(Q, "p", 1, body("m1"))));
            List<Integer> counts = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                Effect.Deliver d = deliveries(effects).get(0);
                counts.add(d.deliveryCount());
                effects = m.apply(new Command.Return(Q, A, new long[] {d.id()}));
            }
            assertEquals(List.of(0, 1, 2), counts, "delivered while the count is at most the limit");
            assertEquals(List.of(), deliveries(effects));
            assertEquals(deadLetter ? List.of(new Effect.DeadLetter(Q, Effect.Reason.DELIVERY_LIMIT, 3, body("m1")))
                    : List.of(), deadLetters(effects));
            assertEquals(0, m.stats(Q).ready() + m.stats(Q).unacked());
        }
    }

    @Test
    void aDiscardedMessageIsDeadLetteredAsRejected() {
        declare(new QueueConfig(-1, -1, -1, QueueConfig.Overflow.DROP_HEAD, true));
        List<Effect> effects = machine.apply(new Command.Checkout(Q, A, 0, 0));
        effects.addAll(publish("m1"));
        long id = deliveries(effects).get(0).id();
        assertEquals(List.of(new Effect.DeadLetter(Q, Effect.Reason.REJECTED, 0, body("m1"))),
                deadLetters(machine.apply(new Command.Discard(Q, A, new long[] {id}))));
        assertEquals(0, stats().unacked());
    }

    @Test
    void dropHeadDropsTheOldestReadyMessagesAsMaxlenByCountAndByBytes() {
        declare(new QueueConfig(-1, 2, -1, QueueConfig.Overflow.DROP_HEAD, true));
        publish("m1");
        publish("m2");
        List<Effect> effects = publish("m3");
        assertEquals(new Effect.Confirm(Q, "p1", 3), effects.get(0), "a publish that drops the head is confirmed");
        assertEquals(List.of(new Effect.DeadLetter(Q, Effect.Reason.MAXLEN, 0, body("m1"))), deadLetters(effects));
        assertEquals(2, stats().ready());
        // Unacknowledged messages do not count: a consumer holding one leaves room for two ready ones.
        machine.apply(new Command.Checkout(Q, A, 1, 0));
        assertEquals(1, stats().ready());
        assertEquals(List.of(), deadLetters(publish("m4")));
        assertEquals(2, stats().ready());

        QueueName bytes = new QueueName("/", "bytes");
        machine.apply(new Command.Declare(bytes, new QueueConfig(-1, -1, 10, QueueConfig.Overflow.DROP_HEAD, false)));
        machine.apply(new Command.Enqueue(bytes, "p", 1, body("123456")));
        machine.apply(new Command.Enqueue(bytes, "p", 2, body("1234")));
        List<Effect> over = machine.apply(new Command.Enqueue(bytes, "p", 3, body("1")));
        assertEquals(List.of(), deadLetters(over), "no dead-letter exchange: dropped");
        assertEquals(2, machine.stats(bytes).ready());
        assertEquals(5, machine.stats(bytes).readyBytes());
    }

    @Test
    void rejectPublishTakesTheMessageThatGoesOverThenRefusesUntilDownToEightyPercent() {
        declare(new QueueConfig(-1, 10, -1, QueueConfig.Overflow.REJECT_PUBLISH, true));
        for (int i = 1; i <= 11; i++) {
            assertEquals(List.of(new Effect.Confirm(Q, "p1", i)), publish("m" + i), "message " + i);
        }
        assertTrue(stats().blocked());
        assertEquals(List.of(new Effect.Refuse(Q, "p1", 12)), publish("m12"));
        assertEquals(List.of(new Effect.Refuse(Q, "p1", 12)),
                machine.apply(new Command.Enqueue(Q, "p1", 12, body("m12"))), "re-submitted, refused again");
        List<Effect> effects = machine.apply(new Command.Checkout(Q, A, 2, 0));
        assertEquals(9, stats().ready());
        assertTrue(stats().blocked(), "9 ready is above trunc(10 * 0.8)");
        assertEquals(List.of(new Effect.Refuse(Q, "p1", 13)), publish("m13"));
        machine.apply(new Command.Settle(Q, A, new long[] {deliveries(effects).get(0).id()}));
        assertEquals(8, stats().ready());
        // Settling does not change the ready count, so it re-evaluates nothing; the next checkout does.
        assertTrue(stats().blocked());
        machine.apply(new Command.Checkout(Q, B, 0, 0));
        assertFalse(stats().blocked());
        assertEquals(0, stats().ready());
        assertEquals(new Effect.Confirm(Q, "p1", 14), publish("m14").get(0));
        assertEquals(List.of(new Effect.Refuse(Q, "p1", 12)),
                machine.apply(new Command.Enqueue(Q, "p1", 12, body("m12"))), "a refused one is remembered as refused");
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 11)),
                machine.apply(new Command.Enqueue(Q, "p1", 11, body("m11"))), "and a confirmed one as confirmed");
        assertTrue(deadLetters(publish("m15")).isEmpty(), "reject-publish never drops");
    }

    @Test
    void purgeRemovesReadyMessagesOnlyAndUnblocksARejectPublishQueue() {
        declare(new QueueConfig(-1, 2, -1, QueueConfig.Overflow.REJECT_PUBLISH, false));
        machine.apply(new Command.Checkout(Q, A, 1, 0));
        for (int i = 1; i <= 4; i++) {
            publish("m" + i);
        }
        assertTrue(stats().blocked());
        assertEquals(List.of(new Effect.Purged(Q, 3)), machine.apply(new Command.Purge(Q)));
        assertEquals(0, stats().ready());
        assertEquals(1, stats().unacked());
        assertFalse(stats().blocked());
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 5)), publish("m5"));
    }

    @Test
    void cancelWithReturnGivesItsUnackedMessagesBackAndBasicCancelKeepsThemSettleable() {
        declare(QueueConfig.DEFAULTS);
        List<Effect> effects = machine.apply(new Command.Checkout(Q, A, 0, 0));
        effects.addAll(machine.apply(new Command.Checkout(Q, B, 2, 0)));
        for (int i = 1; i <= 4; i++) {
            effects.addAll(publish("m" + i));
        }
        List<Effect.Deliver> toB = deliveries(effects).stream().filter(d -> d.consumer().equals(B)).toList();
        machine.apply(new Command.Cancel(Q, A, true));
        assertEquals(2, stats().ready(), "A's two came back");
        assertEquals(List.of(B), stats().consumers());
        machine.apply(new Command.Cancel(Q, B, false));
        assertEquals(2, stats().unacked(), "basic.cancel leaves B's deliveries with B");
        machine.apply(new Command.Settle(Q, B, new long[] {toB.get(0).id(), toB.get(1).id()}));
        assertEquals(0, stats().unacked());
        List<Effect> again = machine.apply(new Command.Checkout(Q, C, 0, 0));
        assertEquals(List.of("m1", "m3"), delivered(again, C));
        assertEquals(List.of(1, 1), deliveries(again).stream().map(Effect.Deliver::deliveryCount).toList());
    }

    @Test
    void aNodeGoingDownCancelsItsConsumersInEveryQueueAndReturnsTheirMessages() {
        declare(QueueConfig.DEFAULTS);
        QueueName other = new QueueName("v", "other");
        machine.apply(new Command.Declare(other, QueueConfig.DEFAULTS));
        machine.apply(new Command.Checkout(Q, A, 0, 0));
        machine.apply(new Command.Checkout(other, B, 0, 0));
        machine.apply(new Command.Checkout(Q, C, 0, 0));
        publish("m1");
        publish("m2");
        machine.apply(new Command.Enqueue(other, "p", 1, body("o1")));
        List<Effect> effects = machine.apply(new Command.NodeDown("n1"));
        assertEquals(List.of("m1"), delivered(effects, C), "A's message went to the consumer left, on n2");
        assertEquals(1, deliveries(effects).get(0).deliveryCount());
        assertEquals(List.of(C), stats().consumers());
        assertEquals(List.of(), machine.stats(other).consumers());
        assertEquals(1, machine.stats(other).ready());
        assertEquals(List.of(), machine.apply(new Command.NodeDown("n1")), "twice: nothing more");
    }

    @Test
    void deleteTellsConsumersAndCountsMessagesAndTheQueueIsGone() {
        declare(QueueConfig.DEFAULTS);
        machine.apply(new Command.Checkout(Q, A, 1, 0));
        publish("m1");
        publish("m2");
        assertEquals(List.of(new Effect.ConsumerCancelled(Q, A), new Effect.Deleted(Q, 2)),
                machine.apply(new Command.Delete(Q)));
        assertNull(stats());
        assertEquals(List.of(new Effect.NoQueue(Q)), machine.apply(new Command.Delete(Q)));
        assertEquals(List.of(new Effect.NoQueue(Q)), machine.apply(new Command.Settle(Q, A, new long[] {0})));
        assertEquals(List.of(new Effect.Declared(Q, true)), machine.apply(new Command.Declare(Q, QueueConfig.DEFAULTS)));
        assertEquals(List.of(new Effect.Confirm(Q, "p1", 1)), machine.apply(new Command.Enqueue(Q, "p1", 1, body("x"))),
                "a new queue of the same name has no memory of the old one's publishers");
    }

    private static List<Command> everyKindOfCommand() {
        QueueName odd = new QueueName("vh\u00e9", "q \u2603");
        return List.of(
                new Command.Declare(Q, new QueueConfig(20, 1_000_000, -1, QueueConfig.Overflow.REJECT_PUBLISH, true)),
                new Command.Declare(odd, QueueConfig.DEFAULTS),
                new Command.Enqueue(Q, "n1/7", Long.MAX_VALUE, body("hello")),
                new Command.Enqueue(odd, "", 0, Body.EMPTY),
                new Command.Checkout(Q, new ConsumerId("n1", 65535, "amq.ctag-1"), 0, -3),
                new Command.Settle(Q, A, new long[] {5, 3, 900, 901, 0}),
                new Command.Return(Q, B, new long[] {}),
                new Command.Discard(Q, C, new long[] {Long.MAX_VALUE}),
                new Command.Cancel(Q, A, true),
                new Command.Cancel(Q, B, false),
                new Command.Purge(odd),
                new Command.Delete(odd),
                new Command.NodeDown("leveret@b"));
    }

    @Test
    void everyCommandRoundTripsThroughTheEntryEncodingAndBadEntriesAreRefused() {
        List<Command> commands = everyKindOfCommand();
        byte[] entry = QueueCodec.encodeEntry(commands);
        assertEquals(commands, QueueCodec.decodeEntry(entry));
        for (Command command : commands) {
            assertEquals(List.of(command), QueueCodec.decodeEntry(QueueCodec.encodeEntry(List.of(command))));
            assertEquals(QueueCodec.encodeEntry(List.of(command)).length - 2, QueueCodec.encodedSize(command));
        }
        assertTrue(QueueCodec.encodeEntry(List.of(new Command.Settle(Q, A, new long[] {100, 101, 102}))).length < 24,
                "compact: varints and deltas");
        for (int cut = 0; cut < entry.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(entry, cut);
            assertThrows(IllegalArgumentException.class, () -> QueueCodec.decodeEntry(truncated), "cut at " + cut);
        }
        byte[] future = entry.clone();
        future[0] = 2;
        assertThrows(IllegalArgumentException.class, () -> QueueCodec.decodeEntry(future));
        byte[] huge = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F};
        assertThrows(IllegalArgumentException.class, () -> QueueCodec.decodeEntry(huge), "a count past the bytes");
    }

    @Test
    void aSnapshotRoundTripsAndTheRestoredMachineGoesOnExactlyAsTheOriginal() {
        // A random but seeded workload over three queues, then the same tail applied to the original and to a copy
        // restored from its snapshot: the same effects, and the same snapshot bytes, at every step.
        Random random = new Random(42);
        List<QueueName> names = List.of(Q, new QueueName("/", "dl"), new QueueName("v2", "r"));
        machine.apply(new Command.Declare(names.get(0), QueueConfig.DEFAULTS));
        machine.apply(new Command.Declare(names.get(1), new QueueConfig(1, 5, -1, QueueConfig.Overflow.DROP_HEAD, true)));
        machine.apply(new Command.Declare(names.get(2), new QueueConfig(-1, 4, 100,
                QueueConfig.Overflow.REJECT_PUBLISH, false)));
        List<ConsumerId> consumers = List.of(A, B, C);
        List<long[]> held = new ArrayList<>();
        long[] next = new long[9];
        for (int i = 0; i < 400; i++) {
            if (i == 250) {
                QueueMachine copy = new QueueMachine();
                byte[] snapshot = QueueCodec.encodeSnapshot(machine);
                QueueCodec.decodeSnapshot(snapshot, copy);
                assertArrayEquals(snapshot, QueueCodec.encodeSnapshot(copy));
                for (int j = 250; j < 400; j++) {
                    Command command = randomCommand(random, names, consumers, held, next);
                    List<Effect> expected = machine.apply(command);
                    assertEquals(expected, copy.apply(command), "step " + j + ": " + command);
                    remember(expected, held);
                }
                assertArrayEquals(QueueCodec.encodeSnapshot(machine), QueueCodec.encodeSnapshot(copy));
                for (QueueName name : names) {
                    assertEquals(machine.stats(name), copy.stats(name));
                }
                return;
            }
            remember(machine.apply(randomCommand(random, names, consumers, held, next)), held);
        }
    }

    @Test
    void aDamagedSnapshotIsRefusedAndLeavesTheMachineAsItWas() {
        declare(QueueConfig.DEFAULTS);
        machine.apply(new Command.Checkout(Q, A, 1, 0));
        publish("m1");
        publish("m2");
        byte[] snapshot = QueueCodec.encodeSnapshot(machine);
        QueueMachine target = new QueueMachine();
        target.apply(new Command.Declare(new QueueName("/", "keep"), QueueConfig.DEFAULTS));
        for (int cut = 0; cut < snapshot.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(snapshot, cut);
            assertThrows(IllegalArgumentException.class, () -> QueueCodec.decodeSnapshot(truncated, target));
        }
        assertEquals(List.of(new QueueName("/", "keep")), target.queueNames());
        QueueCodec.decodeSnapshot(snapshot, target);
        assertEquals(List.of(Q), target.queueNames());
        assertEquals(machine.stats(Q), target.stats(Q));
    }

    private static void remember(List<Effect> effects, List<long[]> held) {
        for (Effect effect : effects) {
            if (effect instanceof Effect.Deliver d) {
                held.add(new long[] {d.id(), d.consumer().channel(), d.queue().hashCode()});
            }
        }
    }

    /** Publishers mostly send the next number; now and then one re-sends an earlier one or skips ahead. */
    private static Command randomCommand(Random random, List<QueueName> names, List<ConsumerId> consumers,
                                         List<long[]> held, long[] next) {
        QueueName queue = names.get(random.nextInt(names.size()));
        ConsumerId consumer = consumers.get(random.nextInt(consumers.size()));
        long[] ids = new long[] {held.isEmpty() ? 0 : held.get(random.nextInt(held.size()))[0]};
        return switch (random.nextInt(12)) {
            case 0, 1, 2, 3 -> {
                int p = random.nextInt(3);
                int k = names.indexOf(queue) * 3 + p;
                int r = random.nextInt(10);
                long seq = r == 0 ? next[k] + 2 : r == 1 ? Math.max(0, next[k] - 1 - random.nextInt(70)) : next[k]++;
                yield new Command.Enqueue(queue, "p" + p, seq, Body.of(new byte[random.nextInt(40)]));
            }
            case 4 -> new Command.Checkout(queue, consumer, random.nextInt(4), random.nextInt(3));
            case 5, 6 -> new Command.Settle(queue, consumer, ids);
            case 7 -> new Command.Return(queue, consumer, ids);
            case 8 -> new Command.Discard(queue, consumer, ids);
            case 9 -> new Command.Cancel(queue, consumer, random.nextBoolean());
            case 10 -> random.nextInt(4) == 0 ? new Command.Purge(queue) : new Command.NodeDown("n" + random.nextInt(3));
            default -> new Command.Checkout(queue, consumer, 0, 0);
        };
    }
}
