package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeduplicationCacheTest {

    @Test
    void aKeyIsADuplicateWithinItsTtlAndNewAfterIt() {
        DeduplicationCache cache = new DeduplicationCache(10, 100);
        assertTrue(cache.firstSeen("a", -1, 1000));
        assertFalse(cache.firstSeen("a", -1, 1099));
        assertTrue(cache.firstSeen("a", -1, 1100));
        assertFalse(cache.firstSeen("a", -1, 1150));
        // a message's own TTL wins over the cache's
        assertTrue(cache.firstSeen("b", 5, 2000));
        assertTrue(cache.firstSeen("b", -1, 2005));
        assertEquals(1, cache.size(), "a expired and went; only b is remembered");
    }

    @Test
    void withoutTtlTheOldestGoWhenFull() {
        DeduplicationCache cache = new DeduplicationCache(3, -1);
        for (String k : List.of("a", "b", "c", "d")) {
            assertTrue(cache.firstSeen(k, -1, 0));
        }
        assertEquals(3, cache.size());
        assertTrue(cache.firstSeen("a", -1, 0), "the oldest was evicted");
        assertFalse(cache.firstSeen("d", -1, 0));
        assertEquals(3, cache.size());
    }

    @Test
    void renewedKeysDoNotGrowTheOrderWithoutBound() {
        DeduplicationCache cache = new DeduplicationCache(2, 1);
        for (int t = 0; t < 100_000; t += 2) {
            assertTrue(cache.firstSeen("k", -1, t));
        }
        assertTrue(cache.size() <= 2);
    }

    @Test
    void concurrentPublishersRouteEachKeyOnce() throws Exception {
        DeduplicationCache cache = new DeduplicationCache(1_000_000, -1);
        AtomicInteger firsts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        if (cache.firstSeen("key-" + i, -1, 0)) {
                            firsts.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(20_000, firsts.get());
        assertEquals(20_000, cache.size());
    }
}
