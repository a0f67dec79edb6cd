package io.leveret.server.ctl;

import static io.leveret.server.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * list_queues, list_exchanges, list_bindings, list_connections, list_channels, list_consumers. Where rabbitmqctl
 * prints an Erlang pid, the API has none; we print the object's API name instead ({@code 127.0.0.1:50000 ->
 * 127.0.0.1:5672} for a connection), which is what {@code close_connection} takes back — the RabbitMQ Java client's
 * test suite treats the pid as opaque and hands it back in exactly that way.
 */
final class ListCommands {
    static final Listing QUEUES = new Listing("name", "messages")
            .field("name", "durable", "auto_delete", "arguments", "policy", "exclusive", "exclusive_consumer_tag",
                    "messages_ready", "messages_unacknowledged", "messages", "messages_ready_ram",
                    "messages_unacknowledged_ram", "messages_ram", "messages_persistent", "message_bytes",
                    "message_bytes_ready", "message_bytes_unacknowledged", "message_bytes_ram",
                    "message_bytes_persistent", "head_message_timestamp", "disk_reads", "disk_writes", "consumers",
                    "consumer_utilisation", "consumer_capacity", "memory", "slave_pids", "synchronised_slave_pids",
                    "state", "type", "leader", "members", "online")
            .from("owner_pid", "owner_pid_details", "name")
            .from("exclusive_consumer_pid", "exclusive_consumer_details", "channel_details", "name");
    static final Listing EXCHANGES = new Listing("name", "type")
            .field("name", "type", "durable", "auto_delete", "internal", "arguments", "policy");
    static final Listing BINDINGS = new Listing("source_name", "source_kind", "destination_name", "destination_kind",
            "routing_key", "arguments")
            .from("source_name", "source")
            .computed("source_kind", b -> TextNode.valueOf("exchange"))
            .from("destination_name", "destination")
            .from("destination_kind", "destination_type")
            .field("routing_key", "arguments");
    static final Listing CONNECTIONS = new Listing("user", "peer_host", "peer_port", "state")
            .from("pid", "name")
            .field("name", "port", "host", "peer_port", "peer_host", "ssl", "ssl_protocol", "ssl_key_exchange",
                    "ssl_cipher", "ssl_hash", "peer_cert_subject", "peer_cert_issuer", "peer_cert_validity", "state",
                    "channels")
            .computed("protocol", ListCommands::protocol)
            .field("auth_mechanism", "user", "vhost", "timeout", "frame_max", "channel_max", "client_properties",
                    "recv_oct", "recv_cnt", "send_oct", "send_cnt", "send_pend", "connected_at", "type",
                    "user_who_performed_action");
    static final Listing CHANNELS = new Listing("pid", "user", "consumer_count", "messages_unacknowledged")
            .from("pid", "name")
            .from("connection", "connection_details", "name")
            .field("name", "number", "user", "vhost", "transactional", "confirm", "consumer_count",
                    "messages_unacknowledged", "messages_uncommitted", "acks_uncommitted", "messages_unconfirmed",
                    "prefetch_count", "global_prefetch_count", "state");
    static final Listing CONSUMERS = new Listing("queue_name", "channel_pid", "consumer_tag", "ack_required",
            "prefetch_count", "active", "arguments")
            .from("queue_name", "queue", "name")
            .from("channel_pid", "channel_details", "name")
            .field("consumer_tag", "ack_required", "prefetch_count", "active", "activity_status", "arguments");

    private static final Pattern AMQP_VERSION = Pattern.compile("AMQP (\\d+)-(\\d+)(?:-(\\d+))?");

    private ListCommands() {
    }

    static List<Command> all() {
        return List.of(
                list("list_queues", "Lists queues and their properties", QUEUES, true,
                        c -> c.out().banner("Timeout: " + c.settings().timeout().toMillis() / 1000.0 + " seconds ..."),
                        "Listing queues for vhost %s ...", "queues")
                        .withOptions("online", "offline", "local"),
                list("list_exchanges", "Lists exchanges", EXCHANGES, true, c -> { },
                        "Listing exchanges for vhost %s ...", "exchanges"),
                list("list_bindings", "Lists all bindings on a vhost", BINDINGS, true, c -> { },
                        "Listing bindings for vhost %s...", "bindings"),
                list("list_connections", "Lists AMQP 0.9.1 connections for the node", CONNECTIONS, false, c -> { },
                        "Listing connections ...", "connections"),
                list("list_channels", "Lists all channels in the node", CHANNELS, false, c -> { },
                        "Listing channels ...", "channels"),
                list("list_consumers", "Lists all consumers for a vhost", CONSUMERS, true, c -> { },
                        "Listing consumers in vhost %s ...", "consumers"));
    }

    @FunctionalInterface
    private interface Preamble {
        void print(Context c);
    }

    /** A listing read from {@code /api/RESOURCE/VHOST} (per vhost) or {@code /api/RESOURCE} (node-wide). */
    private static Command list(String name, String description, Listing listing, boolean perVhost, Preamble preamble,
                                String banner, String resource) {
        String synopsis = (perVhost ? "[--vhost <vhost>] " : "") + "[--no-table-headers] [<column> ...]";
        return Command.of(name, synopsis, description + "; columns: " + String.join(", ", listing.columnNames()), 0, -1,
                c -> {
                    List<String> columns = listing.select(c.invocation().arguments());
                    preamble.print(c);
                    c.out().banner(perVhost ? String.format(banner, c.vhost()) : banner);
                    JsonNode objects = perVhost ? AccessCommands.vhostList(c, path(resource, c.vhost()))
                            : c.api().getJson(path(resource));
                    c.out().table(columns, listing.rows(objects, columns), Output.WhenEmpty.NOTHING);
                });
    }

    /** rabbitmqctl prints the protocol as the Erlang tuple {0,9,1}; the API says "AMQP 0-9-1". */
    static JsonNode protocol(JsonNode connection) {
        JsonNode p = connection.path("protocol");
        if (!p.isTextual()) {
            return MissingNode.getInstance();
        }
        Matcher m = AMQP_VERSION.matcher(p.asText());
        if (!m.matches()) {
            return p;
        }
        return TextNode.valueOf("{" + m.group(1) + "," + m.group(2) + (m.group(3) == null ? "" : "," + m.group(3)) + "}");
    }
}
