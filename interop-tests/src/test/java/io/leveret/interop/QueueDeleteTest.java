package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import io.leveret.interop.RawAmqp.Args;
import io.leveret.interop.RawAmqp.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * queue.delete under consumers, as RabbitMQ 3.10.8 puts it on the wire: the deleting channel gets queue.delete-ok
 * first and then basic.cancel for its own consumer of that queue (clients such as amqplib fail a pending
 * deleteQueue when the cancel comes first); consumers on other channels and connections get basic.cancel too
 * (consumer_cancel_notify).
 */
class QueueDeleteTest extends BrokerTestSupport {
    private static final int QUEUE = 50;
    private static final int BASIC = 60;

    @ParameterizedTest(name = "durable={0}")
    @ValueSource(booleans = {false, true})
    void deleteOkComesBeforeTheCancelOfTheDeletingChannelsOwnConsumer(boolean durable) throws Exception {
        String q = unique("deleted-under-consumers");
        deleteQueueAfterTest(q);
        try (RawAmqp raw = RawAmqp.connect(BrokerUnderTest.shared()).handshake(Map.of("consumer_cancel_notify", true))) {
            raw.openChannel(1).openChannel(2);
            raw.sendMethod(1, QUEUE, 10, new Args().shortInt(0).shortstr(q).octet(durable ? 0b10 : 0)
                    .table(Map.of()).bytes());
            raw.expectMethod(QUEUE, 11);
            consume(raw, 1, q, "same-channel");
            consume(raw, 2, q, "other-channel");
            Channel other = open().createChannel();
            Collector elsewhere = new Collector(other);
            String elsewhereTag = other.basicConsume(q, false, elsewhere);

            raw.sendMethod(1, QUEUE, 40, new Args().shortInt(0).shortstr(q).octet(0).bytes());
            List<String> channel1 = new ArrayList<>();
            List<String> channel2 = new ArrayList<>();
            while (channel1.size() < 2 || channel2.size() < 1) {
                Frame f = raw.readNonHeartbeat();
                if (f.channel() == 1) {
                    channel1.add(name(f));
                } else if (f.channel() == 2) {
                    channel2.add(name(f));
                } else {
                    fail("unexpected " + RawAmqp.describe(f));
                }
            }
            assertEquals(List.of("queue.delete-ok 0", "basic.cancel same-channel"), channel1);
            assertEquals(List.of("basic.cancel other-channel"), channel2);
            assertEquals(elsewhereTag, elsewhere.cancelledByBroker.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    "a consumer on another connection is cancelled too");
            // Nothing else follows on the deleting connection: its channels stay open.
            raw.sendMethod(1, QUEUE, 40, new Args().shortInt(0).shortstr(q).octet(0).bytes());
            assertEquals("queue.delete-ok 0", name(raw.expectMethod(QUEUE, 41)));
        }
    }

    private static void consume(RawAmqp raw, int channel, String q, String tag) {
        raw.sendMethod(channel, BASIC, 20, new Args().shortInt(0).shortstr(q).shortstr(tag).octet(0)
                .table(Map.of()).bytes());
        Frame ok = raw.expectMethod(BASIC, 21);
        assertEquals(channel, ok.channel());
        assertEquals(tag, ok.args().shortstr());
    }

    /** A frame by its method's name and the argument the test cares about. */
    private static String name(Frame f) {
        if (f.is(QUEUE, 41)) {
            return "queue.delete-ok " + f.args().longInt();
        }
        if (f.is(BASIC, 30)) {
            return "basic.cancel " + f.args().shortstr();
        }
        return RawAmqp.describe(f);
    }
}
