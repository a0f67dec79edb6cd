package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code x-delayed-message} exchange type, as RabbitMQ's delayed message exchange plugin: declared with
 * {@code x-delayed-type}, messages wait {@code x-delay} ms and are routed when due, earliest first, with
 * x-delay negated. Leveret-only: the reference RabbitMQ has no such plugin installed.
 */
class DelayedExchangeTest extends BrokerTestSupport {

    @BeforeEach
    void leveretOnly() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "the delayed message exchange plugin is built into Leveret only");
    }

    private String delayedExchange(String routingType, boolean durable) throws Exception {
        String x = unique("delayed");
        channel.exchangeDeclare(x, "x-delayed-message", durable, false, Map.of("x-delayed-type", routingType));
        deleteExchangeAfterTest(x);
        return x;
    }

    private static AMQP.BasicProperties delay(Object ms) {
        return new AMQP.BasicProperties.Builder().headers(Map.of("x-delay", ms)).build();
    }

    @Test
    void aMissingOrNonStringDelayedTypeIsPreconditionFailed() throws Exception {
        Channel ch = connection.createChannel();
        Reply r = closeCausedBy(ch, () -> ch.exchangeDeclare(unique("d"), "x-delayed-message", false, false, null));
        assertEquals(406, r.code());
        assertEquals("PRECONDITION_FAILED - Invalid argument, 'x-delayed-type' must be an existing exchange type", r.text());
        Channel ch2 = connection.createChannel();
        Reply r2 = closeCausedBy(ch2, () -> ch2.exchangeDeclare(unique("d"), "x-delayed-message", false, false,
                Map.of("x-delayed-type", 5)));
        assertEquals(406, r2.code());
    }

    @Test
    void anUnknownDelayedTypeIsCommandInvalid() throws Exception {
        Reply r = closeCausedBy(connection, () -> channel.exchangeDeclare(unique("d"), "x-delayed-message", false,
                false, Map.of("x-delayed-type", "x-nope")));
        assertEquals(503, r.code());
        assertEquals("COMMAND_INVALID - unknown exchange type 'x-nope'", r.text());
    }

    @Test
    void messagesAreRoutedWhenDueInDueOrderWithXDelayNegated() throws Exception {
        String x = delayedExchange("direct", false);
        String q = declareQueue("delayed-q");
        channel.queueBind(q, x, "k");
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        List<Object> delays = Collections.synchronizedList(new ArrayList<>());
        List<Long> arrivedAfterMs = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch three = new CountDownLatch(3);
        long start = System.nanoTime();
        channel.basicConsume(q, true, (tag, d) -> {
            arrivedAfterMs.add((System.nanoTime() - start) / 1_000_000);
            got.add(text(d.getBody()));
            delays.add(d.getProperties().getHeaders().get("x-delay"));
            three.countDown();
        }, tag -> { });
        channel.basicPublish(x, "k", delay(900), utf8("c"));
        channel.basicPublish(x, "k", delay(300), utf8("a"));
        channel.basicPublish(x, "k", delay("600"), utf8("b"));
        assertTrue(three.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(List.of("a", "b", "c"), got);
        assertEquals(List.of(-300, -600, -900), delays);
        // Nothing is routed before it is due: a lower bound, so a busy machine cannot break it.
        for (int i = 0; i < 3; i++) {
            assertTrue(arrivedAfterMs.get(i) >= 300L * (i + 1), "arrivals (ms after publishing) " + arrivedAfterMs);
        }
    }

    @Test
    void withoutAPositiveDelayAMessageIsRoutedAtOnce() throws Exception {
        String x = delayedExchange("fanout", false);
        String q = declareQueue("delayed-now");
        channel.queueBind(q, x, "");
        channel.basicPublish(x, "", null, utf8("no-headers"));
        channel.basicPublish(x, "", delay(-5000), utf8("negative"));
        channel.basicPublish(x, "", delay(0), utf8("zero"));
        awaitReady(channel, q, 3);
        assertEquals(List.of("no-headers", "negative", "zero"), drain(channel, q));
    }

    @Test
    void aMandatoryDelayedMessageComesBackUnroutableButIsRoutedWhenDue() throws Exception {
        // The plugin routes only when the message is due, so at publish it has no route: basic.return.
        String x = delayedExchange("topic", false);
        String q = declareQueue("delayed-mandatory");
        channel.queueBind(q, x, "a.#");
        CountDownLatch returned = new CountDownLatch(1);
        int[] code = new int[1];
        channel.addReturnListener(r -> {
            code[0] = r.getReplyCode();
            returned.countDown();
        });
        channel.basicPublish(x, "a.b", true, delay(200), utf8("m"));
        assertTrue(returned.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(312, code[0]);
        GetResponse r = awaitGet(channel, q, true);
        assertEquals("m", text(r.getBody()));
    }

    @Test
    void ccAndBccKeysRouteADueMessageAndBccIsNotDelivered() throws Exception {
        String x = delayedExchange("direct", false);
        String main = declareQueue("delayed-main");
        String cc = declareQueue("delayed-cc");
        String bcc = declareQueue("delayed-bcc");
        channel.queueBind(main, x, "k");
        channel.queueBind(cc, x, "cc");
        channel.queueBind(bcc, x, "bcc");
        channel.basicPublish(x, "k", new AMQP.BasicProperties.Builder().headers(Map.of("x-delay", 100,
                "CC", List.of("cc"), "BCC", List.of("bcc"))).build(), utf8("m"));
        for (String q : List.of(main, cc, bcc)) {
            Map<String, Object> headers = awaitGet(channel, q, true).getProps().getHeaders();
            assertTrue(headers.containsKey("CC"), q);
            assertFalse(headers.containsKey("BCC"), q);
        }
    }

    @Test
    void aPersistentDelayedMessageIsConfirmed() throws Exception {
        String x = delayedExchange("direct", true);
        String q = declareQueue("delayed-confirm");
        channel.queueBind(q, x, "k");
        channel.confirmSelect();
        channel.basicPublish(x, "k", delay(300).builder().deliveryMode(2).build(), utf8("p"));
        channel.basicPublish(x, "k", delay(300), utf8("t"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        awaitReady(channel, q, 2);
        assertEquals(List.of("p", "t"), drain(channel, q));
    }

    @Test
    void deletingTheExchangeDropsItsWaitingMessages() throws Exception {
        String x = delayedExchange("direct", false);
        String q = declareQueue("delayed-deleted");
        channel.queueBind(q, x, "k");
        channel.basicPublish(x, "k", delay(400), utf8("gone"));
        channel.exchangeDelete(x);
        channel.exchangeDeclare(x, "x-delayed-message", false, false, Map.of("x-delayed-type", "direct"));
        channel.queueBind(q, x, "k");
        // Due after "gone" would have been, through the same exchange: once it is in, "gone" would be too.
        channel.basicPublish(x, "k", delay(600), utf8("marker"));
        assertEquals("marker", text(awaitGet(channel, q, true).getBody()), "the waiting message went with its exchange");
        assertNull(channel.basicGet(q, true));
    }

    @Test
    void transientMessagesBeyondTheMemoryBudgetWaitInTheLogAndArriveInOrder() throws Exception {
        // 24 MiB of transient bodies against a 16 MiB budget: the rest waits in the message log.
        String x = delayedExchange("direct", true);
        String q = declareQueue("delayed-spill");
        channel.queueBind(q, x, "k");
        byte[] body = new byte[512 * 1024];
        channel.confirmSelect();
        for (int i = 0; i < 48; i++) {
            body[0] = (byte) i;
            channel.basicPublish(x, "k", delay(1000 + 10 * i), body);
        }
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        awaitReady(channel, q, 48);
        for (int i = 0; i < 48; i++) {
            GetResponse r = channel.basicGet(q, true);
            assertEquals(body.length, r.getBody().length);
            assertEquals((byte) i, r.getBody()[0], "message " + i + " in due order");
        }
    }
}
