package io.leveret.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.messages.RecoveredMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a stream of confirmed appends, acks and queue declarations, three times on
 * the same directory: every message confirmed and not acked is recovered exactly once, every declared
 * queue is there, and nothing is ever recovered twice. (A process kill keeps the page cache; power loss
 * is what the forces are for and is not simulated here.)
 */
class CrashRecoveryTest {
    private static final int CONFIRMS_BEFORE_KILL = 3000;

    @TempDir
    Path dataDir;

    @Test
    void everyConfirmedMessageSurvivesRepeatedKills() throws Exception {
        Set<String> confirmed = new HashSet<>();
        Set<String> acked = new HashSet<>();
        Set<String> declared = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            List<String> lines = runAndKill(String.valueOf(round));
            for (String line : lines) {
                String[] parts = line.split(" ", 2);
                switch (parts[0]) {
                    case "ok" -> confirmed.add(parts[1]);
                    case "acked" -> acked.add(parts[1]);
                    case "queue" -> declared.add(parts[1]);
                    default -> { }
                }
            }
            verify(confirmed, acked, declared);
        }
    }

    private void verify(Set<String> confirmed, Set<String> acked, Set<String> declared) throws IOException {
        try (Store store = Store.open(dataDir)) {
            Set<String> queues = new HashSet<>();
            for (QueueDefinition queue : store.definitions().snapshot().queues()) {
                queues.add(queue.name());
            }
            assertTrue(queues.containsAll(declared), "every declared queue recovered");
            List<RecoveredMessage> recovered = store.messages().recover().getOrDefault(CrashWriterMain.QUEUE, List.of());
            Map<String, Integer> seen = new HashMap<>();
            for (RecoveredMessage message : recovered) {
                ByteBuffer body = store.messages().read(message.location()).body();
                String text = StandardCharsets.UTF_8.decode(body).toString();
                seen.merge(text.substring(0, text.indexOf(' ')), 1, Integer::sum);
            }
            seen.forEach((id, count) -> assertEquals(1, count, id + " recovered " + count + " times"));
            List<String> lost = new ArrayList<>();
            for (String id : confirmed) {
                if (!acked.contains(id) && !seen.containsKey(id)) {
                    lost.add(id);
                }
            }
            assertTrue(lost.isEmpty(), lost.size() + " confirmed messages lost, e.g. " + lost.stream().limit(5).toList());
            assertTrue(confirmed.size() >= CONFIRMS_BEFORE_KILL);
        }
    }

    private List<String> runAndKill(String round) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, CrashWriterMain.class.getName(), dataDir.toString(), round)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> lines = new ArrayList<>();
        CountDownLatch enough = new CountDownLatch(CONFIRMS_BEFORE_KILL);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    if (line.startsWith("ok ")) {
                        enough.countDown();
                    }
                }
            } catch (IOException endOfChild) {
                // the pipe closes with the kill
            }
        });
        reader.start();
        try {
            assertTrue(enough.await(60, TimeUnit.SECONDS), "child confirmed too few messages");
        } finally {
            child.destroyForcibly();
            child.waitFor();
            reader.join();
        }
        synchronized (lines) {
            // each line is one write under PIPE_BUF, so it arrives whole; this only drops foreign output
            return lines.stream().filter(l -> l.matches("(ok|acked|queue) \\S+|ready")).toList();
        }
    }
}
