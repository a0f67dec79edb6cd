package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code max_message_size}: a publish over the limit closes the channel with 406, worded as RabbitMQ 3.10's
 * rabbit_channel:check_msg_size words it for a configured (non-default) limit. Needs a private Leveret with a
 * small limit, so it is skipped against an external broker (RabbitMQ's own default limit is 128 MiB).
 */
class MaxMessageSizeTest {
    private static final int LIMIT = 1_048_576;
    private static BrokerUnderTest broker;

    @BeforeAll
    static void startPrivateBroker() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "needs a private Leveret configured with max_message_size");
        broker = BrokerUnderTest.startLeveret("max_message_size = " + LIMIT);
    }

    @AfterAll
    static void stopPrivateBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void publishOverTheConfiguredLimitIs406AndOnlyClosesTheChannel() throws Exception {
        try (Connection c = broker.factory().newConnection()) {
            Channel ch = c.createChannel();
            String q = ch.queueDeclare().getQueue();
            byte[] atLimit = new byte[LIMIT];
            new Random(1).nextBytes(atLimit);
            ch.basicPublish("", q, null, atLimit);
            assertArrayEquals(atLimit, BrokerTestSupport.awaitGet(ch, q, true).getBody());

            Reply reply = BrokerTestSupport.closeCausedBy(ch,
                    () -> ch.basicPublish("", q, null, new byte[2 * LIMIT]));
            assertEquals(Reply.channel(406,
                    "PRECONDITION_FAILED - message size 2097152 is larger than configured max size 1048576", 60, 40),
                    reply);
            assertTrue(c.isOpen());
            Channel again = c.createChannel();
            assertEquals(0, again.queueDeclarePassive(q).getMessageCount());
        }
    }
}
