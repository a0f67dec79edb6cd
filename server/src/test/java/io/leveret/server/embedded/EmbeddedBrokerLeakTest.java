package io.leveret.server.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a few hundred brokers in this JVM, each used by a client, and checks that threads (by
 * name), open file descriptors and temporary data dirs come back to where they were.
 */
class EmbeddedBrokerLeakTest {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerLeakTest.class);
    private static final int BROKERS = 300;
    private static final Path FDS = Path.of("/proc/self/fd");

    @Test
    void hundredsOfBrokersLeaveNothingBehind() throws Exception {
        // One broker first: JVM-wide pools (Netty's allocator, the client's) that stay by design exist from here on.
        cycle(true);
        Map<String, Integer> threadsBefore = threadNames();
        long fdsBefore = openFiles();
        long dirsBefore = embeddedTempDirs();
        long startNanos = 0;
        long stopNanos = 0;
        for (int i = 0; i < BROKERS; i++) {
            long[] times = cycle(i % 10 == 0);
            startNanos += times[0];
            stopNanos += times[1];
        }
        LOG.info("{} embedded brokers: start {} ms, stop {} ms on average", BROKERS,
                String.format("%.1f", startNanos / 1e6 / BROKERS), String.format("%.1f", stopNanos / 1e6 / BROKERS));
        System.out.printf("EMBEDDED %d brokers: start %.1f ms, stop %.1f ms on average%n", BROKERS,
                startNanos / 1e6 / BROKERS, stopNanos / 1e6 / BROKERS);
        Map<String, Integer> extra = awaitNoExtraThreads(threadsBefore, 10);
        assertEquals(Map.of(), extra, "threads alive now beyond those alive before, by name");
        assertEquals(dirsBefore, embeddedTempDirs(), "temporary data dirs");
        long fdsAfter = openFiles();
        // Allow a handful: the JVM itself opens jars and the like lazily; a leak would be one or more per broker.
        assertTrue(fdsAfter <= fdsBefore + 5, "open files: " + fdsBefore + " before, " + fdsAfter + " after");
        assertTrue(startNanos / BROKERS < 1_000_000_000L, "start well under a second");
    }

    /** Starts a broker, sends a persistent message through it (left in the queue when asked), and stops it. */
    private static long[] cycle(boolean leaveMessage) throws Exception {
        long t0 = System.nanoTime();
        EmbeddedBroker broker = EmbeddedBroker.start();
        long t1 = System.nanoTime();
        try (Connection c = EmbeddedBrokerTest.factory(broker.uri()).newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("q", true, false, false, null);
            ch.confirmSelect();
            ch.basicPublish("", "q", com.rabbitmq.client.MessageProperties.PERSISTENT_BASIC, new byte[1000]);
            ch.waitForConfirmsOrDie(5000);
            if (!leaveMessage) {
                ch.basicGet("q", true);
            }
        }
        long t2 = System.nanoTime();
        broker.close();
        return new long[] {t1 - t0, System.nanoTime() - t2};
    }

    private static Map<String, Integer> threadNames() {
        Map<String, Integer> names = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                // Netty numbers its loop threads per pool ever created: compare the name without the numbers.
                names.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
            }
        }
        return names;
    }

    /**
     * Waits up to {@code seconds} for every thread name to be alive no more often than in {@code before}
     * (threads end a little after close returns); returns the names that still exceed it. Fewer is fine:
     * threads of earlier test classes in this JVM may end meanwhile.
     */
    private static Map<String, Integer> awaitNoExtraThreads(Map<String, Integer> before, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            Map<String, Integer> extra = new TreeMap<>();
            threadNames().forEach((name, n) -> {
                if (n > before.getOrDefault(name, 0)) {
                    extra.put(name, n - before.getOrDefault(name, 0));
                }
            });
            if (extra.isEmpty() || System.nanoTime() > deadline) {
                return extra;
            }
            Thread.sleep(10); // polling for a condition, not a fixed wait
        }
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> s = Files.list(FDS)) {
            return s.count();
        }
    }

    private static long embeddedTempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("leveret-embedded-")).count();
        }
    }
}
