package io.leveret.server.management;

import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.stats.Statistics;
import io.leveret.server.vhost.Persistence;
import io.leveret.store.definitions.DefinitionStore;
import io.netty.util.concurrent.EventExecutorGroup;
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
 * @param definitions the durable definitions (vhosts are created and deleted there)
 * @param persistence what a new vhost stores its queues' messages through
 * @param queueLoops  the loops a new vhost places its queues on
 * @param boundPort   the management listener's port, set once bound
 * @param statistics  message rates and sampled lengths for the rows
 * @param app         the AMQP listeners, which stop_app and start_app close and open again
 * @param cluster     the cluster this node is a member of, or null for a single node
 */
public record ManagementContext(BrokerServices services, String nodeName, List<Integer> amqpPorts,
                                List<Integer> tlsPorts, Instant started, DefinitionStore definitions,
                                Persistence persistence, EventExecutorGroup queueLoops,
                                java.util.concurrent.atomic.AtomicInteger boundPort,
                                Statistics statistics, AmqpApplication app,
                                io.leveret.server.cluster.ClusterMembership cluster) {
    public ManagementContext {
        amqpPorts = List.copyOf(amqpPorts);
        tlsPorts = List.copyOf(tlsPorts);
    }

    /** rabbitmqctl stop_app and start_app, for the AMQP side only: the management listener stays up. */
    public interface AmqpApplication {
        /** Closes the AMQP listeners and every open connection (320 CONNECTION_FORCED, reason 'shutdown'). */
        void stop();

        /** Listens again on the same AMQP listeners. */
        void start() throws InterruptedException;

        boolean running();
    }

    /** The management listener's own port, known once it is bound (health checks list it). */
    public int managementPort() {
        return boundPort.get();
    }

    /** Set by the server once bound. */
    void managementPort(int port) {
        boundPort.set(port);
    }

    /** The cluster name clients see: cluster_name, or the node name when unset. */
    public String clusterName() {
        return services.clusterName().isEmpty() ? nodeName : services.clusterName();
    }
}
