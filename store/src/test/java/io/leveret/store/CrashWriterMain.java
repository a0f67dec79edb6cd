package io.leveret.store;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.definitions.VhostDefinition;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.QueueName;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The victim of {@link CrashRecoveryTest}: opens the store, then publishes from several threads,
 * acknowledging some messages and declaring queues, printing each id only once the store said it is
 * durable — until it is killed. Output lines: {@code ok ID}, {@code acked ID}, {@code queue NAME}.
 */
public final class CrashWriterMain {
    static final QueueName QUEUE = new QueueName("/", "crash");

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String round = args[1];
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Store store = Store.open(dataDir, StoreOptions.defaults().withSegmentBytes(256 * 1024).withAckFileBytes(64 * 1024));
        store.messages().recover();
        store.definitions().apply(new Change.PutVhost(new VhostDefinition("/"))).join();
        store.definitions().apply(new Change.PutQueue(new QueueDefinition("/", "crash", true, false, false, Blob.EMPTY))).join();
        print(out, "ready");
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread publisher = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String id = round + "-" + thread + "-" + i;
                    byte[] body = (id + " " + "x".repeat(300)).getBytes(StandardCharsets.UTF_8);
                    Location[] location = new Location[1];
                    location[0] = store.messages().append(List.of(QUEUE), new byte[] {7}, ByteBuffer.wrap(body), failure -> {
                        if (failure == null) {
                            print(out, "ok " + id);
                        }
                    });
                    if (i % 3 == 0 && i > 0) {
                        // ack an earlier message of this thread once durable; it may or may not survive the kill
                        store.messages().sync().join();
                        print(out, "acked " + id); // said before it is done: a kill in between must not look like a loss
                        store.messages().ack(QUEUE, location[0]);
                    }
                }
            });
            publisher.setDaemon(true);
            publisher.start();
        }
        for (int i = 0; ; i++) {
            String name = "declared-" + round + "-" + i;
            store.definitions().apply(new Change.PutQueue(new QueueDefinition("/", name, true, false, false, Blob.EMPTY))).join();
            print(out, "queue " + name);
        }
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
