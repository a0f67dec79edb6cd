package io.leveret.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.FieldTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deliveries when memory runs out: a channel that cannot allocate the buffer for its deliveries (or a
 * basic.get's answer) keeps them, in order, and writes them once it can. Nothing is lost, nothing
 * overtakes, and delivery tags stay in step with what the client received.
 */
class DeliveryMemoryTest {
    private final AmqpPeer peer = new AmqpPeer();
    /** Fails the next {@link #failures} delivery-buffer allocations, as a direct-memory limit would. */
    private final FailingAllocator allocator = new FailingAllocator();

    private static final class FailingAllocator extends PooledByteBufAllocator {
        int failures;
        int failed;

        FailingAllocator() {
            super(true);
        }

        @Override
        public ByteBuf ioBuffer(int initialCapacity) {
            if (failures > 0) {
                failures--;
                failed++;
                throw new OutOfMemoryError("Direct buffer memory (test)");
            }
            return super.ioBuffer(initialCapacity);
        }
    }

    @AfterEach
    void close() {
        peer.close();
    }

    /** A connection with channel 1 open and queue "q" declared on it. */
    private void openWithQueue() {
        peer.open();
        peer.openChannel(1);
        peer.declareQueue(1, "q");
    }

    @Test
    void deliveriesThatFindNoMemoryWaitAndGoOutInOrderOnceThereIsSome() {
        openWithQueue();
        peer.send(1, new BasicMethod.Consume(0, "q", "c", false, false, false, false, FieldTable.EMPTY));
        peer.expect(1, BasicMethod.ConsumeOk.class);
        peer.server.config().setAllocator(allocator);

        allocator.failures = 2;
        peer.send(peer.publish(1, "", "q", "m1"));
        peer.send(peer.publish(1, "", "q", "m2"));
        peer.expectNothing();
        assertEquals(1, allocator.failed, "the second delivery waits behind the first, without trying");

        peer.elapse(25);
        assertEquals(2, allocator.failed, "tried again, and still no memory");
        peer.expectNothing();

        peer.elapse(25);
        assertEquals(1, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("m1", peer.expectContent(1));
        assertEquals(2, peer.expect(1, BasicMethod.Deliver.class).deliveryTag());
        assertEquals("m2", peer.expectContent(1));

        peer.send(1, new BasicMethod.Ack(2, true));
        peer.expectNothing();
        assertEquals(0, peer.vhost.queue("q").messageCount());
    }

    @Test
    void aGetThatFindsNoMemoryIsAnsweredOnceThereIsSomeAndLaterMethodsWaitForIt() {
        openWithQueue();
        peer.send(peer.publish(1, "", "q", "m1"));
        peer.send(peer.publish(1, "", "q", "m2"));
        peer.server.config().setAllocator(allocator);

        allocator.failures = 1;
        peer.send(1, new BasicMethod.Get(0, "q", false));
        peer.send(1, new BasicMethod.Get(0, "q", false));
        peer.expectNothing();
        assertEquals(1, allocator.failed);

        peer.elapse(25);
        assertEquals(1, peer.expect(1, BasicMethod.GetOk.class).deliveryTag());
        assertEquals("m1", peer.expectContent(1));
        assertEquals(2, peer.expect(1, BasicMethod.GetOk.class).deliveryTag());
        assertEquals("m2", peer.expectContent(1));
        peer.send(1, new BasicMethod.Ack(2, true));
        peer.expectNothing();
    }
}
