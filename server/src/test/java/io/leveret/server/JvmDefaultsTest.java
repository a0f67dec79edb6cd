package io.leveret.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class JvmDefaultsTest {
    private final HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

    @Test
    void flagsLeftAtTheirDefaultsGetTheBrokersAndFlagsGivenOnTheCommandLineStay() {
        VMOption periodic = hotspot.getVMOption("G1PeriodicGCInterval");
        VMOption maxFree = hotspot.getVMOption("MaxHeapFreeRatio");
        VMOption minFree = hotspot.getVMOption("MinHeapFreeRatio");
        JvmDefaults.apply();
        assertEquals(expected(periodic, JvmDefaults.PERIODIC_GC_MILLIS), hotspot.getVMOption("G1PeriodicGCInterval").getValue());
        assertEquals(expected(maxFree, JvmDefaults.MAX_HEAP_FREE_RATIO), hotspot.getVMOption("MaxHeapFreeRatio").getValue());
        assertEquals(expected(minFree, JvmDefaults.MIN_HEAP_FREE_RATIO), hotspot.getVMOption("MinHeapFreeRatio").getValue());
        JvmDefaults.apply(); // a second time changes nothing and does not fail
        assertEquals(expected(periodic, JvmDefaults.PERIODIC_GC_MILLIS), hotspot.getVMOption("G1PeriodicGCInterval").getValue());
    }

    private static String expected(VMOption before, String ours) {
        return before.getOrigin() == VMOption.Origin.DEFAULT ? ours : before.getValue();
    }
}
