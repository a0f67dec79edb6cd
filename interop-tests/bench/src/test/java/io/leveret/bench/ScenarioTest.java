package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The shapes must stay those of the published matrix, or the README's numbers stop being comparable. */
class ScenarioTest {
    private static final String P = "bench-1";

    @Test
    void timedShapes() {
        assertEquals(List.of("-x", "1", "-y", "1", "-s", "16", "-a", "-u", "bench-1-S1", "-e", "bench-1-direct"),
                Scenario.S1.timedArgs(P));
        assertEquals(List.of("-x", "1", "-y", "1", "-s", "1024", "-q", "200", "-f", "persistent", "-c", "200",
                "-u", "bench-1-S3", "-e", "bench-1-direct"), Scenario.S3.timedArgs(P));
        assertEquals(List.of("-x", "1", "-y", "4", "-s", "1024", "-q", "200", "-e", "bench-1-fanout", "-t", "fanout",
                "--queue-pattern", "bench-1-S4-%d", "--queue-pattern-from", "1", "--queue-pattern-to", "4"),
                Scenario.S4.timedArgs(P));
        assertEquals(List.of("-x", "1", "-y", "1", "-s", "1024", "-q", "200", "-r", "1000", "-u", "bench-1-S6",
                "-e", "bench-1-direct"), Scenario.S6.timedArgs(P));
        assertEquals(10, Scenario.S5.queues(P).size());
        assertEquals("bench-1-S5-10", Scenario.S5.queues(P).get(9));
    }

    @Test
    void backlogShapes() {
        assertEquals(List.of("-x", "1", "-y", "0", "-s", "1024", "-C", "500000", "-u", "bench-1-S7P", "-ad", "false",
                "-e", "bench-1-direct", "-f", "persistent", "-c", "200"), Scenario.S7P.publishArgs(P, 500_000));
        assertEquals(List.of("-x", "0", "-y", "1", "-q", "200", "-u", "bench-1-S7", "-p", "-ad", "false",
                "-e", "bench-1-direct", "-D", "20000", "-z", "600"), Scenario.S7.drainArgs(P, 20_000, 600));
        assertThrows(IllegalStateException.class, () -> Scenario.S7.timedArgs(P));
        assertThrows(IllegalStateException.class, () -> Scenario.S1.publishArgs(P, 1));
    }

    @Test
    void namesAreCaseInsensitiveAndUnknownOnesRefused() {
        assertEquals(Scenario.S7P, Scenario.named(" s7p "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scenario.named("S8"));
        assertEquals("unknown scenario 'S8' (known: S1..S7, S3X, S3L, S7P)", e.getMessage());
    }
}
