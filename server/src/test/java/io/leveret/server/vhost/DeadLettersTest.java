package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.LongString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compaction of x-death arrays from brokers before RabbitMQ 3.5 (group_by_queue_and_reason). */
class DeadLettersTest {
    private static FieldValue death(String queue, String reason, Long count, String id) {
        FieldTable.Builder b = FieldTable.builder()
                .put("queue", new FieldValue('S', LongString.of(queue)))
                .put("reason", new FieldValue('S', LongString.of(reason)))
                .put("id", new FieldValue('S', LongString.of(id)));
        if (count != null) {
            b.put("count", new FieldValue('l', count));
        }
        return new FieldValue('F', b.build());
    }

    private static String describe(FieldValue d) {
        FieldTable t = d.tableValue();
        FieldValue count = t.field("count");
        return t.field("queue").stringValue() + "/" + t.field("reason").stringValue() + "/"
                + (count == null ? null : count.type() + ":" + count.longValue()) + "/" + t.field("id").stringValue();
    }

    @Test
    void oneEntryPerQueueAndReasonInReverseOrderOfFirstAppearance() {
        List<FieldValue> grouped = DeadLetters.groupByQueueAndReason(List.of(
                death("a", "expired", null, "a1"), death("b", "expired", 3L, "b1"), death("a", "expired", null, "a2"),
                death("b", "expired", 5L, "b2"), death("a", "rejected", null, "r1"), death("a", "expired", 9L, "a3")));
        assertEquals(List.of("a/rejected/l:1/r1", "b/expired/l:3/b1", "a/expired/l:3/a1"),
                grouped.stream().map(DeadLettersTest::describe).toList());
    }

    @Test
    void aSingleEntryIsLeftAlone() {
        List<FieldValue> one = List.of(death("a", "expired", null, "a1"));
        assertSame(one, DeadLetters.groupByQueueAndReason(one));
    }

    @Test
    void entriesThatAreNotTablesStay() {
        FieldValue odd = new FieldValue('S', LongString.of("odd"));
        List<FieldValue> grouped = DeadLetters.groupByQueueAndReason(List.of(odd, death("a", "expired", 2L, "a1")));
        assertEquals(2, grouped.size());
        assertSame(odd, grouped.get(1));
    }
}
