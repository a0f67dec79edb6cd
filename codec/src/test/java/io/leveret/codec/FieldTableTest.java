package io.leveret.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Field tables (spec 4.2.5.5 plus RabbitMQ's extra types): every tag round-trips, nesting is bounded. */
class FieldTableTest {

    @Test
    void everyTypeRoundTripsWithItsTag() {
        FieldTable table = FieldTables.everyType();
        FieldTable back = roundTrip(table);
        assertEquals(table, back);
        assertEquals(List.copyOf(table.names()), List.copyOf(back.names()), "wire order is kept");
        for (String name : table.names()) {
            assertEquals(name.charAt(0), back.field(name).type(), "tag of " + name);
        }
        assertEquals("tbBsuIiLlfdDSxATFV", String.join("", back.names()));
    }

    @Test
    void reEncodingGivesTheSameBytes() {
        byte[] first = write(FieldTables.everyType());
        assertArrayEquals(first, write(read(first, 32)));
    }

    @Test
    void nestedTablesAndArraysRoundTrip() {
        FieldTable inner = FieldTable.of(Map.of("leaf", List.of(FieldTable.of(Map.of("x", List.of(List.of(1, 2))))) ));
        FieldTable table = FieldTable.builder().put("outer", inner).put("empty", FieldTable.EMPTY)
                .put("emptyArray", List.of()).build();
        assertEquals(table, roundTrip(table));
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndOneDeeperIsA502() {
        byte[] deepest = write(nested(5));
        assertEquals(nested(5), read(deepest, 5));
        CodecException e = assertThrows(CodecException.class, () -> read(deepest, 4));
        assertEquals(ReplyCode.SYNTAX_ERROR, e.replyCode());
        assertEquals("field table nested deeper than 4", e.getMessage());
    }

    @Test
    void arraysCountTowardsTheDepth() {
        Object value = 1;
        for (int i = 0; i < 4; i++) {
            value = List.of(value);
        }
        byte[] bytes = write(FieldTable.of(Map.of("a", value)));
        assertEquals(FieldTable.of(Map.of("a", value)), read(bytes, 5));
        CodecException e = assertThrows(CodecException.class, () -> read(bytes, 4));
        assertEquals("field array nested deeper than 4", e.getMessage());
    }

    @Test
    void plainJavaValuesAreTaggedAsTheJavaClientTagsThem() {
        FieldTable t = FieldTable.of(orderedMap("S", "s", "I", 1, "l", 2L, "s", (short) 3, "b", (byte) 4, "t", true,
                "f", 1f, "d", 2d, "D", BigDecimal.ONE, "T", Instant.EPOCH, "x", new byte[] {1}, "F", FieldTable.EMPTY,
                "A", List.of(), "V", null));
        for (String name : t.names()) {
            assertEquals(name.charAt(0), t.field(name).type(), name);
        }
    }

    @Test
    void truncatedValuesAreA502() {
        byte[] bytes = write(FieldTables.everyType());
        for (int cut = 5; cut < bytes.length; cut += 7) {
            byte[] truncated = bytes.clone();
            // Keep the declared length, lose the tail: every read must notice rather than run past the table.
            ByteBuf b = Unpooled.wrappedBuffer(truncated, 0, cut);
            CodecException e = assertThrows(CodecException.class, () -> Wire.readTable(b, 32));
            assertEquals(ReplyCode.SYNTAX_ERROR, e.replyCode());
        }
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static FieldTable nested(int depth) {
        FieldTable t = FieldTable.of(Map.of("leaf", "v"));
        for (int i = 1; i < depth; i++) {
            t = FieldTable.of(Map.of("n", t));
        }
        return t;
    }

    static FieldTable roundTrip(FieldTable table) {
        return read(write(table), CodecLimits.DEFAULT_MAX_TABLE_DEPTH);
    }

    static byte[] write(FieldTable table) {
        ByteBuf b = Unpooled.buffer();
        try {
            Wire.writeTable(b, table);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    static FieldTable read(byte[] bytes, int maxDepth) {
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        try {
            FieldTable t = Wire.readTable(b, maxDepth);
            assertEquals(0, b.readableBytes(), "the whole table is read");
            return t;
        } finally {
            b.release();
        }
    }

}
