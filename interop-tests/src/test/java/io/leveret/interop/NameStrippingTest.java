package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Return;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Carriage returns and line feeds in names: RabbitMQ 3.10.8 strips them (strip_cr_lf) from the queue and
 * exchange names of declare (passive too), delete, bind and unbind, so {@code "queue_test\n"} declares
 * {@code queue_test}. Publish, consume, get and purge take names as they come, and routing keys are never
 * stripped. Every expectation here was checked against RabbitMQ 3.10.8.
 */
class NameStrippingTest extends BrokerTestSupport {

    @Test
    void queueDeclareStripsLineFeedsAndCarriageReturns() throws Exception {
        String q = unique("strip-q");
        deleteQueueAfterTest(q);
        AMQP.Queue.DeclareOk ok = channel.queueDeclare("\n" + q.substring(0, 3) + "\r\n" + q.substring(3) + "\n",
                false, false, false, null);
        assertEquals(q, ok.getQueue(), "declare-ok names the stripped queue");
        assertEquals(q, channel.queueDeclarePassive(q).getQueue());
        // Passive declare strips as well, and a redeclare with line feeds is the same queue.
        assertEquals(q, channel.queueDeclarePassive(q + "\n").getQueue());
        assertEquals(q, channel.queueDeclare(q + "\r\n", false, false, false, null).getQueue());
        // A name that is only line feeds is an empty name: the server names the queue.
        String named = channel.queueDeclare("\n", false, true, true, null).getQueue();
        assertEquals("amq.gen-", named.substring(0, 8), named);
    }

    @Test
    void theReservedPrefixAndNotFoundAreCheckedOnTheStrippedName() throws Exception {
        String missing = unique("strip-missing");
        Channel ch1 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + missing + "' in vhost '/'", 50, 10),
                closeCausedBy(ch1, () -> ch1.queueDeclarePassive(missing.substring(0, 4) + "\n" + missing.substring(4))));
        Channel ch2 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + missing + "' in vhost '/'", 40, 10),
                closeCausedBy(ch2, () -> ch2.exchangeDeclarePassive(missing + "\n")));
        Channel ch3 = connection.createChannel();
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - queue name 'amq.foo' contains reserved prefix 'amq.*'", 50, 10),
                closeCausedBy(ch3, () -> ch3.queueDeclare("amq.\nfoo", false, true, true, null)));
        Channel ch4 = connection.createChannel();
        assertEquals(Reply.channel(403, "ACCESS_REFUSED - operation not permitted on the default exchange", 40, 10),
                closeCausedBy(ch4, () -> ch4.exchangeDeclare("\n", "direct")));
    }

    @Test
    void exchangeDeclareStripsAndDeleteToo() throws Exception {
        String x = unique("strip-x");
        deleteExchangeAfterTest(x);
        channel.exchangeDeclare("\n" + x + "\r\n", BuiltinExchangeType.FANOUT, false, false, null);
        channel.exchangeDeclarePassive(x);
        channel.exchangeDeclarePassive(x + "\n");
        channel.exchangeDelete(x.substring(0, 2) + "\n" + x.substring(2));
        Channel ch = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "' in vhost '/'", 40, 10),
                closeCausedBy(ch, () -> ch.exchangeDeclarePassive(x)));
    }

    @Test
    void queueDeleteStrips() throws Exception {
        String q = declareQueue("strip-delete");
        channel.queueDelete(q + "\n");
        Channel ch = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 50, 10),
                closeCausedBy(ch, () -> ch.queueDeclarePassive(q)));
    }

    /** Bind and unbind strip queue and exchange names, never the routing key: "k\n" stays a key of its own. */
    @Test
    void bindAndUnbindStripNamesButNotRoutingKeys() throws Exception {
        String q = declareQueue("strip-bind");
        String x = declareExchange("strip-bind", BuiltinExchangeType.DIRECT);
        channel.queueBind(q + "\n", "\n" + x, "k\n");
        channel.confirmSelect();
        channel.basicPublish(x, "k", null, utf8("plain k"));
        channel.basicPublish(x, "k\n", null, utf8("k with a line feed"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals("k with a line feed", text(awaitGet(channel, q, true).getBody()));
        assertNull(channel.basicGet(q, true), "the key 'k' is not bound");

        channel.queueUnbind(q + "\r\n", x + "\n", "k\n");
        channel.basicPublish(x, "k\n", null, utf8("after unbind"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertNull(channel.basicGet(q, true), "unbound");
    }

    @Test
    void exchangeBindAndUnbindStripBothNames() throws Exception {
        String q = declareQueue("strip-e2e");
        String source = declareExchange("strip-e2e-src", BuiltinExchangeType.FANOUT);
        String destination = declareExchange("strip-e2e-dst", BuiltinExchangeType.FANOUT);
        channel.queueBind(q, destination, "");
        channel.exchangeBind(destination + "\n", "\n" + source, "");
        channel.confirmSelect();
        channel.basicPublish(source, "", null, utf8("through both"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertEquals("through both", text(awaitGet(channel, q, true).getBody()));

        channel.exchangeUnbind("\r" + destination, source + "\r\n", "");
        channel.basicPublish(source, "", null, utf8("after unbind"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        assertNull(channel.basicGet(q, true), "unbound");
    }

    /** Publish, consume, get and purge look names up as given: a line feed makes another name. */
    @Test
    void publishConsumeGetAndPurgeDoNotStrip() throws Exception {
        String q = declareQueue("strip-not");
        String x = declareExchange("strip-not", BuiltinExchangeType.FANOUT);
        Channel c1 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no exchange '" + x + "\n' in vhost '/'", 60, 40),
                closeCausedBy(c1, () -> {
                    c1.basicPublish(x + "\n", "", null, utf8("x"));
                    c1.basicQos(1);
                }));
        Channel c2 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "\n' in vhost '/'", 60, 20),
                closeCausedBy(c2, () -> c2.basicConsume(q + "\n", new DefaultConsumer(c2))));
        Channel c3 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "\n' in vhost '/'", 60, 70),
                closeCausedBy(c3, () -> c3.basicGet(q + "\n", true)));
        Channel c4 = connection.createChannel();
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '\n" + q + "' in vhost '/'", 50, 30),
                closeCausedBy(c4, () -> c4.queuePurge("\n" + q)));

        // The default exchange routes by the routing key as given: "q\n" names no queue.
        BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
        channel.addReturnListener(returns::add);
        channel.confirmSelect();
        channel.basicPublish("", q + "\n", true, null, utf8("unroutable"));
        channel.waitForConfirmsOrDie(TIMEOUT.toMillis());
        Return r = returns.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(r, "returned as unroutable");
        assertEquals(q + "\n", r.getRoutingKey());
        assertNull(channel.basicGet(q, true));
    }
}
