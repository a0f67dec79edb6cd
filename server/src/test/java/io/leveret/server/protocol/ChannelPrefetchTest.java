package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leveret.server.vhost.ConsumerChannel;
import org.junit.jupiter.api.Test;

/** The channel-wide prefetch as RabbitMQ's limiter counts it. */
class ChannelPrefetchTest {
    private final ChannelPrefetch prefetch = new ChannelPrefetch();
    private final UnackedMap unacked = new UnackedMap();

    @Test
    void withoutALimitNothingIsCounted() {
        assertEquals(ConsumerChannel.UNLIMITED, prefetch.tryAcquire(true));
        prefetch.setLimit(1, unacked);
        assertEquals(ConsumerChannel.ACQUIRED, prefetch.tryAcquire(true), "the unlimited delivery was not counted");
    }

    @Test
    void noAckDeliveriesWaitAtTheLimitButTakeNothing() {
        prefetch.setLimit(2, unacked);
        assertEquals(ConsumerChannel.ACQUIRED, prefetch.tryAcquire(true));
        for (int i = 0; i < 5; i++) {
            assertEquals(ConsumerChannel.UNLIMITED, prefetch.tryAcquire(false));
        }
        assertEquals(ConsumerChannel.ACQUIRED, prefetch.tryAcquire(true));
        assertEquals(ConsumerChannel.NO_CREDIT, prefetch.tryAcquire(false));
        prefetch.release(1);
        assertEquals(ConsumerChannel.UNLIMITED, prefetch.tryAcquire(false));
    }

    @Test
    void aLimitThatStartsCountsWhatIsOutstandingAndAChangedOneKeepsTheCount() {
        Unacked delivered = new Unacked(1, null, 10, false);
        Unacked got = new Unacked(2, null, 11, false);
        unacked.add(delivered);
        unacked.add(got);
        prefetch.setLimit(3, unacked);
        assertTrue(delivered.channelCredit && got.channelCredit, "settling them gives their units back");
        assertEquals(ConsumerChannel.ACQUIRED, prefetch.tryAcquire(true));
        assertEquals(ConsumerChannel.NO_CREDIT, prefetch.tryAcquire(true));

        prefetch.setLimit(1, unacked);
        prefetch.release(2);
        assertEquals(ConsumerChannel.NO_CREDIT, prefetch.tryAcquire(true), "one outstanding, limit one");
        prefetch.setLimit(2, unacked);
        assertEquals(ConsumerChannel.ACQUIRED, prefetch.tryAcquire(true));
    }
}
