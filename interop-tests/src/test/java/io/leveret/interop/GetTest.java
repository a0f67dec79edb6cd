package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;

/** basic.get / get-ok / get-empty. */
class GetTest extends BrokerTestSupport {

    @Test
    void getOnAnEmptyQueueIsGetEmpty() throws Exception {
        String q = serverNamedQueue();
        assertNull(channel.basicGet(q, true));
        assertNull(channel.basicGet(q, false));
    }

    @Test
    void getOkCarriesTheRemainingMessageCountAndEnvelope() throws Exception {
        String q = serverNamedQueue();
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, 3);
        for (int left = 2; left >= 0; left--) {
            GetResponse r = channel.basicGet(q, true);
            assertEquals(left, r.getMessageCount());
            assertEquals("m" + (2 - left), text(r.getBody()));
            assertEquals("", r.getEnvelope().getExchange());
            assertEquals(q, r.getEnvelope().getRoutingKey());
            assertFalse(r.getEnvelope().isRedeliver());
        }
        assertNull(channel.basicGet(q, true));
    }

    @Test
    void getOnMissingQueueIs404() {
        String q = unique("missing");
        Reply reply = closeCausedBy(channel, () -> channel.basicGet(q, true));
        assertEquals(Reply.channel(404, "NOT_FOUND - no queue '" + q + "' in vhost '/'", 60, 70), reply);
    }

    @Test
    void getIsNotLimitedByPrefetch() throws Exception {
        String q = serverNamedQueue();
        channel.basicQos(1);
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", q, null, utf8("m" + i));
        }
        awaitReady(channel, q, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, text(channel.basicGet(q, false).getBody()));
        }
    }
}
