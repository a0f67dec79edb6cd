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
 * RabbitMQ's memory and disk alarms. Memory: the live heap (as the last garbage collection left it, so
 * that garbage waiting for the collector does not raise the alarm) plus Netty's direct memory, against
 * {@code vm_memory_high_watermark} of the JVM's budget (maximum heap plus maximum direct memory). Disk:
 * the free space of data_dir's file store against {@code disk_free_limit}. A monitor thread checks both
 * often; when either alarm changes, every open connection is told on its own loop, and blocks or unblocks
 * its publishers ({@link AmqpConnection#alarmsChanged()}).
 */
public final class ResourceAlarms implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);
    private static final long MEMORY_INTERVAL_MILLIS = 50;
    private static final int DISK_EVERY_N_CHECKS = 20;

    private final long memoryLimit;
    private final LongSupplier diskFree;
    private final long diskFreeLimit;
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService monitor;
    private volatile long liveHeapAfterGc = -1;
    private volatile boolean memoryAlarm;
    private volatile boolean diskAlarm;
    private int checks;

    private ResourceAlarms(long memoryLimit, LongSupplier diskFree, long diskFreeLimit, boolean monitored) {
        this.memoryLimit = memoryLimit;
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
        LOG.info("memory high watermark {} bytes of a JVM budget of {} bytes; disk free limit {} bytes",
                memoryLimit, memoryBudget(), diskFreeLimit);
        return new ResourceAlarms(memoryLimit, free, diskFreeLimit, true);
    }

    /** The JVM's memory: its maximum heap plus Netty's maximum direct memory. */
    public static long memoryBudget() {
        return Runtime.getRuntime().maxMemory() + PlatformDependent.maxDirectMemory();
    }

    /** Memory in use now: the live heap (after the last collection) plus direct memory. */
    public long memoryUsed() {
        long heap = liveHeapAfterGc;
        if (heap < 0) {
            heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }
        long direct = PlatformDependent.usedDirectMemory();
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            direct = Math.max(direct, p.metric().usedDirectMemory() + p.metric().usedHeapMemory());
        }
        return heap + Math.max(0, direct);
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
            boolean memory = memoryUsed() > memoryLimit;
            boolean due = checks++ % DISK_EVERY_N_CHECKS == 0;
            boolean disk = due ? diskFree.getAsLong() < diskFreeLimit : diskAlarm;
            if (memory && memoryAlarm && due) {
                // Blocked publishers allocate little, so the collector may not run and our measure of the
                // live heap would stay stale: collect now and then while the alarm holds (as RabbitMQ does).
                System.gc();
            }
            if (memory != memoryAlarm || disk != diskAlarm) {
                if (memory != memoryAlarm) {
                    LOG.warn("memory alarm {}: {} bytes used, high watermark {} bytes", memory ? "raised" : "cleared",
                            memoryUsed(), memoryLimit);
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
