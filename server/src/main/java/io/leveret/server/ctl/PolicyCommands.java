package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * set_policy, clear_policy, list_policies and their operator-policy twins, which differ only in the API
 * resource ({@code policies} or {@code operator-policies}) and the words in the banners.
 */
final class PolicyCommands {
    private static final Listing POLICIES = new Listing("vhost", "name", "pattern", "apply-to", "definition", "priority")
            .field("vhost", "name", "pattern", "apply-to", "priority")
            // rabbitmqctl prints the definition as JSON, not as an Erlang term
            .computed("definition", p -> TextNode.valueOf(p.path("definition").toString()));

    private PolicyCommands() {
    }

    /** The two flavours: resource name and how the banners call it. */
    private record Kind(String resource, String setWords, String clearWords, String listWords) {
    }

    private static final Kind POLICY = new Kind("policies", "policy", "policy", "policies");
    private static final Kind OPERATOR = new Kind("operator-policies", "operator policy override", "operator policy",
            "operator policy overrides");

    static List<Command> all() {
        String setSynopsis = "[--vhost <vhost>] [--priority <priority>] [--apply-to <apply-to>] <name> <pattern> <definition>";
        return List.of(
                Command.of("set_policy", setSynopsis, "Sets or updates a policy", 3, 3, c -> set(c, POLICY))
                        .withOptions("priority", "apply-to"),
                Command.of("clear_policy", "[--vhost <vhost>] <name>", "Clears (removes) a policy", 1, 1,
                        c -> clear(c, POLICY)),
                Command.of("list_policies", "[--vhost <vhost>]", "Lists all policies in a virtual host", 0, 0,
                        c -> list(c, POLICY)),
                Command.of("set_operator_policy", setSynopsis,
                        "Sets an operator policy that overrides a subset of arguments in user policies", 3, 3,
                        c -> set(c, OPERATOR)).withOptions("priority", "apply-to"),
                Command.of("clear_operator_policy", "[--vhost <vhost>] <name>", "Clears an operator policy", 1, 1,
                        c -> clear(c, OPERATOR)),
                Command.of("list_operator_policies", "[--vhost <vhost>]",
                        "Lists operator policy overrides for a virtual host", 0, 0, c -> list(c, OPERATOR)));
    }

    private static void set(Context c, Kind kind) throws CtlException {
        String name = c.arg(0);
        String pattern = c.arg(1);
        String definition = c.arg(2);
        String priorityText = c.invocation().option("priority").orElse("0");
        int priority;
        try {
            priority = Integer.parseInt(priorityText);
        } catch (NumberFormatException e) {
            throw CtlException.usage("priority must be an integer, got '" + priorityText + "'");
        }
        c.out().banner("Setting " + kind.setWords() + " \"" + name + "\" for pattern \"" + pattern + "\" to \""
                + definition + "\" with priority \"" + priority + "\" for vhost \"" + c.vhost() + "\" ...");
        JsonNode parsed;
        try {
            parsed = ManagementClient.JSON.readTree(definition);
        } catch (JsonProcessingException e) {
            throw CtlException.error(CtlException.UNAVAILABLE, "JSON decoding error. Reason: " + e.getOriginalMessage());
        }
        if (parsed == null || !parsed.isObject()) {
            throw CtlException.error(CtlException.UNAVAILABLE, "JSON decoding error. Reason: a policy definition must be a JSON object");
        }
        ObjectNode body = ManagementClient.JSON.createObjectNode().put("pattern", pattern).put("priority", priority);
        body.set("definition", parsed);
        c.invocation().option("apply-to").ifPresent(a -> body.put("apply-to", a));
        Checks.requireOk(c, c.api().put(path(kind.resource(), c.vhost(), name), body), c.vhost());
    }

    private static void clear(Context c, Kind kind) throws CtlException {
        String name = c.arg(0);
        c.out().banner("Clearing " + kind.clearWords() + " \"" + name + "\" on vhost \"" + c.vhost() + "\" ...");
        ManagementClient.Response r = c.api().delete(path(kind.resource(), c.vhost(), name));
        if (r.status() == 404) {
            throw CtlException.error(CtlException.UNAVAILABLE, "Parameter does not exist");
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void list(Context c, Kind kind) throws CtlException {
        c.out().banner("Listing " + kind.listWords() + " for vhost \"" + c.vhost() + "\" ...");
        JsonNode list = AccessCommands.vhostList(c, path(kind.resource(), c.vhost()));
        List<String> columns = POLICIES.select(List.of());
        c.out().table(columns, POLICIES.rows(list, columns), Output.WhenEmpty.BLANK_LINE);
    }
}
