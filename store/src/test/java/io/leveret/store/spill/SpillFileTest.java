package io.leveret.store.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillFileTest {
    private static final int SEGMENT = 8192;

    @TempDir
    Path dir;

    @Test
    void recordsReadBackWhetherStillBufferedOrWritten() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            List<Long> at = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                at.add(f.append(bytes("head" + i + ":"), bytes("body-" + i + "x".repeat(i))));
            }
            // the newest is still in the write buffer, the oldest in earlier segments
            assertEquals("head99:body-99" + "x".repeat(99), text(f.read(at.get(99), 14 + 99)));
            for (int i = 0; i < 100; i++) {
                String expected = "head" + i + ":body-" + i + "x".repeat(i);
                assertEquals(expected, text(f.read(at.get(i), expected.length())), "record " + i);
            }
        }
    }

    @Test
    void aPartsPositionIsLeftAlone() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            ByteBuffer body = bytes("abc");
            long at = f.append(body);
            assertEquals(0, body.position());
            assertEquals("abc", text(f.read(at, 3)));
        }
    }

    @Test
    void aSegmentIsDeletedOnceAllItsRecordsAreReleased() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            List<Long> at = new ArrayList<>();
            for (int i = 0; i < 20; i++) { // 1000 bytes each: eight per segment, three segments
                at.add(f.append(ByteBuffer.allocate(1000)));
            }
            assertEquals(3, f.segmentCount());
            assertEquals(3, files());
            for (int i = 0; i < 7; i++) {
                f.release(at.get(i));
            }
            assertEquals(3, f.segmentCount(), "one record of the first segment is still needed");
            f.release(at.get(7));
            assertEquals(2, f.segmentCount());
            assertEquals(2, files());
            assertThrows(IOException.class, () -> f.read(at.get(0), 1000));
        }
        assertEquals(0, files(), "closing deletes the rest");
    }

    @Test
    void theSegmentBeingWrittenStartsOverWhenEmptied() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            long a = f.append(bytes("first"));
            f.release(a);
            long b = f.append(bytes("second"));
            assertEquals(a, b, "an emptied segment is reused from its start");
            assertEquals("second", text(f.read(b, 6)));
        }
    }

    @Test
    void openingEmptiesWhatAnEarlierRunLeft() throws IOException {
        Files.writeString(dir.resolve("0-0.spill"), "left over");
        SpillDirectory spill = SpillDirectory.open(dir, SEGMENT);
        assertEquals(0, files());
        try (SpillFile a = spill.newFile(); SpillFile b = spill.newFile()) {
            long x = a.append(bytes("in a"));
            long y = b.append(bytes("in b"));
            assertEquals("in a", text(a.read(x, 4)));
            assertEquals("in b", text(b.read(y, 4)));
        }
    }

    @Test
    void aRecordOverTheSegmentSizeIsRefused() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            assertThrows(IllegalArgumentException.class, () -> f.append(ByteBuffer.allocate(SEGMENT + 1)));
            f.close();
            assertThrows(IllegalStateException.class, () -> f.append(bytes("x")));
        }
    }

    @Test
    void aRecordsBytesAreNotOverwrittenByLaterReads() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, SEGMENT).newFile()) {
            long a = f.append(bytes("aaaa"));
            List<Long> later = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                later.add(f.append(ByteBuffer.allocate(1000)));
            }
            ByteBuffer first = f.read(a, 4);
            for (long p : later) {
                f.read(p, 1000);
            }
            assertEquals("aaaa", text(first));
            assertEquals(4, first.remaining());
        }
    }

    @Test
    void aRecordLargerThanTheWriteBufferGoesStraightToTheFile() throws IOException {
        try (SpillFile f = SpillDirectory.open(dir, 1 << 20).newFile()) {
            long a = f.append(bytes("small before"));
            byte[] big = new byte[300 * 1024];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 7);
            }
            long b = f.append(bytes("big:"), ByteBuffer.wrap(big));
            long c = f.append(bytes("small after"));
            assertEquals("small before", text(f.read(a, 12)));
            ByteBuffer back = f.read(b, 4 + big.length);
            assertEquals("big:", text(back.slice(0, 4)));
            assertEquals(ByteBuffer.wrap(big), back.slice(4, big.length));
            assertEquals("small after", text(f.read(c, 11)));
        }
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.UTF_8);
    }
}
