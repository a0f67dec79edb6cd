package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Connection;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Peers that send garbage and vanish at once: Netty decodes their last bytes after the socket has closed,
     * so answering them finds a closed socket. That is the peer's doing, not ours: nothing at ERROR (and no
     * stack trace) in the log, however many of them come.
     */
    @Test
    void peersThatSendGarbageAndVanishLeaveNoErrorInTheLog() throws Exception {
        PrivateLeveret.assumeLocal();
        try (PrivateLeveret broker = PrivateLeveret.start(List.of(), "log.console.level = debug")) {
            // An unknown class (540: dropped with SO_LINGER 0), an oversize frame and a bad frame end (501).
            byte[] unknownClass = frame(1, 0, ByteBuffer.allocate(8).putShort((short) 999).putShort((short) 1)
                    .putInt(0).array(), 0xCE);
            byte[] oversize = ByteBuffer.allocate(7).put((byte) 1).putShort((short) 0).putInt(1 << 20).array();
            byte[] badEnd = frame(1, 0, new byte[] {0, 10, 0, 11}, 0);
            List<byte[]> garbage = List.of(unknownClass, oversize, badEnd);
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                try (Socket s = new Socket("127.0.0.1", broker.port())) {
                    ports.add(s.getLocalPort());
                    OutputStream out = s.getOutputStream();
                    byte[] g = garbage.get(i % garbage.size());
                    out.write(concat(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1}, g, g, g));
                    out.flush();
                }
            }
            // Every one of them leaves a line naming its port (DEBUG, WARN, or before the fix an ERROR).
            BrokerTestSupport.await("a log line for each vanished peer", () -> {
                String log = broker.log();
                return ports.stream().allMatch(p -> java.util.regex.Pattern
                        .compile("connection 127\\.0\\.0\\.1:" + p + "\\b").matcher(log).find());
            });
            String log = broker.log();
            assertFalse(log.contains(" ERROR "), "no ERROR for peers that vanish:\n" + log);
            assertFalse(log.contains("ClosedChannelException"), "no stack trace either:\n" + log);
            try (Connection c = broker.factory("guest", "guest", "/").newConnection()) {
                assertTrue(c.isOpen(), "the broker still serves");
            }
        }
    }

    private static byte[] frame(int type, int channel, byte[] payload, int end) {
        return ByteBuffer.allocate(8 + payload.length).put((byte) type).putShort((short) channel)
                .putInt(payload.length).put(payload).put((byte) end).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
