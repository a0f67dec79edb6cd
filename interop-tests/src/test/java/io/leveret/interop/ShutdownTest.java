package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM with a client connected: the client hears 320 CONNECTION_FORCED with RabbitMQ's shutdown text, the
 * process exits 0 within a few seconds, and the next start finds a clean store with every persistent message.
 */
class ShutdownTest {

    @Test
    void sigtermClosesClientsFlushesAndExitsZero(@TempDir Path dir) throws Exception {
        PrivateLeveret.assumeLocal();
        int messages = 500;
        PrivateLeveret broker = PrivateLeveret.start(dir, List.of(), "");
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        try {
            Connection c = broker.factory("guest", "guest", "/").newConnection();
            c.addShutdownListener(closed::complete);
            Channel ch = c.createChannel();
            ch.queueDeclare("shutdown-kept", true, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < messages; i++) {
                ch.basicPublish("", "shutdown-kept", MessageProperties.PERSISTENT_TEXT_PLAIN,
                        ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(10_000);
            long start = System.nanoTime();
            int status = broker.terminate(10);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, status, "exit status after SIGTERM\n" + broker.log());
            assertTrue(millis < 5000, "stopped in " + millis + " ms");
            ShutdownSignalException why = closed.get(5, TimeUnit.SECONDS);
            AMQP.Connection.Close close = (AMQP.Connection.Close) why.getReason();
            assertEquals(320, close.getReplyCode());
            assertEquals("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'",
                    close.getReplyText());
        } finally {
            broker.close();
        }
        Files.delete(dir.resolve("broker.log"));
        try (PrivateLeveret again = PrivateLeveret.start(dir, List.of(), "");
             Connection c = again.factory("guest", "guest", "/").newConnection()) {
            Channel ch = c.createChannel();
            for (int i = 0; i < messages; i++) {
                GetResponse r = ch.basicGet("shutdown-kept", true);
                assertNotNull(r, "message " + i);
                assertEquals("m" + i, new String(r.getBody(), StandardCharsets.UTF_8));
            }
            String log = again.log();
            // What the store says when it repairs after a crash: none of it after a clean stop.
            for (String repair : List.of("cutting off", "rebuilding", "shorter than its header", "cannot be read")) {
                assertFalse(log.contains(repair), "a clean stop needs no repair (" + repair + "):\n" + log);
            }
        }
    }
}
