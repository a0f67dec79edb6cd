package io.leveret.server.management;

import io.leveret.server.protocol.BrokerServices;
import java.time.Instant;
import java.util.List;

/**
 * What the API's areas read and change: the broker's services (users, vhosts, limits, alarms), and facts
 * about this node.
 *
 * @param nodeName  this node's name as RabbitMQ spells it ({@code rabbit@host}): {@code leveret@host}
 * @param amqpPorts the AMQP listeners' bound ports
 * @param tlsPorts  the AMQPS listeners' bound ports
 * @param started   when the broker started (overview and nodes report uptime)
 */
public record ManagementContext(BrokerServices services, String nodeName, List<Integer> amqpPorts,
                                List<Integer> tlsPorts, Instant started) {
    public ManagementContext {
        amqpPorts = List.copyOf(amqpPorts);
        tlsPorts = List.copyOf(tlsPorts);
    }

    /** The cluster name clients see: cluster_name, or the node name when unset. */
    public String clusterName() {
        return services.clusterName().isEmpty() ? nodeName : services.clusterName();
    }
}
