package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsumerCapacityTest {
    private static final long S = 1_000_000_000L;

    @Test
    void consumersThatNeverHoldTheQueueBackHaveFullCapacity() {
        ConsumerCapacity c = new ConsumerCapacity(0);
        c.drained(2 * S);
        assertEquals(1.0, c.share(3 * S));
        assertEquals(1.0, c.share(60 * S));
    }

    @Test
    void theShareIsTheTimeNotHeldBackInTheWindow() {
        ConsumerCapacity c = new ConsumerCapacity(0);
        c.heldBack(1 * S);
        c.drained(2 * S);
        // 1 s of 3 s held back
        assertEquals(2.0 / 3, c.share(3 * S), 1e-9);
        // A new window after 5 s: the last full one (1 s of 5 s held back) answers until 1 s of the new one.
        assertEquals(0.8, c.share(5 * S + S / 2), 1e-9);
        c.heldBack(6 * S);
        assertEquals(0.5, c.share(7 * S), 1e-9);
    }

    @Test
    void aQueueHeldBackForWholeWindowsHasNone() {
        ConsumerCapacity c = new ConsumerCapacity(0);
        c.heldBack(S);
        assertEquals(0.0, c.share(30 * S + S / 2), 1e-9);
        assertEquals(0.0, c.share(32 * S), 1e-9);
        c.drained(33 * S);
        // Window [30, 35): held back 30..33, then free.
        assertEquals(1.0 - 3.0 / 4, c.share(34 * S), 1e-9);
    }

    @Test
    void aHoldThatSpansAWindowEdgeIsSplitBetweenThem() {
        ConsumerCapacity c = new ConsumerCapacity(0);
        c.heldBack(4 * S);
        c.drained(6 * S);
        // Window [0, 5) had 1 s held back; window [5, 10) has 1 s so far of 2 s.
        assertEquals(0.5, c.share(7 * S), 1e-9);
        assertEquals(0.8, c.share(10 * S + S / 2), 1e-9);
    }
}
