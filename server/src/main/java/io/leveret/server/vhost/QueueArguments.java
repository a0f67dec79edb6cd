package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;

/**
 * The queue arguments a queue acts on, parsed once when it is created, and their validation as RabbitMQ's
 * rabbit_amqqueue:check_declare_arguments does it (same order, same reasons, as Erlang prints them).
 * A limit or TTL that is not set is -1.
 *
 * @param messageTtl        x-message-ttl, milliseconds
 * @param expires           x-expires, milliseconds
 * @param deadLetterExchange x-dead-letter-exchange, or null
 * @param deadLetterRoutingKey x-dead-letter-routing-key, or null (the message's own keys)
 * @param maxPriority       x-max-priority; 0 when the queue is not a priority queue
 * @param deliveryLimit     x-delivery-limit: how often a message may come back unacknowledged before it is
 *                          dead-lettered (reason delivery_limit) or dropped
 * @param type              the queue's type (x-queue-type)
 */
public record QueueArguments(long messageTtl, long expires, String deadLetterExchange, String deadLetterRoutingKey,
                             long maxLength, long maxLengthBytes, Overflow overflow, int maxPriority,
                             boolean singleActiveConsumer, long deliveryLimit, QueueType type) {

    /** RabbitMQ's ?MAX_EXPIRY_TIMER for x-message-ttl and x-expires: ten years in milliseconds. */
    public static final long MAX_EXPIRY = 315_360_000_000L;
    /** RabbitMQ's ?MAX_SUPPORTED_PRIORITY. */
    public static final int MAX_PRIORITY = 255;

    public static final QueueArguments NONE =
            new QueueArguments(-1, -1, null, null, -1, -1, Overflow.DROP_HEAD, 0, false, -1, QueueType.CLASSIC);

    /** x-overflow: what a queue at its length limit does with one more message. */
    public enum Overflow {
        DROP_HEAD("drop-head"), REJECT_PUBLISH("reject-publish"), REJECT_PUBLISH_DLX("reject-publish-dlx");

        final String wireName;

        Overflow(String wireName) {
            this.wireName = wireName;
        }

        public static Overflow of(String name) {
            for (Overflow o : values()) {
                if (o.wireName.equals(name)) {
                    return o;
                }
            }
            return null;
        }

        public boolean rejects() {
            return this != DROP_HEAD;
        }
    }

    /** True when a limit on the number or bytes of ready messages applies. */
    public boolean limited() {
        return maxLength >= 0 || maxLengthBytes >= 0;
    }

    /**
     * True when every delivery carries x-delivery-count: on a quorum queue always (as RabbitMQ 3.10's), on a
     * classic one when it has a delivery limit (Leveret's own).
     */
    public boolean countsDeliveries() {
        return type == QueueType.QUORUM || deliveryLimit >= 0;
    }

    /**
     * The arguments RabbitMQ 3.10 knows and checks, in its order (rabbit_amqqueue's declare_args), each with
     * the check it gets; a quorum queue refuses the ones in {@link #NOT_ON_QUORUM} instead. x-delivery-limit is
     * Leveret's own on a classic queue, checked there as a non-negative integer; a quorum queue takes any value,
     * as RabbitMQ's does (a negative limit counts as 0, anything but an integer as none).
     */
    private static final String[][] CHECKS = {
            {"x-expires", "expires"}, {"x-message-ttl", "ttl"}, {"x-dead-letter-exchange", "string"},
            {"x-dead-letter-routing-key", "dlrk"}, {"x-max-length", "nonneg"}, {"x-max-length-bytes", "nonneg"},
            {"x-max-in-memory-length", "nonneg"}, {"x-max-in-memory-bytes", "nonneg"},
            {"x-max-priority", "priority"}, {"x-overflow", "overflow"}, {"x-queue-mode", "mode"},
            {"x-single-active-consumer", "bool"}, {"x-queue-type", "type"},
            {"x-quorum-initial-group-size", "groupSize"}, {"x-max-age", "otherTypes"},
            {"x-stream-max-segment-size-bytes", "otherTypes"}, {"x-initial-cluster-size", "otherTypes"},
            {"x-queue-leader-locator", "locator"}, {"x-queue-master-locator", "otherTypes"},
            {"x-dead-letter-strategy", "strategy"}, {"x-delivery-limit", "deliveryLimit"},
    };

    /** Arguments of RabbitMQ's other queue types that a quorum queue refuses ("of queue type rabbit_quorum_queue"). */
    private static final java.util.Set<String> NOT_ON_QUORUM = java.util.Set.of("x-max-priority", "x-queue-mode",
            "x-max-age", "x-stream-max-segment-size-bytes", "x-initial-cluster-size", "x-queue-master-locator");

    /**
     * Returns null if {@code args} are acceptable, else RabbitMQ's reason for the first bad one as
     * {@code invalid arg 'x-…' for queue 'q' in vhost 'v': REASON}. Arguments RabbitMQ does not know are ignored.
     */
    public static String validate(FieldTable args, String queue, String vhost) {
        QueueType type = QueueType.of(args);
        for (String[] c : CHECKS) {
            FieldValue v = args.field(c[0]);
            if (v == null) {
                continue;
            }
            String where = "invalid arg '" + c[0] + "' for queue '" + queue + "' in vhost '" + vhost + "'";
            if (type == QueueType.QUORUM && NOT_ON_QUORUM.contains(c[0])) {
                return where + " of queue type " + type.rabbitModule();
            }
            String reason = switch (c[1]) {
                case "expires" -> positive(v, MAX_EXPIRY);
                case "ttl" -> nonNegative(v, MAX_EXPIRY);
                case "nonneg" -> nonNegative(v, Long.MAX_VALUE);
                case "priority" -> priority(v);
                case "string" -> isString(v) ? null : unacceptable(v);
                case "dlrk" -> !isString(v) ? unacceptable(v)
                        : args.field("x-dead-letter-exchange") == null ? "routing_key_but_no_dlx_defined" : null;
                case "overflow" -> !isString(v) ? unacceptable(v)
                        : Overflow.of(v.stringValue()) == null ? "invalid_overflow" : null;
                case "mode" -> !isString(v) ? unacceptable(v)
                        : v.stringValue().equals("default") || v.stringValue().equals("lazy") ? null
                        : "\"unsupported queue mode '" + v.stringValue() + "'\"";
                case "bool" -> v.type() == 't' ? null : unacceptable(v);
                case "type" -> queueType(v);
                // Other types' arguments: a classic queue takes them as it always has, unchecked and without effect.
                case "otherTypes" -> null;
                case "groupSize" -> type == QueueType.QUORUM ? positive(v, Long.MAX_VALUE) : null;
                case "locator" -> type != QueueType.QUORUM ? null
                        : isString(v) && LOCATORS.contains(v.stringValue()) ? null : "invalid_queue_locator_arg";
                case "strategy" -> type != QueueType.QUORUM ? null
                        : isString(v) && (v.stringValue().equals("at-most-once")
                        || v.stringValue().equals("at-least-once")) ? null : "invalid_dlx_strategy";
                case "deliveryLimit" -> type == QueueType.QUORUM ? null : nonNegative(v, Long.MAX_VALUE);
                default -> throw new IllegalStateException(c[1]);
            };
            if (reason != null) {
                return where + ": " + reason;
            }
        }
        return null;
    }

    /** x-queue-leader-locator's values in RabbitMQ 3.10 (the last two are the older names it still takes). */
    private static final java.util.Set<String> LOCATORS =
            java.util.Set.of("client-local", "balanced", "random", "least-leaders");

    private static boolean isString(FieldValue v) {
        return v.type() == 'S';
    }

    private static String unacceptable(FieldValue v) {
        return "{unacceptable_type," + v.rabbitTypeName() + "}";
    }

    private static String integer(FieldValue v) {
        return v.isInteger() ? null : "\"expected integer, got " + v.rabbitTypeName() + "\"";
    }

    private static String nonNegative(FieldValue v, long max) {
        String notInteger = integer(v);
        if (notInteger != null) {
            return notInteger;
        }
        long n = v.longValue();
        if (n < 0) {
            return "{value_negative," + n + "}";
        }
        return n > max ? "{value_too_large," + n + "}" : null;
    }

    private static String positive(FieldValue v, long max) {
        String bad = nonNegative(v, max);
        return bad == null && v.longValue() == 0 ? "{value_zero,0}" : bad;
    }

    private static String priority(FieldValue v) {
        String bad = nonNegative(v, Long.MAX_VALUE);
        return bad == null && v.longValue() > MAX_PRIORITY ? "{max_value_exceeded," + v.longValue() + "}" : bad;
    }

    /**
     * RabbitMQ would create a stream; Leveret has none, and says so rather than silently declaring a classic
     * queue in its place.
     */
    private static String queueType(FieldValue v) {
        if (!isString(v)) {
            return unacceptable(v);
        }
        String type = v.stringValue();
        return switch (type) {
            case "classic", "quorum" -> null;
            case "stream" -> "\"queue type '" + type + "' is not supported by Leveret (only 'classic' and 'quorum')\"";
            default -> "\"unsupported queue type '" + type + "'\"";
        };
    }


    /** The arguments of a queue that passed {@link #validate}; anything unusable is taken as unset. */
    public static QueueArguments parse(FieldTable args) {
        if (args.isEmpty()) {
            return NONE;
        }
        QueueType type = QueueType.of(args);
        Overflow overflow = overflow(string(args, "x-overflow"), type);
        FieldValue sac = args.field("x-single-active-consumer");
        long deliveryLimit = number(args, "x-delivery-limit");
        FieldValue limit = args.field("x-delivery-limit");
        if (type == QueueType.QUORUM && limit != null && limit.isInteger() && limit.longValue() < 0) {
            deliveryLimit = 0; // RabbitMQ's quorum queue drops a message at its first return then
        }
        return new QueueArguments(number(args, "x-message-ttl"), number(args, "x-expires"),
                string(args, "x-dead-letter-exchange"), string(args, "x-dead-letter-routing-key"),
                number(args, "x-max-length"), number(args, "x-max-length-bytes"), overflow,
                type == QueueType.QUORUM ? 0 : (int) Math.max(0, Math.min(MAX_PRIORITY, number(args, "x-max-priority"))),
                sac != null && Boolean.TRUE.equals(sac.value()), deliveryLimit, type);
    }

    /**
     * x-overflow's value (null: not set) as a queue of {@code type} acts on it: drop-head when unset or unknown.
     * A quorum queue in RabbitMQ 3.10 takes reject-publish-dlx but acts as drop-head (it dead-letters the
     * head it drops as maxlen and confirms every publish).
     */
    private static Overflow overflow(String name, QueueType type) {
        Overflow o = name == null ? null : Overflow.of(name);
        if (o == null || type == QueueType.QUORUM && o == Overflow.REJECT_PUBLISH_DLX) {
            return Overflow.DROP_HEAD;
        }
        return o;
    }

    /**
     * What a queue declared with {@code args} acts on under the settings {@code policy} gives it (see
     * {@link Policies#effective}), as RabbitMQ's classic queue combines them (rabbit_amqqueue_process's
     * process_args_policy): for x-expires, x-message-ttl, x-max-length and x-max-length-bytes the lower of
     * the two; for x-dead-letter-exchange, x-dead-letter-routing-key and x-overflow the argument if the queue
     * has one. The delivery limit takes the lower one too, as RabbitMQ's quorum queues do; a quorum queue takes
     * x-overflow from the policy when it has one.
     */
    public static QueueArguments effective(FieldTable args, FieldTable policy) {
        QueueArguments a = parse(args);
        if (policy.isEmpty()) {
            return a;
        }
        Overflow overflow = a.overflow;
        FieldValue own = args.field("x-overflow");
        String fromPolicy = string(policy, "overflow");
        // A classic queue's own x-overflow wins over a policy's; on a quorum queue the policy's wins (RabbitMQ 3.10).
        boolean ownWins = a.type == QueueType.CLASSIC && own != null && Overflow.of(own.stringValue()) != null;
        if (!ownWins && fromPolicy != null && Overflow.of(fromPolicy) != null) {
            overflow = overflow(fromPolicy, a.type);
        }
        return new QueueArguments(lower(a.messageTtl, number(policy, "message-ttl")),
                lower(a.expires, positive(policy, "expires")),
                a.deadLetterExchange != null ? a.deadLetterExchange : string(policy, "dead-letter-exchange"),
                a.deadLetterRoutingKey != null ? a.deadLetterRoutingKey : string(policy, "dead-letter-routing-key"),
                lower(a.maxLength, number(policy, "max-length")), lower(a.maxLengthBytes, number(policy, "max-length-bytes")),
                overflow, a.maxPriority, a.singleActiveConsumer,
                lower(a.deliveryLimit, number(policy, "delivery-limit")), a.type);
    }

    /** The lower of two settings, where -1 means unset. */
    private static long lower(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    private static long positive(FieldTable table, String key) {
        long n = number(table, key);
        return n == 0 ? -1 : n;
    }

    private static long number(FieldTable args, String key) {
        FieldValue v = args.field(key);
        return v != null && v.isInteger() && v.longValue() >= 0 ? v.longValue() : -1;
    }

    private static String string(FieldTable args, String key) {
        FieldValue v = args.field(key);
        return v != null && (v.type() == 'S' || v.type() == 'x') ? v.stringValue() : null;
    }
}
