package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.store.Blob;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A policy or an operator policy of one virtual host: queues and/or exchanges whose name the pattern
 * matches take the settings of its definition. Of all policies that match an object, the one with the
 * highest priority applies alone (rabbit_policy:match); operator policies are chosen the same way among
 * themselves and then merged with it ({@link Policies}).
 *
 * @param definition the settings, checked by {@link PolicyCheck}: integers as 'l', strings as 'S'
 * @param operator   true for an operator policy (RabbitMQ's runtime parameter component "operator_policy")
 * @param stored     what the store keeps for it: the definition's JSON for a policy, the whole parameter value
 *                   (pattern, definition, priority, apply-to) for an operator policy
 */
public record Policy(String name, String pattern, ApplyTo applyTo, int priority, FieldTable definition,
                     boolean operator, Blob stored, Pattern regex) {

    /** The RabbitMQ component name under which operator policies are runtime parameters. */
    public static final String OPERATOR_COMPONENT = "operator_policy";

    /** What kinds of object a policy applies to: RabbitMQ 3.10's apply-to values. */
    public enum ApplyTo {
        QUEUES("queues"), EXCHANGES("exchanges"), ALL("all");

        private final String wireName;

        ApplyTo(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** The value for RabbitMQ's name, or an IllegalArgumentException with RabbitMQ 3.10's reason. */
        public static ApplyTo of(String name) {
            for (ApplyTo a : values()) {
                if (a.wireName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("apply-to '" + name
                    + "' unrecognised; should be 'queues', 'exchanges' or 'all'");
        }
    }

    public Policy {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(applyTo, "applyTo");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(regex, "regex");
    }

    /**
     * A checked policy.
     *
     * @throws IllegalArgumentException with RabbitMQ's reason (rabbit_policy's validation) if the pattern is not
     *                                  a regular expression or the definition is not acceptable
     */
    public static Policy of(String name, String pattern, ApplyTo applyTo, int priority, FieldTable definition,
                            boolean operator, Blob stored) {
        Pattern regex;
        try {
            regex = Pattern.compile(Objects.requireNonNull(pattern, "pattern"));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("pattern should be regular expression but is invalid: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        String bad = PolicyCheck.validate(definition, operator);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        return new Policy(name, pattern, applyTo, priority, definition, operator, stored, regex);
    }

    /**
     * True if this policy applies to the queue ({@code queue} true) or exchange called {@code objectName}.
     * RabbitMQ runs the pattern with re:run on the whole name, unanchored: "ttl" matches "a.ttl.b".
     */
    public boolean matches(boolean queue, String objectName) {
        boolean kind = applyTo == ApplyTo.ALL || (queue ? applyTo == ApplyTo.QUEUES : applyTo == ApplyTo.EXCHANGES);
        return kind && regex.matcher(objectName).find();
    }

    /** Records compare their regex by identity; policies compare by what they say. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Policy p && name.equals(p.name) && pattern.equals(p.pattern) && applyTo == p.applyTo
                && priority == p.priority && definition.equals(p.definition) && operator == p.operator;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, pattern, applyTo, priority, definition, operator);
    }
}
