package io.leveret.server.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathDecoderTest {

    @Test
    void eachSegmentIsDecodedOnItsOwn() {
        assertEquals(List.of("api", "queues", "/", "rabbit/hole"), PathDecoder.segments("/api/queues/%2F/rabbit%2Fhole"));
        assertEquals(List.of("api", "queues", "a b", "c+d"), PathDecoder.segments("/api/queues/a%20b/c+d"));
    }

    @Test
    void oneTrailingSlashIsDropped() {
        assertEquals(List.of("api", "vhosts"), PathDecoder.segments("/api/vhosts/"));
        assertEquals(List.of("api", "vhosts", ""), PathDecoder.segments("/api/vhosts//"));
    }

    @Test
    void utf8IsDecodedFromItsOctets() {
        assertEquals(List.of("api", "h\u00e9"), PathDecoder.segments("/api/h%C3%A9"));
    }

    @Test
    void brokenEscapesAndBadUtf8AreRefused() {
        assertNull(PathDecoder.segments("/api/%2"));
        assertNull(PathDecoder.segments("/api/%zz"));
        assertNull(PathDecoder.segments("/api/%C3"));
        assertNull(PathDecoder.segments("api"));
    }
}
