package io.leveret.server.vhost;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which thread a new queue lives on. Whoever declares a queue usually consumes from it, so a queue goes to
 * the event loop of the connection declaring it: deliveries to that connection and its acks then need no
 * hand-off between threads (a wake-up each, the larger part of a lone message's latency). But one
 * connection declaring many queues (a setup connection, PerfTest's fanout) must not pile them all on one
 * thread: when its loop already hosts more queues than the least busy one, the queue goes there instead.
 * Queues made off the loops (recovery, definitions import) go to the least busy one.
 *
 * <p>The counts are kept per executor for the whole JVM, since brokers embedded side by side have their own
 * executors and never share one; weakly, so that a stopped broker's executors are not kept alive by them.
 * Only declares and deletes come here, so one lock is enough.
 */
final class QueuePlacement {
    private static final Map<EventExecutor, AtomicInteger> QUEUES = Collections.synchronizedMap(new WeakHashMap<>());

    private QueuePlacement() {
    }

    /** Picks the executor for a new queue from {@code group} and counts the queue there. */
    static EventExecutor place(EventExecutorGroup group) {
        EventExecutor own = null;
        int ownCount = 0;
        EventExecutor least = null;
        int leastCount = Integer.MAX_VALUE;
        for (EventExecutor e : group) {
            int n = count(e).get();
            if (e.inEventLoop()) {
                own = e;
                ownCount = n;
            }
            if (n < leastCount) {
                least = e;
                leastCount = n;
            }
        }
        EventExecutor chosen = own != null && ownCount <= leastCount ? own : least;
        count(chosen).incrementAndGet();
        return chosen;
    }

    /** A queue placed on {@code executor} is gone. */
    static void removed(EventExecutor executor) {
        count(executor).decrementAndGet();
    }

    private static AtomicInteger count(EventExecutor e) {
        return QUEUES.computeIfAbsent(e, k -> new AtomicInteger());
    }
}
