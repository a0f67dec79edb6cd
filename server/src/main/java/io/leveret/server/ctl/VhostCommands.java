package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** add_vhost, delete_vhost, list_vhosts, and trace_on/trace_off, which Leveret has no firehose for. */
final class VhostCommands {
    private static final Listing VHOSTS = new Listing("name")
            .field("name", "description", "tags", "tracing", "cluster_state", "messages", "messages_ready",
                    "messages_unacknowledged")
            .computed("default_queue_type", v -> v.has("default_queue_type") ? v.get("default_queue_type")
                    : v.path("metadata").path("default_queue_type"));

    private VhostCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("add_vhost", "<vhost> [--description <description> --tags \"<tag1>,<tag2>,<...>\" --default-queue-type <quorum|classic|stream>]",
                        "Creates a virtual host", 1, 1, VhostCommands::addVhost)
                        .withOptions("description", "tags", "default-queue-type"),
                Command.of("delete_vhost", "<vhost>", "Deletes a virtual host", 1, 1, VhostCommands::deleteVhost),
                Command.of("list_vhosts", "[<column> ...]", "Lists virtual hosts; columns: "
                        + String.join(", ", VHOSTS.columnNames()), 0, -1, VhostCommands::listVhosts),
                Command.of("trace_on", "[--vhost <vhost>]",
                        "Does nothing on Leveret, which has no firehose tracer, and says so", 0, 0, c -> trace(c, true)),
                Command.of("trace_off", "[--vhost <vhost>]",
                        "Does nothing on Leveret, which has no firehose tracer, and says so", 0, 0, c -> trace(c, false)));
    }

    private static void addVhost(Context c) throws CtlException {
        String vhost = c.arg(0);
        c.out().banner("Adding vhost \"" + vhost + "\" ...");
        ObjectNode body = ManagementClient.JSON.createObjectNode();
        c.invocation().option("description").ifPresent(d -> body.put("description", d));
        c.invocation().option("tags").ifPresent(t -> body.put("tags", t));
        c.invocation().option("default-queue-type").ifPresent(t -> body.put("default_queue_type", t));
        boolean existed = Checks.vhostExists(c, vhost);
        ManagementClient.Response r = c.api().put(path("vhosts", vhost), body);
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        if (!existed) {
            // RabbitMQ's API gives the user who creates a vhost full permissions in it; rabbitmqctl add_vhost gives
            // nobody any, and scripts follow it with set_permissions. Take the API's grant back to match.
            ManagementClient.Response revoke = c.api().delete(path("permissions", vhost, c.settings().username()));
            if (!revoke.ok() && revoke.status() != 404) {
                throw c.api().unexpected(revoke);
            }
        }
    }

    private static void deleteVhost(Context c) throws CtlException {
        String vhost = c.arg(0);
        c.out().banner("Deleting vhost \"" + vhost + "\" ...");
        ManagementClient.Response r = c.api().delete(path("vhosts", vhost));
        if (r.status() == 404) {
            throw Checks.noSuchVhost(vhost);
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void listVhosts(Context c) throws CtlException {
        List<String> columns = VHOSTS.select(c.invocation().arguments());
        c.out().banner("Listing vhosts ...");
        JsonNode vhosts = c.api().getJson(path("vhosts"));
        c.out().table(columns, VHOSTS.rows(vhosts, columns), Output.WhenEmpty.BLANK_LINE);
    }

    /**
     * rabbitmqctl turns on the firehose (copies of every message to amq.rabbitmq.trace). Leveret has no such
     * exchange, so the command changes nothing, and says that instead of claiming success; exit 0 so that scripts
     * which switch tracing around other work still run.
     */
    private static void trace(Context c, boolean on) {
        c.out().banner((on ? "Starting" : "Stopping") + " tracing for vhost \"" + c.vhost() + "\" ...");
        c.out().line("Leveret has no firehose tracer: " + (on ? "trace_on" : "trace_off") + " changed nothing for vhost "
                + c.vhost());
    }
}
