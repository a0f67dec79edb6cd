package io.leveret.server.protocol;

import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.VirtualHost;
import java.util.List;
import java.util.Map;

/**
 * What a connection needs from the broker: its settings, the users, the virtual hosts by name, the
 * connection and queue limits, the resource alarms, and the SASL mechanisms offered (auth_mechanisms, in
 * order), the cluster name announced in connection.start (empty for the node name), this node's name
 * (NAME@HOST), and the open
 * connections, and the {@link io.leveret.server.admin.Admin} that changes users, permissions, limits,
 * policies and vhosts at runtime (null where nothing may change them). {@code vhosts} is the live map: vhosts added and deleted at runtime appear and go in it.
 */
public record BrokerServices(ProtocolSettings settings, UserDatabase users, Map<String, VirtualHost> vhosts,
                             Limits limits, ResourceAlarms alarms, List<String> mechanisms, String clusterName,
                             String nodeName, OpenConnections connections, io.leveret.server.admin.Admin admin) {
    public BrokerServices {
        mechanisms = List.copyOf(mechanisms);
    }

    /** No limits, no alarms, RabbitMQ's default mechanisms. */
    public BrokerServices(ProtocolSettings settings, UserDatabase users, Map<String, VirtualHost> vhosts) {
        this(settings, users, vhosts, Limits.none(), ResourceAlarms.none(), List.of("PLAIN", "AMQPLAIN"), "",
                "leveret@localhost", new OpenConnections(), null);
    }
}
