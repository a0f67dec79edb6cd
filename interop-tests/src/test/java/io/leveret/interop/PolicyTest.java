package io.leveret.interop;

import static io.leveret.interop.BrokerTestSupport.TIMEOUT;
import static io.leveret.interop.BrokerTestSupport.await;
import static io.leveret.interop.BrokerTestSupport.awaitGet;
import static io.leveret.interop.BrokerTestSupport.drain;
import static io.leveret.interop.BrokerTestSupport.text;
import static io.leveret.interop.BrokerTestSupport.unique;
import static io.leveret.interop.BrokerTestSupport.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Policies as clients see them, with the policies of {@code definitions/policies.json} loaded at boot
 * ({@code load_definitions}) into a Leveret of this class's own. The same steps pass against RabbitMQ 3.10.8
 * with the same policies: import the file ({@code rabbitmqctl import_definitions policies.json}), then run
 * with {@code -Dinterop.uri=... -Dinterop.policiesLoaded=true}; that is how each expectation here was
 * checked. Without that property an external broker skips the class. The restart and the refused import need
 * a Leveret of their own.
 */
class PolicyTest {
    private static PrivateLeveret broker;
    private static Path dir;
    private ConnectionFactory factory;
    private Connection connection;
    private Channel channel;

    static Path policiesFile(Path into) throws IOException {
        Path file = into.resolve("policies.json");
        try (InputStream in = PolicyTest.class.getResourceAsStream("/definitions/policies.json")) {
            Files.copy(in, file);
        }
        return file;
    }

    @BeforeAll
    static void startBroker() throws IOException {
        if (BrokerUnderTest.isExternal()) {
            Assumptions.assumeTrue(Boolean.getBoolean("interop.policiesLoaded"),
                    "needs definitions/policies.json imported into the external broker (-Dinterop.policiesLoaded=true)");
            return;
        }
        dir = Files.createTempDirectory("leveret-interop-policies");
        broker = PrivateLeveret.start(dir, List.of(), "load_definitions = " + policiesFile(dir));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void connect() throws Exception {
        factory = broker == null ? BrokerUnderTest.shared().factory() : broker.factory("guest", "guest", "/");
        connection = factory.newConnection("interop-policies");
        channel = connection.createChannel();
    }

    @AfterEach
    void disconnect() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }

    /** A queue deleted after the test (or by the test's connection, if exclusive). */
    private String queue(String prefix, Map<String, Object> args) throws IOException {
        String q = unique(prefix);
        channel.queueDeclare(q, false, true, false, args);
        return q;
    }

    private void publish(String queue, String... bodies) throws Exception {
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        for (String b : bodies) {
            ch.basicPublish("", queue, null, utf8(b));
        }
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        ch.close();
    }

    @Test
    void aPolicysMaxLengthDropsTheOldest() throws Exception {
        String q = queue("pol.len.q", null);
        publish(q, "1", "2", "3", "4", "5");
        assertEquals(List.of("4", "5"), drain(channel, q));
    }

    @Test
    void theLowerOfTheQueuesOwnLengthAndThePolicysApplies() throws Exception {
        String lower = queue("pol.len.q", Map.of("x-max-length", 1));
        String higher = queue("pol.len.q", Map.of("x-max-length", 5));
        publish(lower, "1", "2", "3");
        publish(higher, "1", "2", "3");
        assertEquals(List.of("3"), drain(channel, lower));
        assertEquals(List.of("2", "3"), drain(channel, higher));
    }

    @Test
    void aPolicysTtlDeadLettersThroughItsExchangeUnlessTheQueueNamesItsOwn() throws Exception {
        channel.queueDeclare("pol.dead", false, false, false, null);
        try {
            String q = queue("pol.ttl.q", null);
            publish(q, "expires");
            GetResponse r = awaitGet(channel, "pol.dead", true);
            assertEquals("expires", text(r.getBody()));
            Map<?, ?> death = (Map<?, ?>) ((List<?>) r.getProps().getHeaders().get("x-death")).get(0);
            assertEquals("expired", death.get("reason").toString());
            assertEquals(q, death.get("queue").toString());

            // The queue's own x-dead-letter-* win over the policy's (res_arg); its TTL is the policy's.
            String own = queue("pol.own-dlq", null);
            String q2 = queue("pol.ttl.q", Map.of("x-dead-letter-exchange", "", "x-dead-letter-routing-key", own));
            publish(q2, "mine");
            assertEquals("mine", text(awaitGet(channel, own, true).getBody()));
            assertEquals(List.of(), drain(channel, "pol.dead"));
        } finally {
            channel.queueDelete("pol.dead");
        }
    }

    @Test
    void theHighestPriorityPolicyAppliesAlone() throws Exception {
        String low = queue("pol.prio.q", null);
        String high = queue("pol.prio.high.q", null);
        publish(low, "1", "2", "3");
        publish(high, "1", "2", "3");
        assertEquals(List.of("3"), drain(channel, low));
        assertEquals(List.of("1", "2", "3"), drain(channel, high), "the lower policy's max-length does not apply");
    }

    @Test
    void thePatternMatchesAnywhereInTheName() throws Exception {
        String q = queue("x.unanch", null);
        publish(q, "1", "2");
        assertEquals(List.of("2"), drain(channel, q));
    }

    @Test
    void aPolicysAlternateExchangeTakesWhatCannotBeRoutedUnlessTheExchangeHasItsOwn() throws Exception {
        channel.exchangeDeclare("pol.alt", "fanout", false, true, null);
        String caught = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(caught, "pol.alt", "");
        String ownAlt = unique("pol.own-alt");
        channel.exchangeDeclare(ownAlt, "fanout", false, true, null);
        String ownCaught = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(ownCaught, ownAlt, "");
        String x = unique("pol.ae.x");
        String own = unique("pol.ae.x");
        String queuesOnly = unique("pol.qonly.x");
        channel.exchangeDeclare(x, "direct", false, false, null);
        channel.exchangeDeclare(own, "direct", false, false, false, Map.of("alternate-exchange", ownAlt));
        channel.exchangeDeclare(queuesOnly, "direct", false, false, null);
        try {
            AtomicInteger returned = new AtomicInteger();
            Channel ch = connection.createChannel();
            ch.addReturnListener(r -> returned.incrementAndGet());
            ch.confirmSelect();
            ch.basicPublish(x, "nowhere", true, null, utf8("to-policy-ae"));
            ch.basicPublish(own, "nowhere", true, null, utf8("to-own-ae"));
            ch.basicPublish(queuesOnly, "nowhere", true, null, utf8("returned"));
            assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
            assertEquals(List.of("to-policy-ae"), drain(channel, caught));
            assertEquals(List.of("to-own-ae"), drain(channel, ownCaught));
            await("the unroutable message to come back", () -> returned.get() == 1);
        } finally {
            channel.exchangeDelete(x);
            channel.exchangeDelete(own);
            channel.exchangeDelete(queuesOnly);
            channel.exchangeDelete(ownAlt);
            channel.exchangeDelete("pol.alt");
        }
    }

    @Test
    void aPolicysExpiresDeletesAnUnusedQueue() throws Exception {
        String q = unique("pol.exp.q");
        long declared = System.nanoTime();
        channel.queueDeclare(q, false, false, false, null);
        long lived = BrokerTestSupport.awaitQueueGone(connection, q, declared);
        assertTrue(lived >= 300, "deleted " + lived + " ms after its declare, before the policy's expires ran out");
    }

    @Test
    void aPolicysRejectPublishOverflowNacksThePublishOverTheLimit() throws Exception {
        String q = queue("pol.reject.q", null);
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.basicPublish("", q, null, utf8("kept"));
        assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
        ch.basicPublish("", q, null, utf8("refused"));
        assertFalse(ch.waitForConfirms(TIMEOUT.toMillis()), "basic.nack for the publish over the limit");
        assertEquals(List.of("kept"), drain(channel, q));
    }

    @Test
    void anOperatorPolicyCapsThePolicysLimit() throws Exception {
        String q = queue("pol.op.q", null);
        publish(q, "1", "2", "3", "4", "5");
        assertEquals(List.of("4", "5"), drain(channel, q));
    }

    @Test
    void aRedeclareComparesTheDeclaredArgumentsNotThePolicy() throws Exception {
        String q = queue("pol.len.q", null);
        channel.queueDeclare(q, false, true, false, null);
        IOException e = assertThrows(IOException.class,
                () -> channel.queueDeclare(q, false, true, false, Map.of("x-max-length", 2)));
        AMQP.Channel.Close close = (AMQP.Channel.Close) ((com.rabbitmq.client.ShutdownSignalException) e.getCause())
                .getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '" + q + "' in vhost '/': "
                + "received the value '2' of type 'signedint' but current is none", close.getReplyText());
    }

    @Test
    void aPolicyLoadedOnceSurvivesARestartAndStillApplies() throws Exception {
        Assumptions.assumeTrue(broker != null, "restarts a Leveret of its own");
        Path own = Files.createTempDirectory("leveret-interop-policies-restart");
        String q = unique("pol.len.durable");
        try (PrivateLeveret first = PrivateLeveret.start(own, List.of(), "load_definitions = " + policiesFile(own))) {
            try (Connection c = first.factory("guest", "guest", "/").newConnection()) {
                Channel ch = c.createChannel();
                ch.queueDeclare(q, true, false, false, null);
                ch.confirmSelect();
                for (String b : List.of("1", "2", "3")) {
                    ch.basicPublish("", q, MessageProperties.PERSISTENT_TEXT_PLAIN, utf8(b));
                }
                assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
            }
        }
        // No load_definitions this time: the policy comes from the store.
        try (PrivateLeveret second = PrivateLeveret.start(own, List.of(), "")) {
            try (Connection c = second.factory("guest", "guest", "/").newConnection()) {
                Channel ch = c.createChannel();
                ch.confirmSelect();
                ch.basicPublish("", q, MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("4"));
                assertTrue(ch.waitForConfirms(TIMEOUT.toMillis()));
                assertEquals(List.of("3", "4"), drain(ch, q));
                ch.queueDelete(q);
            }
        }
    }

    @Test
    void aBadPolicyStopsTheBootWithRabbitMqsReason() throws Exception {
        Assumptions.assumeTrue(broker != null, "boots a Leveret of its own");
        Path own = Files.createTempDirectory("leveret-interop-policies-bad");
        Path file = own.resolve("bad.json");
        Files.writeString(file, "{\"policies\": [{\"vhost\": \"/\", \"name\": \"bad\", \"pattern\": \".*\", "
                + "\"definition\": {\"message-ttl\": -1}}]}");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PrivateLeveret.start(own, List.of(), "load_definitions = " + file).close());
        assertTrue(e.getMessage().contains("policy 'bad' in vhost '/': -1 is not a valid message TTL"), e.getMessage());
    }
}
