package io.leveret.server.protocol;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's memory and disk alarms. Memory: {@code vm_memory_high_watermark} is a share of the JVM's
 * budget (maximum heap plus maximum direct memory), and each of the two pools is held to the same share of
 * its own maximum, since either can run out alone: the live heap (as the last garbage collection left it,
 * so that garbage waiting for the collector does not raise the alarm) against that share of the maximum
 * heap, and Netty's direct memory against that share of the maximum direct memory. Disk:
 * the free space of data_dir's file store against {@code disk_free_limit}. A monitor thread checks both
 * often; when either alarm changes, every open connection is told on its own loop, and blocks or unblocks
 * its publishers ({@link AmqpConnection#alarmsChanged()}).
 */
public final class ResourceAlarms implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);
    private static final long MEMORY_INTERVAL_MILLIS = 50;
    private static final int DISK_EVERY_N_CHECKS = 20;
    /** A confirming full collection may take at most 1/this of the monitor's time. */
    private static final long CONFIRM_COST_RATIO = 20;
    /** ... but a large heap's slow collection must not leave its alarm unconfirmed for longer than this. */
    private static final long CONFIRM_AT_LEAST_EVERY_SECONDS = 10;

    private final long memoryLimit;
    private final long heapLimit;
    private final long directLimit;
    private final LongSupplier diskFree;
    private final long diskFreeLimit;
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService monitor;
    private volatile long liveHeapAfterGc = -1;
    private volatile boolean memoryAlarm;
    private volatile boolean diskAlarm;
    private int checks;
    /** When the next full collection to confirm a high heap may run (System.nanoTime()). */
    private long nextConfirmNanos = System.nanoTime();

    private ResourceAlarms(long memoryLimit, LongSupplier diskFree, long diskFreeLimit, boolean monitored) {
        this.memoryLimit = memoryLimit;
        double share = watermarkShare(memoryLimit);
        this.heapLimit = (long) (share * Runtime.getRuntime().maxMemory());
        this.directLimit = (long) (share * PlatformDependent.maxDirectMemory());
        this.diskFree = diskFree;
        this.diskFreeLimit = diskFreeLimit;
        if (monitored) {
            listenForCollections();
            monitor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "leveret-resource-monitor");
                t.setDaemon(true);
                return t;
            });
            check();
            monitor.scheduleWithFixedDelay(this::check, MEMORY_INTERVAL_MILLIS, MEMORY_INTERVAL_MILLIS,
                    TimeUnit.MILLISECONDS);
        } else {
            monitor = null;
        }
    }

    /** Never raises an alarm (tests on EmbeddedChannel). */
    public static ResourceAlarms none() {
        return new ResourceAlarms(Long.MAX_VALUE, () -> Long.MAX_VALUE, 0, false);
    }

    /**
     * Starts monitoring.
     *
     * @param memoryLimit   bytes of memory (live heap + direct) at which the memory alarm is raised
     * @param dataDir       the folder whose file store's free space is watched
     * @param diskFreeLimit bytes of free disk below which the disk alarm is raised
     */
    public static ResourceAlarms start(long memoryLimit, Path dataDir, long diskFreeLimit) throws IOException {
        FileStore store = Files.getFileStore(dataDir);
        LongSupplier free = () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                return Long.MAX_VALUE;
            }
        };
        ResourceAlarms alarms = new ResourceAlarms(memoryLimit, free, diskFreeLimit, true);
        LOG.info("memory high watermark {} bytes of a JVM budget of {} bytes: live heap {} bytes, direct memory {}"
                + " bytes; disk free limit {} bytes", memoryLimit, memoryBudget(), alarms.heapLimit, alarms.directLimit,
                diskFreeLimit);
        return alarms;
    }

    /** The high watermark as a share of {@link #memoryBudget()}: what each pool is held to, of its maximum. */
    public static double watermarkShare(long memoryLimit) {
        return Math.min(1, (double) memoryLimit / memoryBudget());
    }

    /** The JVM's memory: its maximum heap plus Netty's maximum direct memory. */
    public static long memoryBudget() {
        return Runtime.getRuntime().maxMemory() + PlatformDependent.maxDirectMemory();
    }

    private long liveHeap() {
        long heap = liveHeapAfterGc;
        return heap >= 0 ? heap : usedHeap();
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directUsed() {
        long direct = PlatformDependent.usedDirectMemory();
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            direct = Math.max(direct, p.metric().usedDirectMemory());
        }
        return Math.max(0, direct);
    }

    /** True when either pool is past its share of the high watermark. */
    private boolean memoryHigh() {
        return memoryLimit != Long.MAX_VALUE && (liveHeap() > heapLimit || directUsed() > directLimit);
    }

    /** For metrics: the memory alarm is raised. */
    public boolean memoryAlarm() {
        return memoryAlarm;
    }

    /** For metrics: the disk alarm is raised. */
    public boolean diskAlarm() {
        return diskAlarm;
    }

    /** For metrics: the memory high watermark in bytes ({@link Long#MAX_VALUE} when never raised). */
    public long memoryLimit() {
        return memoryLimit;
    }

    /** For metrics: the free disk space below which the disk alarm is raised, in bytes. */
    public long diskFreeLimit() {
        return diskFreeLimit;
    }

    /** For metrics: free space on the data directory's file system now, in bytes. */
    public long diskFree() {
        return diskFree.getAsLong();
    }

    /** RabbitMQ's connection.blocked reason, or null when no alarm is raised. */
    public String reason() {
        boolean m = memoryAlarm;
        boolean d = diskAlarm;
        if (m && d) {
            return "low on memory & low on disk";
        }
        return m ? "low on memory" : d ? "low on disk" : null;
    }

    /** The open connections (they register at connection.open): the management API lists and closes them. */
    public java.util.Collection<AmqpConnection> openConnections() {
        return java.util.Collections.unmodifiableSet(connections);
    }

    void register(AmqpConnection c) {
        connections.add(c);
        if (reason() != null) {
            c.context().executor().execute(c::alarmsChanged);
        }
    }

    void unregister(AmqpConnection c) {
        connections.remove(c);
    }

    private void check() {
        try {
            if (liveHeapAfterGc < 0 && usedHeap() > heapLimit) {
                // No collection has told us the live heap yet, and what is used includes garbage (at boot,
                // mostly): find out before raising the alarm on it.
                System.gc();
                liveHeapAfterGc = usedHeap();
            }
            boolean memory = memoryHigh();
            if (memory && !memoryAlarm && liveHeap() > heapLimit) {
                memory = confirmHeap();
            }
            boolean due = checks++ % DISK_EVERY_N_CHECKS == 0;
            boolean disk = due ? diskFree.getAsLong() < diskFreeLimit : diskAlarm;
            if (memory && memoryAlarm && due) {
                // Blocked publishers allocate little, so the collector may not run and our measure of the
                // live heap would stay stale: collect now and then while the alarm holds (as RabbitMQ does).
                System.gc();
            }
            if (memory != memoryAlarm || disk != diskAlarm) {
                if (memory != memoryAlarm) {
                    LOG.warn("memory alarm {}: live heap {} bytes (limit {}), direct memory {} bytes (limit {})",
                            memory ? "raised" : "cleared", liveHeap(), heapLimit, directUsed(), directLimit);
                }
                if (disk != diskAlarm) {
                    LOG.warn("disk alarm {}: {} bytes free, limit {} bytes", disk ? "raised" : "cleared",
                            diskFree.getAsLong(), diskFreeLimit);
                }
                memoryAlarm = memory;
                diskAlarm = disk;
                for (AmqpConnection c : connections) {
                    c.context().executor().execute(c::alarmsChanged);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("resource check failed", e);
        }
    }

    /**
     * A young collection leaves the old generation's garbage in its figure: before the alarm is raised on
     * the heap, a full collection tells what is live. It is paid for at most once per
     * {@link #CONFIRM_COST_RATIO} times its own duration (at least {@link #MEMORY_INTERVAL_MILLIS}, at most
     * {@link #CONFIRM_AT_LEAST_EVERY_SECONDS}); until the next one is due, the last answer stands.
     */
    private boolean confirmHeap() {
        long now = System.nanoTime();
        if (now - nextConfirmNanos < 0) {
            return directUsed() > directLimit;
        }
        System.gc();
        long took = System.nanoTime() - now;
        liveHeapAfterGc = usedHeap();
        long wait = Math.max(took * CONFIRM_COST_RATIO, TimeUnit.MILLISECONDS.toNanos(MEMORY_INTERVAL_MILLIS));
        nextConfirmNanos = System.nanoTime() + Math.min(wait, TimeUnit.SECONDS.toNanos(CONFIRM_AT_LEAST_EVERY_SECONDS));
        return memoryHigh();
    }

    /** Every collection tells us how much heap it left: the live data, which is what the alarm is about. */
    private void listenForCollections() {
        Set<String> heapPools = new java.util.HashSet<>();
        for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    liveHeapAfterGc = used;
                }, null, null);
            }
        }
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.shutdownNow();
        }
    }
}
