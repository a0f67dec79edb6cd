package io.leveret.interop;

import static io.leveret.interop.Restarts.PERSISTENT;
import static io.leveret.interop.Restarts.TRANSIENT;
import static io.leveret.interop.Restarts.bodies;
import static io.leveret.interop.Restarts.confirming;
import static io.leveret.interop.Restarts.connect;
import static io.leveret.interop.Restarts.readyCount;
import static io.leveret.interop.Restarts.takeAll;
import static io.leveret.interop.Restarts.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transient messages a queue paged out of memory (Leveret's spill files under data_dir/spill) are scratch:
 * after a restart, clean or {@code kill -9}, they are gone like every transient message, and so are the
 * files; the persistent messages around them come back. Needs a private Leveret (it restarts it and looks at
 * its data directory).
 */
@ExtendWith(PrivateBroker.class)
class SpillRestartTest {
    /** 40 MiB of transient bodies: more than a queue keeps in memory (32 MiB), so most are spilled. */
    private static final int TRANSIENT_COUNT = 40_000;

    @ParameterizedTest(name = "kill={0}")
    @ValueSource(booleans = {false, true})
    void spilledTransientMessagesDoNotComeBack(boolean kill, BrokerUnderTest broker) throws Exception {
        String q = unique("spill-q");
        List<String> persistent = new ArrayList<>();
        try (Connection c = connect(broker, "before")) {
            c.createChannel().queueDeclare(q, true, false, false, null);
            Channel pub = confirming(c);
            byte[] filler = new byte[1024];
            for (int i = 0; i < TRANSIENT_COUNT; i++) {
                if (i % 10_000 == 0) {
                    String body = "p-" + i;
                    pub.basicPublish("", q, PERSISTENT, body.getBytes(StandardCharsets.UTF_8));
                    persistent.add(body);
                }
                Arrays.fill(filler, 0, 8, (byte) i);
                pub.basicPublish("", q, TRANSIENT, filler);
                if (i % 2000 == 1999) {
                    Restarts.awaitConfirms(pub);
                }
            }
            Restarts.awaitConfirms(pub);
            assertEquals(TRANSIENT_COUNT + persistent.size(), readyCount(c, q), "before the restart");
            assertTrue(spillFiles(broker) > 0, "a backlog over the in-memory budget is spilled to disk");
        }

        if (kill) {
            broker.killAndStart();
        } else {
            broker.restart();
        }

        assertEquals(0, spillFiles(broker), "the spill directory is emptied at start");
        try (Connection c = connect(broker, "after")) {
            assertEquals(persistent, bodies(takeAll(c, q)), "exactly the persistent messages, in order");
        }
    }

    private static long spillFiles(BrokerUnderTest broker) throws Exception {
        Path spill = broker.dataDir().resolve("spill");
        if (!Files.isDirectory(spill)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(spill)) {
            return files.count();
        }
    }
}
