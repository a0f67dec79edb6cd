package io.leveret.store;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.definitions.VhostDefinition;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * Throughput numbers for the README, not a test: {@code java -cp <test classpath> io.leveret.store.StoreBenchmark [dir]}.
 * Message appends of 1 KiB with group commit at 1, 8 and 64 writers — each waiting for its confirm
 * ("sync"), or keeping 64 in flight ("pipelined") — then definitions commits (journal force + MapDB
 * commit each) and recovery time.
 */
public final class StoreBenchmark {
    private static final QueueName QUEUE = new QueueName("/", "bench");
    private static final long SECONDS = 5;

    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("leveret-bench");
        System.out.printf("cpus=%d java=%s dir=%s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), base);
        for (int writers : new int[] {1, 8, 64}) {
            for (int window : new int[] {1, 64}) {
                appends(base.resolve("msgs-" + writers + "-" + window), writers, window);
            }
        }
        definitions(base.resolve("defs"));
        recovery(base.resolve("msgs-64-64"));
        delete(base);
    }

    private static void appends(Path dir, int writers, int window) throws Exception {
        byte[] body = new byte[1024];
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            store.recover();
            long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
            long[] counts = new long[writers];
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int index = w;
                Thread thread = new Thread(() -> {
                    Semaphore inFlight = new Semaphore(window);
                    while (System.nanoTime() < deadline) {
                        inFlight.acquireUninterruptibly();
                        store.append(List.of(QUEUE), new byte[16], ByteBuffer.wrap(body), failure -> inFlight.release());
                        counts[index]++;
                    }
                    inFlight.acquireUninterruptibly(window);
                });
                threads.add(thread);
                thread.start();
            }
            long start = System.nanoTime();
            for (Thread thread : threads) {
                thread.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long total = 0;
            for (long count : counts) {
                total += count;
            }
            System.out.printf("appends 1 KiB, %2d writers, %s: %,9.0f msg/s (%,d msgs, %,d group commits, %.1f msgs/commit)%n",
                    writers, window == 1 ? "sync     " : "pipelined", total / seconds, total, store.groupCommits(),
                    (double) total / store.groupCommits());
        }
    }

    private static void definitions(Path dir) throws Exception {
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            store.apply(new Change.PutVhost(new VhostDefinition("/"))).join();
            int n = 2000;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                store.apply(new Change.PutQueue(new QueueDefinition("/", "q" + i, true, false, false, Blob.EMPTY))).join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("definitions: %,.0f changes/s (journal force + MapDB commit each, %d queues)%n", n / seconds, n);
        }
        long start = System.nanoTime();
        try (DefinitionStore store = DefinitionStore.open(dir, StoreOptions.defaults())) {
            System.out.printf("definitions: reopen with %d queues in %.0f ms%n", store.snapshot().queues().size(),
                    (System.nanoTime() - start) / 1e6);
        }
    }

    private static void recovery(Path dir) throws IOException {
        long bytes;
        try (Stream<Path> files = Files.list(dir)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        long start = System.nanoTime();
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            int messages = store.recover().getOrDefault(QUEUE, List.of()).size();
            System.out.printf("recovery: %,d messages (%,d MiB) in %.0f ms%n", messages, bytes >> 20,
                    (System.nanoTime() - start) / 1e6);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
