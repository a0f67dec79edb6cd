package io.leveret.server.protocol;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;

/** RabbitMQ's redeclare checks: a field that differs from the existing object's is 406 PRECONDITION_FAILED. */
final class Equivalence {
    /** The queue arguments RabbitMQ compares on redeclare. */
    static final String[] QUEUE_ARGS = {"x-expires", "x-message-ttl", "x-dead-letter-exchange",
            "x-dead-letter-routing-key", "x-max-length", "x-max-length-bytes", "x-max-in-memory-length",
            "x-max-in-memory-bytes", "x-max-priority", "x-overflow", "x-queue-mode", "x-single-active-consumer",
            "x-queue-type", "x-quorum-initial-group-size", "x-max-age", "x-stream-max-segment-size-bytes",
            "x-initial-cluster-size", "x-queue-leader-locator"};
    /**
     * What RabbitMQ also compares on a quorum queue. (Leveret's classic queues take x-delivery-limit too, and
     * have never compared it; RabbitMQ's refuse both.)
     */
    static final String[] QUORUM_QUEUE_ARGS = {"x-dead-letter-strategy", "x-delivery-limit"};
    /** The exchange arguments RabbitMQ compares on redeclare. */
    static final String[] EXCHANGE_ARGS = {"alternate-exchange"};

    private Equivalence() {
    }

    static void field(Method m, String resource, String field, Object current, Object received) {
        if (!current.equals(received)) {
            fail(m, resource, field, "'" + received + "'", "'" + current + "'");
        }
    }

    static void arguments(Method m, String resource, FieldTable current, FieldTable received, String[] keys) {
        for (String k : keys) {
            FieldValue c = current.field(k);
            FieldValue r = received.field(k);
            if (c == null && r == null) {
                continue;
            }
            if (c != null && r != null && sameClass(c, r) && sameValue(c, r)) {
                continue;
            }
            if (c != null && r != null) {
                fail(m, resource, k, "'" + plain(r) + "'", "'" + plain(c) + "'");
            }
            fail(m, resource, k, describe(r), describe(c));
        }
    }

    private static void fail(Method m, String resource, String field, String received, String current) {
        throw new ChannelException(ReplyCode.PRECONDITION_FAILED, "inequivalent arg '" + field + "' for " + resource
                + ": received " + received + " but current is " + current, m);
    }

    private static boolean sameClass(FieldValue a, FieldValue b) {
        return a.isInteger() && b.isInteger() || a.type() == b.type()
                || "fd".indexOf(a.type()) >= 0 && "fd".indexOf(b.type()) >= 0
                || "Sx".indexOf(a.type()) >= 0 && "Sx".indexOf(b.type()) >= 0;
    }

    private static boolean sameValue(FieldValue a, FieldValue b) {
        if (a.isInteger() && b.isInteger()) {
            return a.longValue() == b.longValue();
        }
        return java.util.Objects.equals(a.value(), b.value());
    }

    /** As RabbitMQ prints a value that the other side lacks: {@code the value '2000' of type 'signedint'}. */
    private static String describe(FieldValue v) {
        return v == null ? "none" : "the value '" + plain(v) + "' of type '" + v.rabbitTypeName() + "'";
    }

    private static String plain(FieldValue v) {
        return String.valueOf(v.value());
    }

}
