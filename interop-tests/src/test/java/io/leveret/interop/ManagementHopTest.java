package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.http.client.Client;
import com.rabbitmq.http.client.ClientParameters;
import com.rabbitmq.http.client.GetAckMode;
import com.rabbitmq.http.client.GetEncoding;
import com.rabbitmq.http.client.HttpClientException;
import com.rabbitmq.http.client.domain.BindingInfo;
import com.rabbitmq.http.client.domain.ExchangeInfo;
import com.rabbitmq.http.client.domain.InboundMessage;
import com.rabbitmq.http.client.domain.OutboundMessage;
import com.rabbitmq.http.client.domain.QueueInfo;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology endpoints as Hop, RabbitMQ's Java client of the management API, uses them: overview, whoami,
 * vhosts, exchanges, queues, bindings, publish and get. Runs against Leveret and the reference RabbitMQ.
 */
class ManagementHopTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String exchange = "hop-x-" + suffix;
    private final String queue = "hop-q-" + suffix;
    private Client hop;

    @BeforeEach
    void connect() throws Exception {
        hop = new Client(new ClientParameters().url(broker.managementUri() + "/api/").username(broker.user())
                .password(broker.password()));
    }

    @AfterEach
    void cleanUp() {
        hop.deleteQueue("/", queue);
        hop.deleteExchange("/", exchange);
        hop.deleteExchange("/", exchange + "-2");
    }

    @Test
    void overviewWhoamiAndVhosts() {
        assertNotNull(hop.getOverview().getObjectTotals());
        assertEquals(broker.user(), hop.whoAmI().getName());
        assertNotNull(hop.getVhost("/"));
        assertTrue(hop.getVhosts().stream().anyMatch(v -> v.getName().equals("/")));
        assertNull(hop.getVhost("no-vhost-" + suffix));
        assertFalse(hop.getNodes().isEmpty());
    }

    @Test
    void exchangesDeclaredListedAndDeleted() {
        hop.declareExchange("/", exchange, new ExchangeInfo("topic", true, false));
        ExchangeInfo x = hop.getExchange("/", exchange);
        assertEquals("topic", x.getType());
        assertTrue(x.isDurable());
        assertTrue(hop.getExchanges("/").stream().anyMatch(e -> e.getName().equals(exchange)));
        // An equivalent redeclare is fine; a different type is RabbitMQ's 400.
        hop.declareExchange("/", exchange, new ExchangeInfo("topic", true, false));
        HttpClientException e = assertThrows(HttpClientException.class,
                () -> hop.declareExchange("/", exchange, new ExchangeInfo("fanout", true, false)));
        assertEquals(400, e.status());
        hop.deleteExchange("/", exchange);
        assertNull(hop.getExchange("/", exchange));
    }

    @Test
    void queuesDeclaredWithArgumentsPurgedAndDeleted() {
        hop.declareQueue("/", queue, new QueueInfo(true, false, false, Map.of("x-max-length", 10)));
        QueueInfo q = hop.getQueue("/", queue);
        assertTrue(q.isDurable());
        assertEquals(10, ((Number) q.getArguments().get("x-max-length")).intValue());
        assertTrue(hop.publish("/", "amq.default", queue, new OutboundMessage().payload("one")));
        assertTrue(hop.publish("/", "amq.default", queue, new OutboundMessage().payload("two")));
        assertEquals(2, awaitReady(2));
        hop.purgeQueue("/", queue);
        assertEquals(0, awaitReady(0));
        hop.deleteQueue("/", queue);
        assertNull(hop.getQueue("/", queue));
    }

    @Test
    void bindingsOfEveryKind() {
        hop.declareExchange("/", exchange, new ExchangeInfo("direct", false, false));
        hop.declareExchange("/", exchange + "-2", new ExchangeInfo("fanout", false, false));
        hop.declareQueue("/", queue, new QueueInfo(false, false, false));
        hop.bindQueue("/", queue, exchange, "key-1");
        hop.bindExchange("/", exchange + "-2", exchange, "key-2");

        List<BindingInfo> ofQueue = hop.getQueueBindings("/", queue);
        assertTrue(ofQueue.stream().anyMatch(b -> b.getSource().isEmpty() && b.getRoutingKey().equals(queue)),
                "the default exchange's implicit binding: " + ofQueue);
        assertTrue(ofQueue.stream().anyMatch(b -> b.getSource().equals(exchange) && b.getRoutingKey().equals("key-1")));
        assertEquals(2, hop.getBindingsBySource("/", exchange).size());
        assertEquals(1, hop.getExchangeBindingsByDestination("/", exchange + "-2").size());
        assertEquals(1, hop.getQueueBindingsBetween("/", exchange, queue).size());
        assertEquals(1, hop.getExchangeBindingsBetween("/", exchange, exchange + "-2").size());

        assertFalse(hop.publish("/", exchange, "nowhere", new OutboundMessage().payload("lost")));
        assertTrue(hop.publish("/", exchange, "key-1", new OutboundMessage().payload("kept")));

        hop.unbindQueue("/", queue, exchange, "key-1");
        hop.unbindExchange("/", exchange + "-2", exchange, "key-2");
        assertTrue(hop.getBindingsBySource("/", exchange).isEmpty());
        assertFalse(hop.publish("/", exchange, "key-1", new OutboundMessage().payload("lost")));
    }

    @Test
    void getRequeuesOrTakesMessages() {
        hop.declareQueue("/", queue, new QueueInfo(false, false, false));
        hop.publish("/", "amq.default", queue, new OutboundMessage().payload("first")
                .properties(Map.of("content_type", "text/plain")));
        hop.publish("/", "amq.default", queue, new OutboundMessage().payload("second"));
        awaitReady(2);
        List<InboundMessage> peek = hop.get("/", queue, 5, GetAckMode.NACK_REQUEUE_TRUE, GetEncoding.AUTO);
        assertEquals(List.of("first", "second"), peek.stream().map(InboundMessage::getPayload).toList());
        assertEquals(2, awaitReady(2));
        // Hop's one-message get requeues it; ack_requeue_false takes it.
        assertEquals("first", hop.get("/", queue).getPayload());
        assertEquals(2, awaitReady(2));
        List<InboundMessage> taken = hop.get("/", queue, 1, GetAckMode.ACK_REQUEUE_FALSE, GetEncoding.AUTO);
        assertEquals("first", taken.get(0).getPayload());
        assertEquals(queue, taken.get(0).getRoutingKey());
        assertEquals(1, awaitReady(1));
    }

    /** Queue counts in RabbitMQ's API lag behind by a statistics interval: wait until they show {@code n}. */
    private long awaitReady(long n) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long ready = -1;
        while (System.nanoTime() < deadline) {
            QueueInfo q = hop.getQueue("/", queue);
            ready = q == null ? -1 : q.getMessagesReady();
            if (ready == n) {
                return ready;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ready;
    }
}
