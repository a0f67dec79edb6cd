package io.leveret.server.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.codec.FieldTable;
import io.leveret.server.vhost.Policy;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.ParameterDefinition;
import io.leveret.store.definitions.PolicyDefinition;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies as the store keeps them, read into the broker's {@link Policy}: a policy is a
 * {@link PolicyDefinition} whose definition is JSON; an operator policy is, as in RabbitMQ's definitions
 * export, a runtime parameter of component {@code operator_policy} whose value holds pattern, definition
 * (an object, or the list of pairs RabbitMQ 3.10 exports), priority and apply-to.
 */
public final class PolicyForm {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyForm.class);

    private PolicyForm() {
    }

    /**
     * The policy a stored definition describes.
     *
     * @throws IllegalArgumentException with RabbitMQ's reason if it is not acceptable
     */
    public static Policy policy(PolicyDefinition d) {
        return Policy.of(d.name(), d.pattern(), Policy.ApplyTo.of(d.applyTo()), d.priority(),
                definition(StoredForm.json(d.definition())), false, d.definition());
    }

    /**
     * The operator policy a stored {@code operator_policy} parameter describes.
     *
     * @throws IllegalArgumentException with RabbitMQ's reason if it is not acceptable
     */
    public static Policy operatorPolicy(ParameterDefinition p) {
        JsonNode value = StoredForm.json(p.value());
        JsonNode pattern = value.get("pattern");
        if (pattern == null || !pattern.isTextual()) {
            throw new IllegalArgumentException("pattern should be a binary but was " + erlang(pattern));
        }
        return Policy.of(p.name(), pattern.asText(), Policy.ApplyTo.of(value.path("apply-to").asText("all")),
                priority(value.get("priority")), definition(value.get("definition")), true, p.value());
    }

    /** A policy's "priority": a number (RabbitMQ's rabbit_parameter_validation:number), 0 when absent. */
    static int priority(JsonNode priority) {
        if (priority == null) {
            return 0;
        }
        if (!priority.isNumber()) {
            throw new IllegalArgumentException("priority should be a number, actually was " + erlang(priority));
        }
        return priority.asInt();
    }

    /** The policies and operator policies stored for {@code vhost}; one the broker cannot take is left out, loudly. */
    public static List<Policy> policies(Definitions defs, String vhost) {
        List<Policy> out = new ArrayList<>();
        for (PolicyDefinition d : defs.policies()) {
            if (d.vhost().equals(vhost)) {
                add(out, "policy", d.name(), vhost, () -> policy(d));
            }
        }
        for (ParameterDefinition p : defs.parameters()) {
            if (p.vhost().equals(vhost) && p.component().equals(Policy.OPERATOR_COMPONENT)) {
                add(out, "operator policy", p.name(), vhost, () -> operatorPolicy(p));
            }
        }
        return out;
    }

    private static void add(List<Policy> out, String kind, String name, String vhost,
                            java.util.function.Supplier<Policy> read) {
        try {
            out.add(read.get());
        } catch (IllegalArgumentException e) {
            LOG.error("{} '{}' in vhost '{}' is stored but not valid, so it does not apply: {}", kind, name, vhost,
                    e.getMessage());
        }
    }

    /** A definition as JSON: an object, or a list of [key, value] pairs; anything else is no definition. */
    private static FieldTable definition(JsonNode node) {
        if (node != null && node.isArray()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (JsonNode pair : node) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()) {
                    throw new IllegalArgumentException("definition must be a dictionary: " + node);
                }
                o.set(pair.get(0).asText(), pair.get(1));
            }
            node = o;
        }
        if (node != null && !node.isObject() && !node.isNull()) {
            throw new IllegalArgumentException("definition must be a dictionary: " + node);
        }
        return StoredForm.table(node);
    }

    private static String erlang(JsonNode n) {
        return n == null ? "undefined" : n.isTextual() ? "<<\"" + n.asText() + "\">>" : n.toString();
    }
}
