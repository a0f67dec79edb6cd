package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** connection_max and the vhost-limits parameter, refused with the texts RabbitMQ 3.10.8 uses. */
class LimitsTest {

    private static String refusal(ConnectionFactory f) {
        IOException e = assertThrows(IOException.class, f::newConnection);
        AMQP.Connection.Close close = (AMQP.Connection.Close) ((ShutdownSignalException) e.getCause()).getReason();
        assertEquals(530, close.getReplyCode());
        return close.getReplyText();
    }

    @Test
    void connectionMaxCapsTheBroker() throws Exception {
        PrivateLeveret.assumeLocal();
        try (PrivateLeveret broker = PrivateLeveret.start(List.of(), "connection_max = 2")) {
            ConnectionFactory f = broker.factory("guest", "guest", "/");
            Connection a = f.newConnection();
            try (Connection b = f.newConnection()) {
                assertEquals("NOT_ALLOWED - connection refused: node connection limit (2) is reached", refusal(f));
            }
            BrokerTestSupport.await("the closed connection to be counted out", () -> {
                try (Connection c = f.newConnection()) {
                    return c.isOpen();
                } catch (Exception e) {
                    return false;
                }
            });
            a.close();
        }
    }

    @Test
    void vhostLimitsFromTheDefinitions() throws Exception {
        PrivateLeveret.assumeLocal();
        Path dir = Files.createTempDirectory("leveret-limits");
        Path defs = Files.writeString(dir.resolve("defs.json"), new TestDefinitions().user("u", "pw").vhost("lim")
                .permission("u", "lim", ".*", ".*", ".*").vhostLimits("lim", 1, 1).json());
        try (PrivateLeveret broker = PrivateLeveret.start(dir, List.of(), "load_definitions = " + defs)) {
            ConnectionFactory f = broker.factory("u", "pw", "lim");
            try (Connection c = f.newConnection()) {
                assertEquals("NOT_ALLOWED - access to vhost 'lim' refused for user 'u': connection limit (1) is reached",
                        refusal(f));
                Channel ch = c.createChannel();
                ch.queueDeclare("q1", false, false, false, null);
                Reply r = BrokerTestSupport.closeCausedBy(ch, () -> ch.queueDeclare("q2", false, false, false, null));
                assertEquals(Reply.channel(406,
                        "PRECONDITION_FAILED - cannot declare queue 'q2': queue limit in vhost 'lim' (1) is reached",
                        50, 10), r);
                Channel again = c.createChannel();
                again.queueDeclare("q1", false, false, false, null); // redeclaring an existing queue is fine
            }
        }
    }
}
