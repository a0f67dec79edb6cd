package io.leveret.server.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Makes messages for vhost tests and checks that every one of them was freed. Buffers come from the pooled
 * allocator, which Netty's leak detector tracks (unpooled heap buffers it does not), so a forgotten release
 * fails twice: here, deterministically, and in {@link io.leveret.server.LeakDetection}.
 */
final class TestMessages {
    private final List<Message> made = new ArrayList<>();

    Message message(String exchange, String routingKey, BasicProperties properties, String body) {
        ByteBuf raw = PooledByteBufAllocator.DEFAULT.heapBuffer();
        properties.encode(raw);
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer().writeBytes(body.getBytes(StandardCharsets.UTF_8));
        Message m = new Message(exchange, routingKey, properties, raw, b);
        made.add(m);
        return m;
    }

    Message message(String routingKey, String body) {
        return message("x", routingKey, BasicProperties.EMPTY, body);
    }

    Message withHeaders(FieldTable headers) {
        return message("h", "", BasicProperties.EMPTY.withHeaders(headers), "");
    }

    /** The names of the queues {@code exchange} routes a fresh message with {@code key} to; the message is freed. */
    Set<String> route(Exchange exchange, String key) {
        Message m = message(key, "");
        try {
            return names(exchange, m);
        } finally {
            m.release();
        }
    }

    static Set<String> names(Exchange exchange, Message m) {
        Set<Queue> out = new java.util.LinkedHashSet<>();
        exchange.routeInto(m, out);
        Set<String> names = new java.util.TreeSet<>();
        out.forEach(q -> names.add(q.name()));
        assertEquals(out.size(), names.size(), "a queue was reached twice: " + out);
        return names;
    }

    /**
     * The names of the queues {@code vhost} routes a fresh message with {@code key} to through {@code exchange}
     * (alternate exchanges, CC and BCC included); the message is freed.
     */
    Set<String> routeThroughVhost(VirtualHost vhost, Exchange exchange, String key) {
        Message m = message(key, "");
        try {
            Set<Queue> out = new java.util.LinkedHashSet<>();
            vhost.route(exchange, m, out);
            Set<String> names = new java.util.TreeSet<>();
            out.forEach(q -> names.add(q.name()));
            return names;
        } finally {
            m.release();
        }
    }

    static String body(Message m) {
        return m.body().toString(StandardCharsets.UTF_8);
    }

    void assertAllReleased() {
        for (Message m : made) {
            assertEquals(0, m.refCnt(), () -> "message '" + body(m) + "' (" + m.routingKey() + ") still referenced");
        }
    }
}
