package io.leveret.server.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void stripCrLfRemovesEveryCarriageReturnAndLineFeed() {
        assertEquals("queue_test", Names.stripCrLf("q\ru\ne\r\nue_\ntest\n\r"));
        assertEquals("", Names.stripCrLf("\n\r\n"));
        assertEquals("tab\tstays", Names.stripCrLf("tab\tstays\n"));
    }

    @Test
    void aNameWithoutThemIsReturnedAsItIs() {
        String name = "queue_test";
        assertSame(name, Names.stripCrLf(name));
    }
}
