package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DurableCopiesTest {
    private final List<Throwable> answers = new ArrayList<>();

    @Test
    void theWriteAnswersWhenNoConsumerTookTheMessage() {
        DurableCopies due = new DurableCopies(2, answers::add);
        due.consumed();
        assertEquals(0, answers.size(), "one of two queues still holds it");
        due.written(null);
        assertEquals(1, answers.size());
        assertNull(answers.get(0));
    }

    @Test
    void consumptionOnEveryQueueAnswersBeforeTheWriteAndTheWriteThenSaysNothing() {
        DurableCopies due = new DurableCopies(2, answers::add);
        due.consumed();
        due.consumed();
        assertEquals(1, answers.size());
        assertNull(answers.get(0));
        due.written(new IOException("disk gone"));
        assertEquals(1, answers.size(), "a consumed message needs no nack for a write that failed later");
    }

    @Test
    void aFailedWriteIsANackAndLaterConsumptionDoesNotConfirmIt() {
        DurableCopies due = new DurableCopies(1, answers::add);
        IOException failure = new IOException("disk full");
        due.written(failure);
        due.consumed();
        assertEquals(1, answers.size());
        assertSame(failure, answers.get(0));
    }

    @Test
    void racingConsumersAndTheWriteAnswerExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            AtomicInteger count = new AtomicInteger();
            DurableCopies due = new DurableCopies(3, failure -> count.incrementAndGet());
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                threads.add(new Thread(() -> {
                    await(start);
                    due.consumed();
                }));
            }
            threads.add(new Thread(() -> {
                await(start);
                due.written(null);
            }));
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(1, count.get(), "round " + round);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
