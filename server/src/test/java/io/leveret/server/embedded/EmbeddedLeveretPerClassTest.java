package io.leveret.server.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One broker for the class: static and instance fields and parameters all see the same one. */
@EmbeddedLeveret(vhosts = "extension-vhost", settings = "heartbeat=9")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedLeveretPerClassTest {
    @LeveretInject
    static EmbeddedBroker classBroker;
    @LeveretInject
    static int classPort;
    @LeveretInject
    String uri;
    @LeveretInject
    URI javaUri;
    @LeveretInject
    Integer port;
    @LeveretInject
    ConnectionFactory factory;

    @Test
    @Order(1)
    void fieldsAndParametersNameTheSameBroker(EmbeddedBroker broker, @LeveretInject int paramPort,
                                              @LeveretInject String paramUri) {
        assertSame(classBroker, broker);
        assertEquals(broker.port(), classPort);
        assertEquals(broker.port(), paramPort);
        assertEquals(broker.port(), port);
        assertEquals(broker.uri(), uri);
        assertEquals(broker.uri(), paramUri);
        assertEquals(URI.create(broker.uri()), javaUri);
    }

    @Test
    @Order(2)
    void theInjectedFactoryConnectsWithTheSettingsApplied(ConnectionFactory parameterFactory) throws Exception {
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            assertEquals(9, c.getHeartbeat());
            ch.queueDeclare("left-for-the-next-test", false, false, false, null);
        }
        parameterFactory.setVirtualHost("extension-vhost");
        try (Connection c = parameterFactory.newConnection()) {
            assertTrue(c.isOpen());
        }
    }

    @Test
    @Order(3)
    void theNextTestSeesTheSameBroker() throws Exception {
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclarePassive("left-for-the-next-test");
        }
    }

    @AfterAll
    static void stillRunningUntilTheClassIsDone() throws Exception {
        try (Connection c = EmbeddedBrokerTest.factory(classBroker.uri()).newConnection()) {
            assertTrue(c.isOpen());
        }
    }
}
