package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A channel's unacked deliveries: single and multiple settles, tag 0 for all, and rollback's restore. */
class UnackedMapTest {
    private final UnackedMap map = new UnackedMap();

    private void add(long... tags) {
        for (long t : tags) {
            map.add(new Unacked(t, null, t * 10, false));
        }
    }

    private static List<Long> tags(List<Unacked> list) {
        return list.stream().map(u -> u.deliveryTag).toList();
    }

    @Test
    void singleRemoveByTag() {
        add(1, 2, 3);
        Unacked two = map.remove(2);
        assertEquals(2, two.deliveryTag);
        assertEquals(20, two.seq);
        assertNull(map.remove(2), "a tag settles once");
        assertNull(map.remove(99));
        assertEquals(2, map.size());
        assertEquals(List.of(1L, 3L), tags(map.removeUpTo(0)));
    }

    @Test
    void multipleTakesEverythingUpToTheTagInOrder() {
        add(1, 2, 3, 4, 5);
        map.remove(2);
        assertEquals(List.of(1L, 3L), tags(map.removeUpTo(3)));
        assertEquals(2, map.size());
        assertEquals(List.of(), tags(map.removeUpTo(3)));
        assertEquals(List.of(4L), tags(map.removeUpTo(4)));
        assertEquals(List.of(5L), tags(map.removeUpTo(0)));
        assertEquals(0, map.size());
    }

    @Test
    void tagZeroMeansAll() {
        add(1, 2, 3);
        map.remove(3);
        assertEquals(List.of(1L, 2L), tags(map.removeUpTo(0)));
        assertEquals(0, map.size());
        assertEquals(List.of(), tags(map.removeUpTo(0)));
    }

    @Test
    void restorePutsDeliveriesBackInTagOrder() {
        add(1, 2, 3, 4, 5);
        Unacked four = map.remove(4);
        Unacked two = map.remove(2);
        List<Unacked> first = map.removeUpTo(1);
        map.restore(List.of(four, two));
        map.restore(first);
        assertEquals(5, map.size());
        assertSame(two, map.remove(2));
        map.restore(List.of(two));
        assertEquals(List.of(1L, 2L, 3L), tags(map.removeUpTo(3)));
        assertEquals(List.of(4L, 5L), tags(map.removeUpTo(0)), "each restored delivery comes back exactly once");
        assertEquals(0, map.size());
    }
}
