package io.leveret.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The leak check would catch a leak: an unreleased pooled buffer (the kind channels allocate; unpooled
 * heap buffers are not tracked by Netty) is reported once it is collected.
 */
class LeakDetectionTest {

    @Test
    void anUnreleasedBufferIsReported() {
        LeakDetection.collect();
        leakOne();
        List<String> leaks = List.of();
        for (int round = 0; round < 20 && leaks.isEmpty(); round++) {
            leaks = LeakDetection.collect();
        }
        assertFalse(leaks.isEmpty(), "the deliberate leak was not reported");
        assertTrue(leaks.get(0).contains(LeakDetection.DELIBERATE), leaks.get(0));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(8).writeLong(1);
        leaked.touch(LeakDetection.DELIBERATE);
    }
}
