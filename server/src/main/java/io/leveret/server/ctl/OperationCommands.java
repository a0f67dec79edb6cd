package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** purge_queue, delete_queue, close_connection, close_all_connections. */
final class OperationCommands {
    private OperationCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("purge_queue", "[--vhost <vhost>] <queue>", "Purges a queue (removes all messages in it)",
                        1, 1, OperationCommands::purgeQueue),
                Command.of("delete_queue", "[--vhost <vhost>] <queue_name> [--if-empty|-e] [--if-unused|-u]",
                        "Deletes a queue", 1, 1, OperationCommands::deleteQueue).withOptions("if-empty", "if-unused"),
                Command.of("close_connection", "<connection_pid> <explanation>",
                        "Instructs the broker to close the connection with that pid (the name list_connections prints as pid)",
                        2, 2, OperationCommands::closeConnection),
                Command.of("close_all_connections", "[--vhost <vhost> --limit <limit>] [-n <node> --global] <explanation>",
                        "Instructs the broker to close all connections for the specified vhost or entire node", 1, 1,
                        OperationCommands::closeAllConnections).withOptions("global", "limit"));
    }

    private static void purgeQueue(Context c) throws CtlException {
        String queue = c.arg(0);
        c.out().banner("Purging queue '" + queue + "' in vhost '" + c.vhost() + "' ...");
        ManagementClient.Response r = c.api().delete(path("queues", c.vhost(), queue, "contents"));
        if (r.status() == 404) {
            throw CtlException.error(CtlException.UNAVAILABLE, "not_found");
        }
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
    }

    private static void deleteQueue(Context c) throws CtlException {
        String queue = c.arg(0);
        boolean ifEmpty = c.invocation().has("if-empty");
        boolean ifUnused = c.invocation().has("if-unused");
        String conditions = ifEmpty && ifUnused ? " if queue is empty and if queue is unused"
                : ifEmpty ? " if queue is empty" : ifUnused ? " if queue is unused" : "";
        c.out().banner("Deleting queue '" + queue + "' on vhost '" + c.vhost() + "'" + conditions + " ...");
        String p = path("queues", c.vhost(), queue);
        // the API's DELETE does not say how many messages went with the queue, rabbitmqctl does: read it first
        ManagementClient.Response before = c.api().get(p);
        if (before.status() == 404) {
            throw queueNotFound();
        }
        if (!before.ok()) {
            throw c.api().unexpected(before);
        }
        long ready = before.json().path("messages_ready").asLong(0);
        String query = ifEmpty && ifUnused ? "?if-empty=true&if-unused=true"
                : ifEmpty ? "?if-empty=true" : ifUnused ? "?if-unused=true" : "";
        ManagementClient.Response r = c.api().delete(p + query);
        if (r.status() == 404) {
            throw queueNotFound();
        }
        if (!r.ok()) {
            throw CtlException.error(CtlException.SOFTWARE, r.reason());
        }
        c.out().line("Queue was successfully deleted with " + ready + " ready messages");
    }

    private static CtlException queueNotFound() {
        return CtlException.error(CtlException.USAGE, "Queue not found");
    }

    /**
     * A connection that is already gone is not an error, as in rabbitmqctl (closing a dead pid succeeds): a test
     * harness closing a connection that just went away must not fail.
     */
    private static void closeConnection(Context c) throws CtlException {
        c.out().banner("Closing connection " + c.arg(0) + ", reason: " + c.arg(1) + "...");
        ManagementClient.Response r = c.api().delete(path("connections", c.arg(0)), c.arg(1));
        if (!r.ok() && r.status() != 404) {
            throw c.api().unexpected(r);
        }
    }

    private static void closeAllConnections(Context c) throws CtlException {
        String reason = c.arg(0);
        boolean global = c.invocation().has("global");
        long limit = Long.MAX_VALUE;
        if (c.invocation().has("limit")) {
            try {
                limit = Long.parseLong(c.invocation().option("limit").orElseThrow());
            } catch (NumberFormatException e) {
                throw CtlException.usage("limit must be an integer");
            }
        }
        if (global) {
            c.out().banner("Closing all connections to node " + c.settings().target() + " (across all vhosts), reason: "
                    + reason + "...");
        } else {
            c.out().banner("Closing all connections in vhost " + c.vhost() + ", reason: " + reason + "...");
        }
        JsonNode connections;
        if (global) {
            connections = c.api().getJson(path("connections"));
        } else {
            ManagementClient.Response r = c.api().get(path("vhosts", c.vhost(), "connections"));
            // rabbitmqctl closes nothing in a vhost that does not exist and says so by the count
            connections = r.status() == 404 ? ManagementClient.JSON.createArrayNode() : okJson(c, r);
        }
        int closed = 0;
        for (JsonNode conn : connections) {
            if (closed >= limit) {
                break;
            }
            ManagementClient.Response r = c.api().delete(path("connections", conn.path("name").asText()), reason);
            if (r.ok()) {
                closed++;
            } else if (r.status() != 404) {
                throw c.api().unexpected(r);
            }
        }
        c.out().line("Closed " + closed + " connections");
    }

    private static JsonNode okJson(Context c, ManagementClient.Response r) throws CtlException {
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        return r.json();
    }
}
