package io.leveret.server.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A fresh broker per test: the previous one is closed (port refused, data dir gone) and its queues are not seen. */
@EmbeddedLeveret(perTest = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedLeveretPerTestTest {
    private static EmbeddedBroker previous;

    @LeveretInject
    EmbeddedBroker broker;

    @Test
    @Order(1)
    void first(ConnectionFactory factory) throws Exception {
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare("only-in-the-first", false, false, false, null);
        }
        previous = broker;
    }

    @Test
    @Order(2)
    void second(ConnectionFactory factory) throws Exception {
        assertNotEquals(previous, broker);
        assertFalse(Files.exists(previous.dataDir()), "the first broker's data dir is deleted");
        ConnectionFactory old = new ConnectionFactory();
        old.setUri(previous.uri());
        assertThrows(IOException.class, () -> old.newConnection().close());
        try (Connection c = factory.newConnection()) {
            Channel ch = c.createChannel(); // the 404 closes it
            assertThrows(IOException.class, () -> ch.queueDeclarePassive("only-in-the-first"));
        }
        assertEquals(broker.port(), factory.getPort());
    }

    @Test
    @Order(3)
    void dataDirIsTemporary() {
        Path dir = broker.dataDir();
        assertEquals(true, Files.isDirectory(dir));
    }
}
