package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Runtime changes to the alarms, as rabbitmqctl set_vm_memory_high_watermark, set_disk_free_limit and
 * rabbit_alarm:set_alarm/clear_alarm make them: each takes effect before the call returns, and a manual alarm
 * ORs with what is measured.
 */
class ResourceAlarmsTest {
    private final AtomicLong free = new AtomicLong(1_000_000);
    private final ResourceAlarms alarms = ResourceAlarms.unmonitored(free::get, 100);

    @Test
    void manualAlarmsAreRaisedAndClearedAtOnceWithRabbitMqsReasons() {
        assertNull(alarms.reason());
        alarms.setManualAlarm(ResourceAlarms.Resource.MEMORY, true);
        assertTrue(alarms.memoryAlarm());
        assertTrue(alarms.manualAlarm(ResourceAlarms.Resource.MEMORY));
        assertEquals("low on memory", alarms.reason());
        alarms.setManualAlarm(ResourceAlarms.Resource.DISK, true);
        assertEquals("low on memory & low on disk", alarms.reason());
        alarms.setManualAlarm(ResourceAlarms.Resource.MEMORY, false);
        assertEquals("low on disk", alarms.reason());
        alarms.setManualAlarm(ResourceAlarms.Resource.DISK, false);
        assertNull(alarms.reason());
        assertFalse(alarms.diskAlarm());
    }

    @Test
    void aWatermarkBelowWhatIsUsedRaisesTheMemoryAlarmAndRaisingItAgainClearsIt() {
        alarms.setMemoryWatermark(0.000000001);
        assertTrue(alarms.memoryAlarm(), "the heap in use is far above a watermark of a few bytes");
        assertEquals("low on memory", alarms.reason());
        alarms.setMemoryWatermark(1.0);
        assertFalse(alarms.memoryAlarm());
        assertEquals(ResourceAlarms.memoryBudget(), alarms.memoryLimit());
    }

    @Test
    void anAbsoluteWatermarkIsKeptInBytes() {
        alarms.setMemoryLimit(1);
        assertTrue(alarms.memoryAlarm());
        assertEquals(1, alarms.memoryLimit());
        alarms.setMemoryLimit(ResourceAlarms.memoryBudget());
        assertFalse(alarms.memoryAlarm());
    }

    @Test
    void aManualAlarmHoldsWhileTheMeasuredOneComesAndGoes() {
        alarms.setManualAlarm(ResourceAlarms.Resource.MEMORY, true);
        alarms.setMemoryLimit(1);
        alarms.setMemoryLimit(ResourceAlarms.memoryBudget());
        assertTrue(alarms.memoryAlarm(), "cleared only by clear_alarm");
        alarms.setMemoryLimit(1);
        alarms.setManualAlarm(ResourceAlarms.Resource.MEMORY, false);
        assertTrue(alarms.memoryAlarm(), "still measured above the watermark");
        alarms.setMemoryLimit(ResourceAlarms.memoryBudget());
        assertFalse(alarms.memoryAlarm());
    }

    @Test
    void theDiskLimitIsCheckedAtOnceWhenChanged() {
        alarms.setDiskFreeLimit(2_000_000);
        assertTrue(alarms.diskAlarm());
        assertEquals(2_000_000, alarms.diskFreeLimit());
        assertEquals("low on disk", alarms.reason());
        alarms.setDiskFreeLimit(500_000);
        assertFalse(alarms.diskAlarm());
    }

    @Test
    void negativeLimitsAreRefusedAndChangeNothing() {
        assertThrows(IllegalArgumentException.class, () -> alarms.setMemoryLimit(-1));
        assertThrows(IllegalArgumentException.class, () -> alarms.setMemoryWatermark(-0.1));
        assertThrows(IllegalArgumentException.class, () -> alarms.setMemoryWatermark(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> alarms.setDiskFreeLimit(-5));
        assertEquals(Long.MAX_VALUE, alarms.memoryLimit());
        assertEquals(100, alarms.diskFreeLimit());
        assertNull(alarms.reason());
    }
}
