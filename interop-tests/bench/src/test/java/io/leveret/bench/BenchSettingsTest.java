package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    @Test
    void defaultsAreThePublishedMatrix() {
        BenchSettings s = BenchSettings.from(new Properties(), "20250101-000000");

        assertEquals(List.of(Scenario.values()), s.scenarios());
        assertEquals(15, s.durationSeconds());
        assertEquals(500_000, s.backlogMessages());
        assertEquals(List.of("-Xms256m", "-Xmx2g"), s.perfTestJvm());
        assertTrue(s.leveretJvm().isEmpty());
        assertTrue(s.against().isEmpty());
        assertTrue(s.outDir().endsWith("target/bench-runs/20250101-000000"));
    }

    @Test
    void otherBrokersWithTheirOptionalPids() {
        Properties p = new Properties();
        p.setProperty("bench.against", "amqp://a:b@h:5673, amqp://h:5674");
        p.setProperty("bench.pid.2", "4242");
        p.setProperty("bench.scenarios", "s1,S3");
        p.setProperty("bench.duration", "5");

        BenchSettings s = BenchSettings.from(p, "x");

        assertEquals(List.of("amqp://a:b@h:5673", "amqp://h:5674"), s.against());
        assertEquals(List.of(OptionalLong.empty(), OptionalLong.of(4242)), s.againstPids());
        assertEquals(List.of(Scenario.S1, Scenario.S3), s.scenarios());
        assertEquals(5, s.durationSeconds());
    }

    @Test
    void aBadValueNamesItsKey() {
        Properties p = new Properties();
        p.setProperty("bench.duration", "five");
        assertEquals("bench.duration=five: not a whole number",
                assertThrows(IllegalArgumentException.class, () -> BenchSettings.from(p, "x")).getMessage());

        Properties q = new Properties();
        q.setProperty("bench.against", "amqp://h");
        q.setProperty("bench.pid.1", "-3");
        assertEquals("bench.pid.1=-3: not a process id",
                assertThrows(IllegalArgumentException.class, () -> BenchSettings.from(q, "x")).getMessage());

        Properties r = new Properties();
        r.setProperty("bench.scenarios", "S1,S9");
        assertEquals("bench.scenarios: unknown scenario 'S9' (known: S1..S7, S3X, S3L, S7P)",
                assertThrows(IllegalArgumentException.class, () -> BenchSettings.from(r, "x")).getMessage());
    }
}
