package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** log.console.level and log.file / log.file.level at once: each destination gets the lines of its level. */
class LoggingTest {
    @Test
    void theConsoleAndTheFileAreWrittenTogetherEachAtItsLevel() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-logging");
        Path file = dir.resolve("leveret.log");
        try (PrivateLeveret broker = PrivateLeveret.start(dir, List.of(),
                "log.console.level = warning\nlog.file = " + file + "\nlog.file.level = info")) {
            try (Connection c = broker.factory("guest", "guest", "/").newConnection()) {
                assertTrue(c.isOpen());
            }
            // A refused login is a warning: it goes to both.
            try {
                broker.factory("guest", "wrong", "/").newConnection().close();
            } catch (Exception expected) {
                // refused
            }
            BrokerTestSupport.await("the warning in both logs", () -> {
                try {
                    return Files.readString(file).contains("login refused") && broker.log().contains("login refused");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            String fileLog = Files.readString(file);
            assertTrue(fileLog.contains("INFO io.leveret.server.protocol.AmqpConnection - connection opened"), fileLog);
            assertFalse(broker.log().contains("connection opened"), "INFO stays off the console:\n" + broker.log());
        }
    }
}
