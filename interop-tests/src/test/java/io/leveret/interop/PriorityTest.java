package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * x-max-priority as RabbitMQ's classic priority queues order messages: higher priority first, FIFO within a
 * priority, no priority counts as 0, above the maximum as the maximum (the property itself is delivered as
 * published), requeued messages back at their place within their priority, and drop-head dropping the next
 * message to go out. Passes against RabbitMQ 3.10.
 */
class PriorityTest extends BrokerTestSupport {

    private String priorityQueue(Map<String, Object> args) throws Exception {
        String q = unique("prio");
        channel.queueDeclare(q, false, false, false, args);
        deleteQueueAfterTest(q);
        return q;
    }

    private static void publish(Channel ch, String q, String body, Integer priority) throws Exception {
        ch.basicPublish("", q, new AMQP.BasicProperties.Builder().priority(priority).build(), utf8(body));
    }

    /** Publishes (body, priority) pairs through a confirming channel, so they are all enqueued on return. */
    private void publishAll(String q, Object... pairs) throws Exception {
        Channel ch = confirmChannel();
        for (int i = 0; i < pairs.length; i += 2) {
            publish(ch, q, (String) pairs[i], (Integer) pairs[i + 1]);
        }
        ch.waitForConfirmsOrDie(TIMEOUT.toMillis());
        ch.close();
    }

    @Test
    void higherPriorityFirstFifoWithinAPriorityAndCappedAtTheMaximum() throws Exception {
        String q = priorityQueue(Map.of("x-max-priority", 3));
        publishAll(q, "none", null, "nine", 9, "three", 3, "one", 1, "zero", 0, "three-b", 3, "two", 2);
        List<String> order = new ArrayList<>();
        List<Integer> priorities = new ArrayList<>();
        for (GetResponse r = channel.basicGet(q, true); r != null; r = channel.basicGet(q, true)) {
            order.add(text(r.getBody()));
            priorities.add(r.getProps().getPriority());
        }
        assertEquals(List.of("nine", "three", "three-b", "two", "one", "none", "zero"), order);
        assertEquals(java.util.Arrays.asList(9, 3, 3, 2, 1, null, 0), priorities);
    }

    @Test
    void aConsumerGetsTheBacklogInPriorityOrder() throws Exception {
        String q = priorityQueue(Map.of("x-max-priority", 10));
        publishAll(q, "low", 1, "high", 10, "mid", 5, "high-b", 10);
        Collector c = new Collector(channel);
        channel.basicConsume(q, true, c);
        c.awaitCount(4);
        assertEquals(List.of("high", "high-b", "mid", "low"), c.received().stream().map(d -> text(d.getBody())).toList());
    }

    @Test
    void requeuedMessagesGoBackToTheirPlaceWithinTheirPriority() throws Exception {
        String q = priorityQueue(Map.of("x-max-priority", 3));
        publishAll(q, "a", null, "b", 9, "c", 3, "d", 1, "e", 0);
        GetResponse first = channel.basicGet(q, false);
        GetResponse second = channel.basicGet(q, false);
        assertEquals(List.of("b", "c"), List.of(text(first.getBody()), text(second.getBody())));
        channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        publishAll(q, "f", 3);
        channel.basicNack(second.getEnvelope().getDeliveryTag(), false, true);
        awaitReady(channel, q, 6);
        List<String> order = new ArrayList<>();
        List<Boolean> redelivered = new ArrayList<>();
        for (GetResponse r = channel.basicGet(q, true); r != null; r = channel.basicGet(q, true)) {
            order.add(text(r.getBody()));
            redelivered.add(r.getEnvelope().isRedeliver());
        }
        assertEquals(List.of("b", "c", "f", "d", "a", "e"), order);
        assertEquals(List.of(true, true, false, false, false, false), redelivered);
    }

    @Test
    void dropHeadDropsTheMessageThatWouldGoOutNext() throws Exception {
        String q = priorityQueue(Map.of("x-max-priority", 5, "x-max-length", 3));
        publishAll(q, "a", 1, "b", 5, "c", 0, "d", 3);
        assertEquals(List.of("d", "a", "c"), drain(channel, q));
    }
}
