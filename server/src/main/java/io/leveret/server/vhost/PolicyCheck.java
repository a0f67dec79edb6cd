package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The check of a policy's definition as RabbitMQ 3.10 makes it (rabbit_policy's validation with
 * rabbit_policies' validators), with RabbitMQ's reasons, values printed as Erlang prints them.
 */
final class PolicyCheck {
    /**
     * Keys RabbitMQ 3.10 accepts in a policy that mean nothing on a single node (mirroring, where a quorum
     * queue's replicas go, streams): accepted so that a RabbitMQ export imports, and ignored. The keys quorum
     * queues act on (delivery-limit, the lengths, overflow, TTLs, dead-lettering) apply to them as RabbitMQ
     * applies them: see {@link QueueArguments#effective}.
     */
    static final Set<String> IGNORED = Set.of("ha-mode", "ha-params", "ha-sync-mode", "ha-sync-batch-size",
            "ha-promote-on-shutdown", "ha-promote-on-failure", "queue-master-locator", "max-age",
            "queue-leader-locator", "initial-cluster-size", "stream-max-segment-size-bytes");
    /** The only keys of an operator policy (rabbit_policies' operator_policy_validator registrations). */
    private static final Set<String> OPERATOR_KEYS = Set.of("expires", "message-ttl", "max-length",
            "max-length-bytes", "max-in-memory-length", "max-in-memory-bytes", "delivery-limit");
    /** Keys whose policy and operator policy values merge to the lower one (rabbit_policies:merge_policy_value). */
    static final Set<String> LOWER_WINS = OPERATOR_KEYS;

    private PolicyCheck() {
    }

    /** Null if {@code definition} is acceptable, else RabbitMQ's reason. */
    static String validate(FieldTable definition, boolean operator) {
        if (definition.isEmpty()) {
            return "no policy provided";
        }
        // RabbitMQ checks keys in its validators' order and reports the first bad value; the order of the
        // reasons only matters when several are bad, and then any one of them is a true answer.
        TreeMap<String, FieldValue> unknown = new TreeMap<>();
        for (var e : new TreeMap<>(definition.entries()).entrySet()) {
            String key = e.getKey();
            FieldValue v = e.getValue();
            if (operator ? !OPERATOR_KEYS.contains(key) : !known(key)) {
                unknown.put(key, v);
                continue;
            }
            String bad = value(key, v);
            if (bad != null) {
                return bad;
            }
        }
        if (!unknown.isEmpty()) {
            StringBuilder b = new StringBuilder("[");
            unknown.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append("{<<\"").append(k).append("\">>,")
                    .append(erlang(v)).append('}'));
            return b.append("] are not recognised policy settings").toString();
        }
        return null;
    }

    private static boolean known(String key) {
        return OPERATOR_KEYS.contains(key) || IGNORED.contains(key) || List.of("alternate-exchange",
                "dead-letter-exchange", "dead-letter-routing-key", "dead-letter-strategy", "queue-mode", "queue-version",
                "overflow")
                .contains(key);
    }

    /** rabbit_policies:validate_policy0 for one key; null when it is fine (or a key Leveret ignores). */
    private static String value(String key, FieldValue v) {
        boolean string = v.type() == 'S' || v.type() == 'x';
        boolean integer = v.isInteger();
        String s = string ? v.stringValue() : null;
        return switch (key) {
            case "alternate-exchange" -> string ? null : erlang(v) + " is not a valid alternate exchange name";
            case "dead-letter-exchange" -> string ? null : erlang(v) + " is not a valid dead letter exchange name";
            case "dead-letter-routing-key" -> string ? null : erlang(v) + " is not a valid dead letter routing key";
            // Quorum queues' at-least-once dead-lettering; Leveret dead-letters at most once (see the README).
            case "dead-letter-strategy" -> "at-most-once".equals(s) || "at-least-once".equals(s) ? null
                    : erlang(v) + " is not a valid dead letter strategy";
            case "message-ttl" -> integer && v.longValue() >= 0 ? null : erlang(v) + " is not a valid message TTL";
            case "expires" -> integer && v.longValue() >= 1 ? null : erlang(v) + " is not a valid queue expiry";
            case "max-length" -> integer && v.longValue() >= 0 ? null : erlang(v) + " is not a valid maximum length";
            case "max-length-bytes" -> integer && v.longValue() >= 0 ? null
                    : erlang(v) + " is not a valid maximum length in bytes";
            case "max-in-memory-length", "max-in-memory-bytes" -> integer && v.longValue() >= 0 ? null
                    : erlang(v) + " is not a valid maximum memory in bytes";
            case "queue-mode" -> "default".equals(s) || "lazy".equals(s) ? null
                    : erlang(v) + " is not a valid queue-mode value";
            case "queue-version" -> integer && (v.longValue() == 1 || v.longValue() == 2) ? null
                    : erlang(v) + " is not a valid queue-version value";
            case "overflow" -> s != null && QueueArguments.Overflow.of(s) != null ? null
                    : erlang(v) + " is not a valid overflow value";
            case "delivery-limit" -> integer && v.longValue() >= 0 ? null
                    : erlang(v) + " is not a valid delivery limit";
            default -> null;
        };
    }

    /** A value as Erlang's ~p prints the term RabbitMQ decoded from JSON: binaries as {@code <<"text">>}. */
    static String erlang(FieldValue v) {
        if (v.type() == 'S' || v.type() == 'x') {
            return "<<\"" + v.stringValue() + "\">>";
        }
        if (v.type() == 'V') {
            return "null";
        }
        if (v.type() == 'A') {
            StringBuilder b = new StringBuilder("[");
            for (FieldValue e : v.arrayValue()) {
                b.append(b.length() > 1 ? "," : "").append(erlang(e));
            }
            return b.append(']').toString();
        }
        if (v.type() == 'F') {
            StringBuilder b = new StringBuilder("#{");
            v.tableValue().entries().forEach((k, e) -> b.append(b.length() > 2 ? "," : "").append("<<\"").append(k)
                    .append("\">> => ").append(erlang(e)));
            return b.append('}').toString();
        }
        return String.valueOf(v.value());
    }
}
