package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of ready messages: lanes per priority, requeued ones back in place, sizes kept. */
class ReadyListTest {
    private long seq;

    private QueueEntry entry(ReadyList list, Integer priority) {
        return new QueueEntry(seq++, null, null, 10, list.laneOf(priority));
    }

    private static List<Long> drain(ReadyList list) {
        List<Long> out = new ArrayList<>();
        list.drain(e -> out.add(e.seq));
        return out;
    }

    @Test
    void withoutPrioritiesEverythingIsOneFifoLane() {
        ReadyList list = new ReadyList(0);
        assertEquals(0, list.laneOf(9));
        assertEquals(0, list.laneOf(null));
        for (int i = 0; i < 4; i++) {
            list.add(entry(list, i * 3));
        }
        assertEquals(4, list.size());
        assertEquals(40, list.bytes());
        assertEquals(List.of(0L, 1L, 2L, 3L), drain(list));
        assertTrue(list.isEmpty());
        assertEquals(0, list.bytes());
        assertNull(list.poll());
    }

    @Test
    void lanesAreCappedAtTheMaximumAndNoPriorityIsZero() {
        ReadyList list = new ReadyList(5);
        assertEquals(0, list.laneOf(null));
        assertEquals(0, list.laneOf(0));
        assertEquals(3, list.laneOf(3));
        assertEquals(5, list.laneOf(5));
        assertEquals(5, list.laneOf(200));
        assertEquals(5, list.maxPriority());
    }

    @Test
    void higherPriorityFirstAndFifoWithinAPriority() {
        ReadyList list = new ReadyList(3);
        Integer[] priorities = {null, 9, 3, 1, 0, 3, 2, null};
        for (Integer p : priorities) {
            list.add(entry(list, p));
        }
        // lanes: 3 -> seq 1 (9 capped), 2, 5; 2 -> 6; 1 -> 3; 0 -> 0, 4, 7
        assertEquals(1L, list.peek().seq);
        assertEquals(List.of(1L, 2L, 5L, 6L, 3L, 0L, 4L, 7L), drain(list));
    }

    @Test
    void requeuedEntriesGoBackToTheirPlaceWithinTheirLane() {
        ReadyList list = new ReadyList(2);
        QueueEntry low1 = entry(list, 0);
        QueueEntry high1 = entry(list, 2);
        QueueEntry high2 = entry(list, 2);
        QueueEntry low2 = entry(list, 0);
        for (QueueEntry e : List.of(low1, high1, high2, low2)) {
            list.add(e);
        }
        QueueEntry a = list.poll();
        QueueEntry b = list.poll();
        QueueEntry c = list.poll();
        assertEquals(List.of(high1, high2, low1), List.of(a, b, c));
        QueueEntry high3 = entry(list, 2);
        list.add(high3);
        list.requeue(c);
        list.requeue(b);
        list.requeue(a);
        assertEquals(5, list.size());
        assertEquals(List.of(high1.seq, high2.seq, high3.seq, low1.seq, low2.seq), drain(list));
    }

    @Test
    void anEmptiedTopLaneHandsOverToTheNextAndARefilledOneTakesBack() {
        ReadyList list = new ReadyList(255);
        list.add(entry(list, 0));
        list.add(entry(list, 255));
        assertEquals(1L, list.poll().seq);
        list.add(entry(list, 7));
        assertEquals(2L, list.peek().seq);
        assertEquals(List.of(2L, 0L), drain(list));
    }
}
