package io.leveret.server.vhost;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.LongString;
import io.leveret.server.stats.GlobalCounts;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Dead-lettering as RabbitMQ 3.10's rabbit_dead_letter does it: the message gets an {@code x-death} entry
 * (count, reason, queue, time, exchange, routing-keys, original-expiration) and, on its first death, the
 * {@code x-first-death-*} headers; it loses its expiration and is published to the dead-letter exchange
 * with the dead-letter routing key (dropping CC) or its own routing keys. A message that would come back
 * to a queue it died in, without a rejection on the way, is dropped for that queue (a cycle).
 */
final class DeadLetters {
    /** Dead-letter reasons as they appear in x-death. */
    static final String EXPIRED = "expired";
    static final String REJECTED = "rejected";
    static final String MAXLEN = "maxlen";
    static final String DELIVERY_LIMIT = "delivery_limit";

    private DeadLetters() {
    }

    /** A reason as the statistics count it. */
    static GlobalCounts.Reason counted(String reason) {
        return switch (reason) {
            case EXPIRED -> GlobalCounts.Reason.EXPIRED;
            case REJECTED -> GlobalCounts.Reason.REJECTED;
            case MAXLEN -> GlobalCounts.Reason.MAXLEN;
            case DELIVERY_LIMIT -> GlobalCounts.Reason.DELIVERY_LIMIT;
            default -> throw new IllegalArgumentException("not a dead-letter reason: " + reason);
        };
    }

    /** The message {@code m} (not released) becomes when it dies in {@code queue}. */
    static Message make(Message m, String reason, String queue, String dlx, String dlrk) {
        BasicProperties props = m.properties();
        FieldTable headers = props.headers() == null ? FieldTable.EMPTY : props.headers();
        List<FieldValue> keys = new ArrayList<>();
        keys.add(longstr(m.routingKey()));
        keys.addAll(routes(headers, "CC"));
        keys.addAll(routes(headers, "BCC"));
        Map<String, FieldValue> info = new java.util.LinkedHashMap<>();
        info.put("reason", longstr(reason));
        info.put("queue", longstr(queue));
        info.put("time", new FieldValue('T', Instant.ofEpochSecond(System.currentTimeMillis() / 1000)));
        info.put("exchange", longstr(m.exchange()));
        info.put("routing-keys", new FieldValue('A', List.copyOf(keys)));
        if (props.expiration() != null) {
            info.put("original-expiration", longstr(props.expiration()));
        }
        // rabbit_misc:set_table_value sorts the table it changes: headers come out in key order.
        TreeMap<String, FieldValue> out = new TreeMap<>(headers.entries());
        FieldValue deaths = headers.field("x-death");
        if (deaths == null || deaths.type() != 'A') {
            if (deaths == null) {
                out.put("x-first-death-reason", longstr(reason));
                out.put("x-first-death-queue", longstr(queue));
                out.put("x-first-death-exchange", longstr(m.exchange()));
            }
            Map<String, FieldValue> first = new java.util.LinkedHashMap<>();
            first.put("count", new FieldValue('l', 1L));
            first.putAll(info);
            List<FieldValue> list = new ArrayList<>();
            list.add(table(first));
            out.put("x-death", new FieldValue('A', list));
        } else {
            List<FieldValue> others = new ArrayList<>();
            FieldTable match = null;
            for (FieldValue d : groupByQueueAndReason(deaths.arrayValue())) {
                FieldTable t = d.tableValue();
                if (match == null && t != null && queue.equals(string(t, "queue")) && reason.equals(string(t, "reason"))) {
                    match = t;
                } else {
                    others.add(d);
                }
            }
            TreeMap<String, FieldValue> updated;
            if (match == null) {
                updated = new TreeMap<>(info);
                updated.put("count", new FieldValue('l', 1L));
            } else {
                updated = new TreeMap<>(match.entries());
                FieldValue c = match.field("count");
                long n = c != null && c.isInteger() ? c.longValue() + 1 : 1;
                updated.put("count", new FieldValue('l', n));
            }
            List<FieldValue> list = new ArrayList<>();
            list.add(table(updated));
            list.addAll(others);
            out.put("x-death", new FieldValue('A', list));
        }
        if (dlrk != null) {
            out.remove("CC");
        }
        BasicProperties newProps = new BasicProperties(props.contentType(), props.contentEncoding(), table(out).tableValue(),
                props.deliveryMode(), props.priority(), props.correlationId(), props.replyTo(), null, props.messageId(),
                props.timestamp(), props.type(), props.userId(), props.appId(), props.clusterId());
        return m.republished(dlx, dlrk != null ? dlrk : m.routingKey(), newProps, Unpooled.buffer());
    }

    /**
     * RabbitMQ 3.10's group_by_queue_and_reason, for x-death arrays that older brokers grew by one entry per
     * death: one entry per queue and reason, the first of them as it is, with its own count or, if it has
     * none, the number of entries it stands for (counts are not added up). RabbitMQ's fold leaves the entries
     * in reverse order of first appearance, and so do we. A single entry is left alone.
     */
    static List<FieldValue> groupByQueueAndReason(List<FieldValue> deaths) {
        if (deaths.size() < 2) {
            return deaths;
        }
        Map<List<String>, Integer> entries = new java.util.HashMap<>();
        for (FieldValue d : deaths) {
            FieldTable t = d.tableValue();
            if (t != null) {
                entries.merge(queueAndReason(t), 1, Integer::sum);
            }
        }
        java.util.Set<List<String>> seen = new java.util.HashSet<>();
        List<FieldValue> grouped = new ArrayList<>();
        for (FieldValue d : deaths) {
            FieldTable t = d.tableValue();
            if (t == null) {
                grouped.add(d);
            } else if (seen.add(queueAndReason(t))) {
                if (t.field("count") != null) {
                    grouped.add(d);
                } else {
                    Map<String, FieldValue> counted = new java.util.LinkedHashMap<>();
                    counted.put("count", new FieldValue('l', (long) entries.get(queueAndReason(t))));
                    counted.putAll(t.entries());
                    grouped.add(table(counted));
                }
            }
        }
        java.util.Collections.reverse(grouped);
        return grouped;
    }

    private static List<String> queueAndReason(FieldTable death) {
        return java.util.Arrays.asList(string(death, "queue"), string(death, "reason"));
    }

    /**
     * RabbitMQ's is_cycle: the message's x-death names {@code queue}, and no death up to and including that one
     * was a rejection. Never a cycle for a rejected message.
     */
    static boolean isCycle(Message dead, String reason, String queue) {
        if (REJECTED.equals(reason) || dead.properties().headers() == null) {
            return false;
        }
        FieldValue deaths = dead.properties().headers().field("x-death");
        if (deaths == null || deaths.type() != 'A') {
            return false;
        }
        for (FieldValue d : deaths.arrayValue()) {
            FieldTable t = d.tableValue();
            if (t == null || REJECTED.equals(string(t, "reason"))) {
                return false;
            }
            if (queue.equals(string(t, "queue"))) {
                return true;
            }
        }
        return false;
    }

    /** The CC or BCC routing keys of a message (RabbitMQ's header_routes: an array of longstr). */
    static List<FieldValue> routes(FieldTable headers, String name) {
        FieldValue v = headers == null ? null : headers.field(name);
        if (v == null || v.type() != 'A') {
            return List.of();
        }
        List<FieldValue> out = new ArrayList<>();
        for (FieldValue k : v.arrayValue()) {
            if (k.type() == 'S') {
                out.add(k);
            }
        }
        return out;
    }

    private static FieldValue longstr(String s) {
        return new FieldValue('S', LongString.of(s));
    }

    private static FieldValue table(Map<String, FieldValue> entries) {
        FieldTable.Builder b = FieldTable.builder();
        entries.forEach(b::put);
        return new FieldValue('F', b.build());
    }

    private static String string(FieldTable t, String key) {
        FieldValue v = t.field(key);
        return v == null ? null : v.stringValue();
    }
}
