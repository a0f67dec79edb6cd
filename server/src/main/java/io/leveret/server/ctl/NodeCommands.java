package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** status, cluster_status, await_startup, export_definitions, import_definitions. */
final class NodeCommands {
    /** rabbitmqctl await_startup waits this long by default. */
    static final Duration AWAIT_DEFAULT = Duration.ofSeconds(300);
    private static final long RETRY_MILLIS = 250;

    private NodeCommands() {
    }

    static List<Command> all() {
        return List.of(
                Command.of("status", "", "Displays status of the node", 0, 0, NodeCommands::status),
                Command.of("cluster_status", "", "Displays all the nodes in the cluster grouped by node type, "
                        + "together with the currently running nodes", 0, 0, NodeCommands::clusterStatus),
                Command.of("await_startup", "[--timeout <seconds>]",
                        "Waits until the broker's management API answers (default: 300 seconds)", 0, 0,
                        NodeCommands::awaitStartup),
                Command.of("export_definitions", "<file_path | \"-\"> [--format <json>]",
                        "Exports definitions in JSON", 1, 1, NodeCommands::exportDefinitions).withOptions("format"),
                Command.of("import_definitions", "<file_path | \"-\"> [--format <json>]",
                        "Imports definitions in JSON", 1, 1, NodeCommands::importDefinitions).withOptions("format"));
    }

    private static void status(Context c) throws CtlException {
        JsonNode overview = c.api().getJson(path("overview"));
        String nodeName = overview.path("node").asText(c.settings().target());
        ManagementClient.Response nodeAnswer = c.api().get(path("nodes", nodeName));
        JsonNode node = nodeAnswer.ok() ? nodeAnswer.json() : ManagementClient.JSON.createObjectNode();
        if (c.invocation().json()) {
            ObjectNode both = ManagementClient.JSON.createObjectNode();
            both.set("overview", overview);
            both.set("node", node);
            c.out().line(both.toString());
            return;
        }
        c.out().banner("Status of node " + nodeName + " ...");
        StringBuilder b = new StringBuilder();
        b.append("Runtime\n\n");
        b.append("OS PID: ").append(node.path("os_pid").asText("")).append('\n');
        b.append("Uptime (seconds): ").append(node.path("uptime").asLong(0) / 1000).append('\n');
        b.append("Product name: ").append(overview.path("product_name").asText("")).append('\n');
        b.append("Product version: ").append(overview.path("product_version").asText("")).append('\n');
        b.append("RabbitMQ version: ").append(overview.path("rabbitmq_version").asText("")).append('\n');
        b.append("Node name: ").append(nodeName).append('\n');
        b.append("Runtime version: ").append(overview.path("erlang_full_version").asText("")).append('\n');
        b.append("\nAlarms\n\n");
        boolean mem = node.path("mem_alarm").asBoolean(false);
        boolean disk = node.path("disk_free_alarm").asBoolean(false);
        b.append(!mem && !disk ? "(none)\n" : (mem ? "memory\n" : "") + (disk ? "disk\n" : ""));
        b.append("\nMemory\n\n");
        b.append("Total memory used: ").append(gb(node.path("mem_used"))).append(" gb\n");
        b.append("Memory high watermark: ").append(gb(node.path("mem_limit"))).append(" gb\n");
        b.append("\nFree Disk Space\n\n");
        b.append("Low free disk space watermark: ").append(gb(node.path("disk_free_limit"))).append(" gb\n");
        b.append("Free disk space: ").append(gb(node.path("disk_free"))).append(" gb\n");
        b.append("\nFile Descriptors\n\n");
        b.append("Total: ").append(node.path("fd_used").asText("")).append(", limit: ")
                .append(node.path("fd_total").asText("")).append('\n');
        b.append("\nListeners\n\n");
        for (JsonNode l : overview.path("listeners")) {
            b.append("Interface: ").append(l.path("ip_address").asText()).append(", port: ")
                    .append(l.path("port").asText()).append(", protocol: ").append(l.path("protocol").asText())
                    .append('\n');
        }
        JsonNode totals = overview.path("object_totals");
        b.append("\nTotals\n\n");
        b.append("Connection count: ").append(totals.path("connections").asLong(0)).append('\n');
        b.append("Queue count: ").append(totals.path("queues").asLong(0)).append('\n');
        c.out().raw(b.toString());
    }

    /**
     * rabbitmqctl cluster_status from GET /api/nodes: every node is a disc node, running if it answers the
     * metadata group's Raft requests. Versions and alarms are this node's own: a peer's are not known here.
     */
    private static void clusterStatus(Context c) throws CtlException {
        JsonNode overview = c.api().getJson(path("overview"));
        JsonNode nodes = c.api().getJson(path("nodes"));
        String self = overview.path("node").asText(c.settings().target());
        List<String> all = new java.util.ArrayList<>();
        List<String> running = new java.util.ArrayList<>();
        JsonNode me = ManagementClient.JSON.createObjectNode();
        for (JsonNode n : nodes) {
            all.add(n.path("name").asText());
            if (n.path("running").asBoolean(false)) {
                running.add(n.path("name").asText());
            }
            if (n.path("name").asText().equals(self)) {
                me = n;
            }
        }
        List<String> alarms = new java.util.ArrayList<>();
        if (me.path("mem_alarm").asBoolean(false)) {
            alarms.add("memory");
        }
        if (me.path("disk_free_alarm").asBoolean(false)) {
            alarms.add("disk");
        }
        String version = overview.path("rabbitmq_version").asText("");
        String runtime = overview.path("erlang_full_version").asText("");
        if (c.invocation().json()) {
            ObjectNode o = ManagementClient.JSON.createObjectNode();
            alarms.forEach(a -> o.withArray("alarms").addObject().put("node", self).put("resource", a)
                    .put("type", "resource_limit"));
            o.withArray("alarms");
            o.put("cluster_name", overview.path("cluster_name").asText(""));
            all.forEach(o.withArray("disk_nodes")::add);
            o.putObject("partitions");
            o.putArray("ram_nodes");
            running.forEach(o.withArray("running_nodes")::add);
            o.putObject("versions").putObject(self).put("rabbitmq_name", "RabbitMQ").put("rabbitmq_version", version)
                    .put("leveret_version", overview.path("leveret_version").asText(""));
            c.out().line(o.toString());
            return;
        }
        c.out().banner("Cluster status of node " + self + " ...");
        StringBuilder b = new StringBuilder();
        b.append("Basics\n\nCluster name: ").append(overview.path("cluster_name").asText("")).append("\n");
        b.append("\nDisk Nodes\n\n");
        all.forEach(n -> b.append(n).append('\n'));
        b.append("\nRunning Nodes\n\n");
        running.forEach(n -> b.append(n).append('\n'));
        b.append("\nVersions\n\n").append(self).append(": RabbitMQ ").append(version).append(" on ").append(runtime)
                .append('\n');
        b.append("\nAlarms\n\n");
        if (alarms.isEmpty()) {
            b.append("(none)\n");
        }
        for (String alarm : alarms) {
            b.append(alarm.equals("memory") ? "Memory" : "Free disk space").append(" alarm on node ").append(self)
                    .append('\n');
        }
        b.append("\nNetwork Partitions\n\n(none)\n");
        c.out().raw(b.toString());
    }

    private static String gb(JsonNode bytes) {
        if (!bytes.isNumber()) {
            return "unknown";
        }
        return String.format(java.util.Locale.ROOT, "%.4f", bytes.asDouble() / 1e9);
    }

    /**
     * Polls the overview until the API answers 200. Refused connections and 503s while the broker boots are
     * retried; a wrong password is not (it will not get better by waiting).
     */
    private static void awaitStartup(Context c) throws CtlException {
        Duration limit = c.invocation().has("timeout") ? c.settings().timeout() : AWAIT_DEFAULT;
        long deadline = System.nanoTime() + limit.toNanos();
        CtlException last;
        while (true) {
            try {
                ManagementClient.Response r = c.api().get(path("overview"));
                if (r.ok()) {
                    return;
                }
                last = c.api().unexpected(r);
            } catch (CtlException e) {
                if (e.exitCode() == CtlException.NO_PERMISSION) {
                    throw e;
                }
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw CtlException.error(CtlException.TEMPORARY_FAILURE, "the broker did not start within "
                        + limit.toMillis() / 1000.0 + " seconds: " + last.getMessage());
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CtlException.error(CtlException.SOFTWARE, "interrupted");
            }
        }
    }

    private static void requireJsonFormat(Context c) throws CtlException {
        String format = c.invocation().option("format").orElse("json");
        if (!format.equals("json")) {
            throw CtlException.usage("Format " + format + " is not supported: Leveret reads and writes definitions as json");
        }
    }

    private static void exportDefinitions(Context c) throws CtlException {
        requireJsonFormat(c);
        String target = c.arg(0);
        ManagementClient.Response r;
        if (target.equals("-")) {
            r = c.api().get(path("definitions"));
            if (!r.ok()) {
                throw c.api().unexpected(r);
            }
            c.out().line(r.body());
            return;
        }
        c.out().banner("Exporting definitions in JSON to a file at \"" + target + "\" ...");
        r = c.api().get(path("definitions"));
        if (!r.ok()) {
            throw c.api().unexpected(r);
        }
        try {
            Files.writeString(Path.of(target), r.body(), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw CtlException.error(CtlException.DATA_ERROR, "No permissions to write to file " + target
                    + " or its parent directory");
        }
    }

    private static void importDefinitions(Context c) throws CtlException {
        requireJsonFormat(c);
        String source = c.arg(0);
        String body;
        try {
            if (source.equals("-")) {
                body = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
            } else {
                Path p = Path.of(source);
                if (!Files.isRegularFile(p)) {
                    throw CtlException.bare(CtlException.DATA_ERROR, "Bad argument: File " + source + " does not exist");
                }
                body = Files.readString(p, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw CtlException.error(CtlException.DATA_ERROR, "cannot read " + source + ": " + e.getMessage());
        }
        try {
            ManagementClient.JSON.readTree(body);
        } catch (IOException e) {
            throw CtlException.error(CtlException.DATA_ERROR, "Failed to decode definitions: " + e.getMessage());
        }
        c.out().banner("Importing definitions in JSON from " + (source.equals("-") ? "standard input" : "a file at \""
                + source + "\"") + " ...");
        ManagementClient.Response r = c.api().post(path("definitions"), body);
        if (!r.ok()) {
            throw CtlException.error(r.status() == 401 ? CtlException.NO_PERMISSION : CtlException.DATA_ERROR, r.reason());
        }
        // the API imports before it answers, so unlike rabbitmqctl there is nothing left running to wait for
        c.out().banner("Successfully imported definitions.");
    }
}
