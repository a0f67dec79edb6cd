package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable snapshot of a virtual host's policies and operator policies, and what they make of one
 * queue or exchange: the definition of the matching policy with the highest priority, merged with that of
 * the matching operator policy with the highest priority as rabbit_policy:get does it (for the lengths,
 * TTLs and delivery limit the lower value; otherwise whichever of the two sets the key).
 */
public final class Policies {
    public static final Policies NONE = new Policies(List.of());

    /**
     * Highest priority first. RabbitMQ breaks a tie by the order of its parameter table (a hash order, not
     * something a user can rely on); Leveret takes the name first in alphabetical order, so that the same
     * policies always give the same answer.
     */
    private static final Comparator<Policy> ORDER =
            Comparator.comparingInt(Policy::priority).reversed().thenComparing(Policy::name);

    private final List<Policy> all;

    private Policies(List<Policy> all) {
        List<Policy> sorted = new ArrayList<>(all);
        sorted.sort(ORDER);
        this.all = List.copyOf(sorted);
    }

    /** A snapshot with {@code p} in place of the policy (or operator policy) of the same name. */
    public Policies with(Policy p) {
        List<Policy> next = new ArrayList<>(all);
        next.removeIf(q -> q.operator() == p.operator() && q.name().equals(p.name()));
        next.add(p);
        return new Policies(next);
    }

    /** A snapshot without the policy (or operator policy) {@code name}. */
    public Policies without(String name, boolean operator) {
        List<Policy> next = new ArrayList<>(all);
        next.removeIf(q -> q.operator() == operator && q.name().equals(name));
        return new Policies(next);
    }

    /** The policy or operator policy called {@code name}, or null. */
    public Policy get(String name, boolean operator) {
        for (Policy p : all) {
            if (p.operator() == operator && p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    public Collection<Policy> all() {
        return all;
    }

    /** The policy (or operator policy) that applies to the queue or exchange {@code name}, or null. */
    public Policy match(boolean queue, String name, boolean operator) {
        for (Policy p : all) {
            if (p.operator() == operator && p.matches(queue, name)) {
                return p;
            }
        }
        return null;
    }

    /** The settings the policies give the queue ({@code queue} true) or exchange {@code name}; empty if none. */
    public FieldTable effective(boolean queue, String name) {
        if (all.isEmpty()) {
            return FieldTable.EMPTY;
        }
        Policy p = match(queue, name, false);
        Policy op = match(queue, name, true);
        if (op == null) {
            return p == null ? FieldTable.EMPTY : p.definition();
        }
        if (p == null) {
            return op.definition();
        }
        FieldTable.Builder b = p.definition().toBuilder();
        op.definition().entries().forEach((key, opValue) -> {
            FieldValue value = p.definition().field(key);
            b.put(key, value == null ? opValue : merge(key, value, opValue));
        });
        return b.build();
    }

    /** rabbit_policies:merge_policy_value: the lower number for the keys operator policies may set. */
    private static FieldValue merge(String key, FieldValue value, FieldValue opValue) {
        if (PolicyCheck.LOWER_WINS.contains(key) && value.isInteger() && opValue.isInteger()) {
            return value.longValue() <= opValue.longValue() ? value : opValue;
        }
        return opValue;
    }
}
