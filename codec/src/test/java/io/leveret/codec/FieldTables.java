package io.leveret.codec;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** Sample field tables shared by the tests. */
final class FieldTables {
    private FieldTables() {
    }

    /** One entry per field type of RabbitMQ's table grammar (t b B s u I i L l f d D S x A T F V). */
    static FieldTable everyType() {
        return FieldTable.builder()
                .put("t", new FieldValue('t', true))
                .put("b", new FieldValue('b', (byte) -5))
                .put("B", new FieldValue('B', 250))
                .put("s", new FieldValue('s', (short) -30000))
                .put("u", new FieldValue('u', 65000))
                .put("I", new FieldValue('I', -2_000_000_000))
                .put("i", new FieldValue('i', 4_000_000_000L))
                .put("L", new FieldValue('L', -1L))
                .put("l", new FieldValue('l', Long.MAX_VALUE))
                .put("f", new FieldValue('f', 1.5f))
                .put("d", new FieldValue('d', -2.25d))
                .put("D", new FieldValue('D', new BigDecimal("-123.4567")))
                .put("S", new FieldValue('S', LongString.of("long string ✓")))
                .put("x", new FieldValue('x', LongString.of(new byte[] {0, 1, (byte) 0xFF})))
                .put("A", FieldValue.of(List.of(1, "two", List.of(3L), FieldTable.of(java.util.Map.of("in", true)))))
                .put("T", new FieldValue('T', Instant.ofEpochSecond(1_700_000_000L)))
                .put("F", new FieldValue('F', FieldTable.builder().put("nested", FieldTable.of(java.util.Map.of("deep", 1))).build()))
                .put("V", new FieldValue('V', null))
                .build();
    }
}
