package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueuePlacementTest {

    @Test
    void aQueueGoesToItsDeclarersLoopUnlessThatLoopIsBusierThanAnother() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(4);
        try {
            EventExecutor declarer = group.next();
            // One connection declaring four queues: the first stays with it, the others spread out.
            List<EventExecutor> placed = declarer.submit(() -> {
                List<EventExecutor> out = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    out.add(QueuePlacement.place(group));
                }
                return out;
            }).get();
            assertSame(declarer, placed.get(0));
            assertEquals(4, new HashSet<>(placed).size(), "one queue per loop: " + placed);

            // Every loop has one now: a fifth declared on the same loop stays there.
            EventExecutor fifth = declarer.submit(() -> QueuePlacement.place(group)).get();
            assertSame(declarer, fifth);

            // Off the loops (recovery): the least busy one.
            QueuePlacement.removed(placed.get(2));
            assertSame(placed.get(2), QueuePlacement.place(group));
        } finally {
            group.shutdownGracefully().sync();
        }
    }
}
