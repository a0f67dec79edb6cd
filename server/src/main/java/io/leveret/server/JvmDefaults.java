package io.leveret.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JVM settings the broker picks for itself, since it runs as {@code java -jar leveret.jar} with no flags.
 * Only the JVM's "manageable" flags can change at run time, and only those left at their defaults are
 * touched: a flag given on the command line wins.
 *
 * <p>A burst of publishing grows G1's heap with garbage (young regions), and G1 gives memory back only
 * after a concurrent cycle, which a broker whose live data is small (bodies are off the heap, or paged
 * out) rarely needs. So: a periodic concurrent cycle once nothing was collected for 5 s
 * (G1PeriodicGCInterval, JEP 346), after which G1 shrinks the heap down to at most 30% free
 * (MaxHeapFreeRatio) instead of 70%. Not every second: a steady trickle (S6's 1000 msg/s) collects less
 * often than that, and a cycle's pauses every second doubled its p99 latency (2.6 ms against 1.2 ms).
 */
final class JvmDefaults {
    private static final Logger LOG = LoggerFactory.getLogger(JvmDefaults.class);
    static final String PERIODIC_GC_MILLIS = "5000";
    static final String MAX_HEAP_FREE_RATIO = "30";
    static final String MIN_HEAP_FREE_RATIO = "10";

    private JvmDefaults() {
    }

    static void apply() {
        HotSpotDiagnosticMXBean hotspot;
        try {
            hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("no HotSpot diagnostics: JVM defaults left alone ({})", e.toString());
            return;
        }
        if (hotspot == null) {
            return;
        }
        // Min before max: the JVM refuses a max below the current min.
        setIfDefault(hotspot, "MinHeapFreeRatio", MIN_HEAP_FREE_RATIO);
        setIfDefault(hotspot, "MaxHeapFreeRatio", MAX_HEAP_FREE_RATIO);
        setIfDefault(hotspot, "G1PeriodicGCInterval", PERIODIC_GC_MILLIS);
    }

    private static void setIfDefault(HotSpotDiagnosticMXBean hotspot, String flag, String value) {
        try {
            VMOption option = hotspot.getVMOption(flag);
            if (option.getOrigin() == VMOption.Origin.DEFAULT && option.isWriteable()) {
                hotspot.setVMOption(flag, value);
            }
        } catch (IllegalArgumentException e) {
            // not a flag of this JVM (another collector or version): nothing to tune
            LOG.debug("JVM flag {} not set: {}", flag, e.getMessage());
        }
    }
}
