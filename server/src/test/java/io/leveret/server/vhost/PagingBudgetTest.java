package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.FieldTable;
import io.leveret.store.Store;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker-wide budget for bodies in memory: queues together stay within it, each paging its own oldest
 * bodies out once the total is past it, and every byte comes back to it as messages leave (delivered,
 * purged, deleted). The test thread plays the queues' thread.
 */
class PagingBudgetTest {
    private static final int MESSAGES = 200;
    @TempDir
    Path dir;
    private final TestMessages messages = new TestMessages();

    private static String body(String queue, int i) {
        return queue + "-" + i + "-" + "x".repeat(1024);
    }

    private static io.leveret.codec.BasicProperties priority(int p) {
        return new io.leveret.codec.BasicProperties(null, null, null, null, p, null, null, null, null, null, null,
                null, null, null);
    }

    @Test
    void queuesTogetherKeepNoMoreThanTheBudgetAndEveryByteComesBack() throws Exception {
        // Three queues of 200 messages of about 1.3 KiB (with the per-message overhead) count about 800 KiB:
        // twelve times the budget, and far below each queue's own limit.
        PagingBudget budget = new PagingBudget(64 << 10);
        try (Store store = Store.open(dir)) {
            VirtualHost v = new VirtualHost("/", ImmediateEventExecutor.INSTANCE,
                    new Persistence(store.definitions(), store.messages(), store.spill(), budget));
            List<Queue> queues = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                queues.add(v.declareQueue(name, false, false, FieldTable.EMPTY, null));
            }
            long most = 0;
            for (int i = 0; i < MESSAGES; i++) {
                for (Queue q : queues) {
                    q.enqueue(messages.message(q.name(), body(q.name(), i)));
                    most = Math.max(most, budget.used());
                }
            }
            assertTrue(budget.used() > 0, "the budget is used, not bypassed");
            assertTrue(most <= budget.limit() + 2048, "at most one message past the budget: " + most);

            // Paged out and read back in order, whole.
            RecordingChannel ch = new RecordingChannel();
            Queue a = queues.get(0);
            a.addConsumer(new QueueConsumer(ch, "c", true, false, 0, FieldTable.EMPTY));
            a.consumerReady();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                expected.add(body("a", i));
            }
            assertEquals(expected, ch.bodies);
            ch.releaseAll();

            assertEquals(MESSAGES, queues.get(1).purge());
            v.deleteQueue(queues.get(2));
            assertEquals(0, budget.used(), "delivered, purged and deleted messages no longer count");
            v.deleteQueue(a);
            v.deleteQueue(queues.get(1));
        }
        messages.assertAllReleased();
    }

    @Test
    void aPriorityQueueTakingMessagesOutOfOrderGivesTheirBytesBack() throws Exception {
        PagingBudget budget = PagingBudget.unlimited();
        try (Store store = Store.open(dir)) {
            VirtualHost v = new VirtualHost("/", ImmediateEventExecutor.INSTANCE,
                    new Persistence(store.definitions(), store.messages(), store.spill(), budget));
            Queue q = v.declareQueue("p", false, false, FieldTable.of(java.util.Map.of("x-max-priority", 5)), null);
            q.enqueue(messages.message("x", "p", priority(0), "old"));
            for (int i = 0; i < 5000; i++) {
                // Each high-priority message goes out before the old one: behind it, the queue's record of
                // what it may page out must not keep every message that already left.
                q.enqueue(messages.message("x", "p", priority(5), "new" + i));
                Delivery d = Gets.now(q, true);
                assertEquals("new" + i, TestMessages.body(d.message()));
                d.message().release();
            }
            assertTrue(budget.used() > 0 && budget.used() < 2048, "only the old message counts: " + budget.used());
            assertEquals(1, q.messageCount());
            v.deleteQueue(q);
            assertEquals(0, budget.used());
        }
        messages.assertAllReleased();
    }
}
