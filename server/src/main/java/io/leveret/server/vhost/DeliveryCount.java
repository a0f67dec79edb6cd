package io.leveret.server.vhost;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.netty.buffer.Unpooled;
import java.util.TreeMap;

/**
 * The {@code x-delivery-count} header of a queue with {@code x-delivery-limit}, as RabbitMQ 3.10's quorum
 * queues write it: on every delivery (0 on the first), a long ({@code l}), in a header table sorted by key
 * (rabbit_basic:add_header through rabbit_misc:set_table_value). Only the delivered copy carries it: the
 * queue's message, and whatever is dead-lettered from it, stays as published.
 */
final class DeliveryCount {
    static final String HEADER = "x-delivery-count";

    private DeliveryCount() {
    }

    /** A copy of {@code m} (which keeps its reference) carrying {@code count}; the caller owns the copy. */
    static Message stamp(Message m, int count) {
        BasicProperties props = m.properties();
        TreeMap<String, FieldValue> headers = new TreeMap<>(props.headers() == null ? java.util.Map.of()
                : props.headers().entries());
        headers.put(HEADER, new FieldValue('l', (long) count));
        FieldTable.Builder b = FieldTable.builder();
        headers.forEach(b::put);
        BasicProperties stamped = props.withHeaders(b.build());
        return m.withProperties(stamped, Unpooled.buffer());
    }
}
