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
 *
 * <p>As rabbitmqctl's {@code set_vm_memory_high_watermark} and {@code set_disk_free_limit}, the watermark and the
 * disk limit can be changed at runtime; and as {@code rabbit_alarm:set_alarm/1}, an alarm can be raised by hand
 * (tests use it to block publishers): a manual alarm holds until it is cleared, whatever is measured, and a
 * cleared manual alarm leaves the measured one in force. Every change is checked at once, not at the next tick.
 */
public final class ResourceAlarms implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceAlarms.class);
    private static final long MEMORY_INTERVAL_MILLIS = 50;
    private static final int DISK_EVERY_N_CHECKS = 20;
    /** A confirming full collection may take at most 1/this of the monitor's time. */
    private static final long CONFIRM_COST_RATIO = 20;
    /** ... but a large heap's slow collection must not leave its alarm unconfirmed for longer than this. */
    private static final long CONFIRM_AT_LEAST_EVERY_SECONDS = 10;

    /** The two resources RabbitMQ raises alarms for. */
    public enum Resource {
        MEMORY, DISK
    }

    /** The limits, replaced whole so the monitor never sees a watermark with another's pool limits. */
    private record MemoryLimits(long total, long heap, long direct) {
        static MemoryLimits of(long total) {
            double share = watermarkShare(total);
            return new MemoryLimits(total, (long) (share * Runtime.getRuntime().maxMemory()),
                    (long) (share * PlatformDependent.maxDirectMemory()));
        }
    }

    private volatile MemoryLimits memoryLimits;
    private final LongSupplier diskFree;
    private volatile long diskFreeLimit;
    private volatile boolean manualMemoryAlarm;
    private volatile boolean manualDiskAlarm;
    /** What was measured at the last check, before manual alarms are added. */
    private boolean measuredMemoryAlarm;
    private boolean measuredDiskAlarm;
    /** A limit changed: measure the disk at the next check instead of waiting for its turn. */
    private volatile boolean diskDue;
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService monitor;
    private volatile long liveHeapAfterGc = -1;
    private volatile boolean memoryAlarm;
    private volatile boolean diskAlarm;
    private int checks;
    /** When the next full collection to confirm a high heap may run (System.nanoTime()). */
    private volatile long nextConfirmNanos = System.nanoTime();

    private ResourceAlarms(long memoryLimit, LongSupplier diskFree, long diskFreeLimit, boolean monitored) {
        this.memoryLimits = MemoryLimits.of(memoryLimit);
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

    /** Not monitored, with the free disk space {@code diskFree} tells (unit tests of runtime changes). */
    static ResourceAlarms unmonitored(LongSupplier diskFree, long diskFreeLimit) {
        return new ResourceAlarms(Long.MAX_VALUE, diskFree, diskFreeLimit, false);
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
                + " bytes; disk free limit {} bytes", memoryLimit, memoryBudget(), alarms.memoryLimits.heap(), alarms.memoryLimits.direct(),
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

    /** The machine's memory, which {@code disk_free_limit.relative} is a multiple of (the heap if unknown). */
    public static long machineMemory() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize()
                : Runtime.getRuntime().maxMemory();
    }

    /** True when either pool is past its share of the high watermark. */
    private boolean memoryHigh(MemoryLimits limits) {
        return limits.total() != Long.MAX_VALUE && (liveHeap() > limits.heap() || directUsed() > limits.direct());
    }

    /**
     * rabbitmqctl set_vm_memory_high_watermark: a new watermark in bytes, checked at once. (Queues' paging
     * budget stays what it was at boot.)
     *
     * @throws IllegalArgumentException for a negative limit
     */
    public void setMemoryLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("memory limit must not be negative: " + bytes);
        }
        memoryLimits = MemoryLimits.of(bytes);
        // a new watermark is confirmed by a collection now, not when the last one's cool-down ends
        nextConfirmNanos = System.nanoTime();
        LOG.info("memory high watermark set to {} bytes", bytes);
        recheck();
    }

    /** The watermark as a fraction of the JVM's memory budget, as {@code vm_memory_high_watermark.relative}. */
    public void setMemoryWatermark(double fraction) {
        if (!(fraction >= 0) || Double.isInfinite(fraction)) {
            throw new IllegalArgumentException("memory watermark must be a non-negative fraction: " + fraction);
        }
        setMemoryLimit((long) Math.min(Long.MAX_VALUE - 1, fraction * memoryBudget()));
    }

    /**
     * rabbitmqctl set_disk_free_limit: the free disk space below which the disk alarm is raised, checked at once.
     *
     * @throws IllegalArgumentException for a negative limit
     */
    public void setDiskFreeLimit(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk free limit must not be negative: " + bytes);
        }
        diskFreeLimit = bytes;
        diskDue = true;
        LOG.info("disk free limit set to {} bytes", bytes);
        recheck();
    }

    /**
     * rabbitmq's {@code rabbit_alarm:set_alarm}/{@code clear_alarm} for a resource: a manual alarm, ORed with
     * the measured one; connections are told at once when the effective alarm changes.
     */
    public void setManualAlarm(Resource resource, boolean raised) {
        if (resource == Resource.MEMORY) {
            manualMemoryAlarm = raised;
        } else {
            manualDiskAlarm = raised;
        }
        LOG.info("manual {} alarm {}", resource.name().toLowerCase(java.util.Locale.ROOT), raised ? "set" : "cleared");
        recheck();
    }

    /** Whether a manual alarm is set for {@code resource}. */
    public boolean manualAlarm(Resource resource) {
        return resource == Resource.MEMORY ? manualMemoryAlarm : manualDiskAlarm;
    }

    /**
     * Checks now and returns once the alarms reflect the change (on the monitor's thread when monitored, so
     * checks never run two at a time), so the caller's next publish already sees the new state.
     */
    private void recheck() {
        if (monitor == null) {
            check();
            return;
        }
        try {
            monitor.submit(this::check).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.warn("resource check after a change did not complete: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        return memoryLimits.total();
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

    private synchronized void check() {
        try {
            MemoryLimits limits = memoryLimits;
            if (liveHeapAfterGc < 0 && usedHeap() > limits.heap()) {
                // No collection has told us the live heap yet, and what is used includes garbage (at boot,
                // mostly): find out before raising the alarm on it.
                System.gc();
                liveHeapAfterGc = usedHeap();
            }
            boolean measuredMemory = memoryHigh(limits);
            if (measuredMemory && !measuredMemoryAlarm && liveHeap() > limits.heap()) {
                measuredMemory = confirmHeap(limits);
            }
            boolean due = checks++ % DISK_EVERY_N_CHECKS == 0 || diskDue;
            diskDue = false;
            boolean measuredDisk = due ? diskFree.getAsLong() < diskFreeLimit : measuredDiskAlarm;
            if (measuredMemory && measuredMemoryAlarm && due) {
                // Blocked publishers allocate little, so the collector may not run and our measure of the
                // live heap would stay stale: collect now and then while the alarm holds (as RabbitMQ does).
                System.gc();
            }
            if (measuredMemory != measuredMemoryAlarm) {
                LOG.warn("memory alarm {}: live heap {} bytes (limit {}), direct memory {} bytes (limit {})",
                        measuredMemory ? "raised" : "cleared", liveHeap(), limits.heap(), directUsed(), limits.direct());
            }
            if (measuredDisk != measuredDiskAlarm) {
                LOG.warn("disk alarm {}: {} bytes free, limit {} bytes", measuredDisk ? "raised" : "cleared",
                        diskFree.getAsLong(), diskFreeLimit);
            }
            measuredMemoryAlarm = measuredMemory;
            measuredDiskAlarm = measuredDisk;
            boolean memory = measuredMemory || manualMemoryAlarm;
            boolean disk = measuredDisk || manualDiskAlarm;
            if (memory != memoryAlarm || disk != diskAlarm) {
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
    private boolean confirmHeap(MemoryLimits limits) {
        long now = System.nanoTime();
        if (now - nextConfirmNanos < 0) {
            return directUsed() > limits.direct();
        }
        System.gc();
        long took = System.nanoTime() - now;
        liveHeapAfterGc = usedHeap();
        long wait = Math.max(took * CONFIRM_COST_RATIO, TimeUnit.MILLISECONDS.toNanos(MEMORY_INTERVAL_MILLIS));
        nextConfirmNanos = System.nanoTime() + Math.min(wait, TimeUnit.SECONDS.toNanos(CONFIRM_AT_LEAST_EVERY_SECONDS));
        return memoryHigh(limits);
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
