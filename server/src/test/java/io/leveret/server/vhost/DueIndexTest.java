package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.codec.BasicProperties;
import io.leveret.store.messages.Location;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueIndexTest {

    @Test
    void comesOutEarliestFirstAndInArrivalOrderForEqualTimes() {
        DueIndex index = new DueIndex();
        Random random = new Random(7);
        List<long[]> added = new ArrayList<>();
        // Added in reverse of their arrival numbers (persistent messages join once written): the numbers order them.
        for (int i = 4999; i >= 0; i--) {
            long due = random.nextInt(100);
            index.add(due, i, new Location(i, i, i + 1), i % 3 == 0);
            added.add(new long[] {due, i});
        }
        added.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        assertEquals(5000, index.size());
        for (long[] expected : added) {
            assertEquals(expected[0], index.peekDue());
            assertNull(index.headMessage());
            Location at = index.headLocation();
            assertEquals(expected[1], at.segment(), "arrival order among equal due times");
            assertEquals((int) expected[1] + 1, at.length());
            assertEquals(expected[1] % 3 == 0, index.headSpilled());
            index.removeHead();
        }
        assertTrue(index.isEmpty());
    }

    @Test
    void holdsMessagesInMemoryBesideLocations() {
        DueIndex index = new DueIndex();
        Message m = new Message("x", "k", BasicProperties.EMPTY, Unpooled.buffer(), Unpooled.buffer());
        index.add(20, 0, new Location(1, 2, 3), false);
        index.add(10, 1, m);
        assertSame(m, index.headMessage());
        assertFalse(index.headSpilled());
        index.removeHead();
        assertNull(index.headMessage());
        assertEquals(new Location(1, 2, 3), index.headLocation());
        index.removeHead();
        assertTrue(index.isEmpty());
        m.release();
    }
}
