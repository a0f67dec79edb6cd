package io.leveret.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void residentMemoryFromStatus() {
        assertEquals(OptionalLong.of(124088), ProcStats.rssKbOf(List.of("Name:\tbeam.smp", "VmPeak:\t 2231000 kB",
                "VmRSS:\t  124088 kB", "RssAnon:\t  100000 kB")));
        assertTrue(ProcStats.rssKbOf(List.of("Name:\tkthreadd")).isEmpty());
    }

    @Test
    void cpuTimesFromStatEvenWithParenthesesAndSpacesInTheCommandName() {
        String stat = "2725 (beam (smp) x) S 2685 2725 2725 0 -1 4194560 100 0 0 0 28000 1234 7 9 20 0 30 0 500 0";

        ProcStats.Stat s = ProcStats.statFields(stat);

        assertEquals(new ProcStats.Stat(28000, 1234, 7, 9), s);
        assertEquals(29234, s.ownTicks());
        assertEquals(16, s.childrenTicks());
    }

    @Test
    void hostBusyLeavesOutIdleAndIowait() {
        long[] t = ProcStats.hostTicksOf(List.of("cpu  10 1 5 1000 50 2 3 4 0 0", "cpu0 5 0 2 500 25 1 1 2 0 0"));

        assertArrayEquals(new long[] {10 + 1 + 5 + 2 + 3 + 4, 1075}, t);
    }

    @Test
    void thisProcessIsReadable() {
        // on Linux the harness can see itself; elsewhere the readers answer empty instead of failing
        long pid = ProcessHandle.current().pid();
        if (Files.exists(Path.of("/proc/self/status"))) {
            assertTrue(ProcStats.rssKb(pid).getAsLong() > 0);
            assertTrue(ProcStats.cpuTicks(pid).isPresent());
        } else {
            assertTrue(ProcStats.rssKb(pid).isEmpty());
        }
    }
}
