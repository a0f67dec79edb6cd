package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** connection class: start (server properties), tune, open (vhost), close, heartbeats, authentication. */
class ConnectionTest extends BrokerTestSupport {

    @Test
    void serverPropertiesNameTheProductAndEveryCapabilityRabbitMqClientsLookFor() {
        Map<String, Object> props = connection.getServerProperties();
        for (String key : new String[] {"product", "version", "platform"}) {
            assertNotNull(props.get(key), "server property " + key);
            assertFalse(props.get(key).toString().isBlank(), "server property " + key);
        }
        Object capabilities = props.get("capabilities");
        assertInstanceOf(Map.class, capabilities, "capabilities is a field table");
        Map<?, ?> caps = (Map<?, ?>) capabilities;
        for (String cap : new String[] {"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                "authentication_failure_close", "per_consumer_qos", "direct_reply_to"}) {
            assertEquals(Boolean.TRUE, caps.get(cap), "capability " + cap);
        }
    }

    /**
     * Clients gate features on server-properties.version (the Java client, Hop, Spring AMQP's admin), so it
     * names the RabbitMQ release whose behaviour the broker has: 3.10.8. Leveret's own version has a
     * property of its own.
     */
    @Test
    void versionIsTheRabbitMqReleaseWhoseBehaviourTheBrokerHas() {
        Map<String, Object> props = connection.getServerProperties();
        assertEquals("3.10.8", String.valueOf(props.get("version")));
        if ("Leveret".equals(String.valueOf(props.get("product")))) {
            Object own = props.get("leveret_version");
            assertNotNull(own, "leveret_version");
            assertTrue(String.valueOf(own).matches("\\d+\\.\\d+\\.\\d+.*"), "leveret_version " + own);
        }
    }

    @Test
    void tuneGivesTheServerDefaultsWhenTheClientAsksForNoLimit() throws Exception {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setRequestedChannelMax(0);
        f.setRequestedFrameMax(0);
        f.setRequestedHeartbeat(0);
        Connection c = open(f);
        assertEquals(2047, c.getChannelMax());
        assertEquals(131072, c.getFrameMax());
        assertEquals(60, c.getHeartbeat());
    }

    @Test
    void tuneGivesTheClientTheLowerValuesItAsksFor() throws Exception {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setRequestedChannelMax(5);
        f.setRequestedFrameMax(8192);
        f.setRequestedHeartbeat(7);
        Connection c = open(f);
        assertEquals(5, c.getChannelMax());
        assertEquals(8192, c.getFrameMax());
        assertEquals(7, c.getHeartbeat());
        // The lowered frame_max really is in force: a body of several 8 KiB frames round-trips.
        Channel ch = c.createChannel();
        String q = ch.queueDeclare().getQueue();
        byte[] body = new byte[50_000];
        new Random(7).nextBytes(body);
        ch.basicPublish("", q, null, body);
        assertArrayEquals(body, awaitGet(ch, q, true).getBody());
    }

    @Test
    void unknownVirtualHostIsRefusedWith530() {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        String vhost = unique("no-such-vhost");
        f.setVirtualHost(vhost);
        IOException e = assertThrows(IOException.class, () -> open(f));
        ShutdownSignalException signal = assertInstanceOf(ShutdownSignalException.class, e.getCause());
        assertEquals(Reply.connection(530, "NOT_ALLOWED - vhost " + vhost + " not found", 10, 40), Reply.of(signal));
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailureWithAccessRefused() {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setPassword("not-" + f.getPassword());
        AuthenticationFailureException e = assertThrows(AuthenticationFailureException.class, () -> open(f));
        assertEquals("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. "
                + "For details see the broker logfile.", e.getMessage());
    }

    @Test
    void unknownUserIsTheSameAuthenticationFailure() {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setUsername(unique("nobody"));
        AuthenticationFailureException e = assertThrows(AuthenticationFailureException.class, () -> open(f));
        assertEquals("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. "
                + "For details see the broker logfile.", e.getMessage());
    }

    @Test
    void clientCloseIsCleanAndReported() throws Exception {
        Connection c = open();
        AtomicReference<ShutdownSignalException> seen = new AtomicReference<>();
        c.addShutdownListener(seen::set);
        Channel ch = c.createChannel();
        ch.queueDeclare();
        c.close(200, "bye", 5_000);
        assertFalse(c.isOpen());
        await("the channel to close with its connection", () -> !ch.isOpen());
        await("shutdown notification", () -> seen.get() != null);
        assertTrue(seen.get().isInitiatedByApplication());
        assertTrue(seen.get().isHardError());
    }

    @Test
    void oneSecondHeartbeatKeepsAnIdleConnectionAlive() throws Exception {
        ConnectionFactory f = BrokerUnderTest.shared().factory();
        f.setRequestedHeartbeat(1);
        Connection c = open(f);
        assertEquals(1, c.getHeartbeat());
        Channel ch = c.createChannel();
        CountDownLatch closed = new CountDownLatch(1);
        c.addShutdownListener(e -> closed.countDown());
        // Idle for four heartbeat intervals: a broker that missed or mis-timed heartbeats would have closed us
        // (or the client, missing the broker's, would have). Waits on the close itself, so a close fails at once.
        assertFalse(closed.await(4, TimeUnit.SECONDS), "connection closed while idle: " + c.getCloseReason());
        assertTrue(ch.queueDeclare().getQueue().startsWith("amq.gen-"));
    }
}
