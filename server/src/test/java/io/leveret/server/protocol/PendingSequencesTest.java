package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PendingSequencesTest {
    @Test
    void behavesAsASortedSetUnderRandomRemovalsAcrossGrowthAndWrapAround() {
        Random random = new Random(42);
        PendingSequences pending = new PendingSequences();
        TreeSet<Long> model = new TreeSet<>();
        long next = 1;
        for (int round = 0; round < 20_000; round++) {
            int adds = random.nextInt(4);
            for (int i = 0; i < adds; i++) {
                next += 1 + random.nextInt(2); // gaps: not every number is waited for
                pending.add(next);
                model.add(next);
            }
            if (!model.isEmpty() && random.nextInt(3) > 0) {
                // mostly the oldest (the store confirms in order), sometimes any
                long victim = random.nextInt(4) == 0 ? pick(model, random) : model.first();
                assertTrue(pending.remove(victim));
                model.remove(victim);
                assertFalse(pending.remove(victim), "removed twice");
            }
            assertEquals(model.isEmpty(), pending.isEmpty());
            if (!model.isEmpty()) {
                assertEquals(model.first(), pending.first());
            }
            long probe = 1 + random.nextInt((int) next);
            assertEquals(model.contains(probe), pending.contains(probe), "contains " + probe);
        }
    }

    @Test
    void numbersMustIncrease() {
        PendingSequences pending = new PendingSequences();
        pending.add(5);
        assertThrows(IllegalArgumentException.class, () -> pending.add(5));
        assertThrows(IllegalArgumentException.class, () -> pending.add(4));
    }

    private static long pick(TreeSet<Long> set, Random random) {
        List<Long> all = new ArrayList<>(set);
        Collections.shuffle(all, random);
        return all.get(0);
    }
}
