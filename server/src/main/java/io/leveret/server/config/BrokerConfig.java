package io.leveret.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The broker's whole configuration, immutable, as resolved from command line, environment, file and
 * built-in defaults by {@link ConfigLoader}. Key names in the comments are rabbitmq.conf's.
 *
 * @param listeners      {@code listeners.tcp.*}, in file order; never empty ({@code 5672} if none is set)
 * @param dataDir        {@code data_dir}: folder for the store
 * @param portFile       {@code port_file}: where to write the bound TCP port after binding, or {@code null}
 * @param heartbeat      {@code heartbeat}: seconds proposed in connection.tune; 0 disables heartbeats
 * @param frameMax       {@code frame_max}: bytes proposed in connection.tune; 0 means no limit (AMQP 4.2.3)
 * @param channelMax     {@code channel_max}: highest channel number; 0 in the file is stored as 65535
 * @param defaultUser    {@code default_user}: user created on first boot
 * @param defaultPass    {@code default_pass}: that user's password
 * @param defaultVhost   {@code default_vhost}: virtual host created on first boot
 * @param maxMessageSize {@code max_message_size}: largest message body accepted, bytes
 * @param handshakeTimeoutMillis {@code handshake_timeout}: time allowed from socket open to connection.open
 * @param tls            {@code listeners.ssl.*} and {@code ssl_options.*}
 * @param security       users, permissions and authentication: {@code default_user_tags.*},
 *                       {@code default_permissions.*}, {@code loopback_users*}, {@code auth_mechanisms.*}
 * @param resources      {@code connection_max}, {@code vm_memory_high_watermark.*}, {@code disk_free_limit.*}
 * @param loadDefinitions {@code load_definitions}: a RabbitMQ definitions file imported at boot, or null
 * @param log            {@code log.console.level}, {@code log.file}, {@code log.file.level}
 * @param clusterName    {@code cluster_name}: announced in connection.start; empty for the node name
 * @param nodeName       {@code nodename} (or {@code $LEVERET_NODENAME}): this node's NAME@HOST, the one name the
 *                       management API, Prometheus and connection.start use for it
 * @param cluster        {@code cluster_formation.*} and {@code distribution.listener.*}: the metadata group's
 *                       members, or null for a single node (no cluster keys)
 * @param management     {@code management.enabled}, {@code management.tcp.ip}, {@code management.tcp.port},
 *                       {@code management.port_file}
 * @param metrics        {@code collect_statistics_interval}, {@code management_agent.disable_metrics_collector},
 *                       {@code prometheus.*}
 * @param warnings       settings that were recognised but ignored (e.g. RabbitMQ keys Leveret does not
 *                       support yet); Main logs each one at WARN
 */
public record BrokerConfig(
        List<Listener> listeners,
        Path dataDir,
        Path portFile,
        int heartbeat,
        int frameMax,
        int channelMax,
        String defaultUser,
        String defaultPass,
        String defaultVhost,
        long maxMessageSize,
        int handshakeTimeoutMillis,
        Tls tls,
        Security security,
        Resources resources,
        Path loadDefinitions,
        Log log,
        String clusterName,
        String nodeName,
        Cluster cluster,
        Management management,
        Metrics metrics,
        List<String> warnings) {

    /**
     * TLS listeners and their PEM files.
     *
     * @param verifyPeer       {@code ssl_options.verify = verify_peer}
     * @param failIfNoPeerCert {@code ssl_options.fail_if_no_peer_cert}
     */
    public record Tls(List<Listener> listeners, Path caCertFile, Path certFile, Path keyFile, boolean verifyPeer,
                      boolean failIfNoPeerCert) {
        public Tls {
            listeners = List.copyOf(listeners);
        }
    }

    /**
     * @param defaultUserTags  tags of default_user
     * @param defaultConfigure default_user's permissions in default_vhost: configure, write, read expressions
     * @param loopbackUsers    users allowed only from loopback addresses
     * @param authMechanisms   SASL mechanisms offered, in order
     */
    public record Security(List<String> defaultUserTags, String defaultConfigure, String defaultWrite,
                           String defaultRead, java.util.Set<String> loopbackUsers, List<String> authMechanisms) {
        public Security {
            defaultUserTags = List.copyOf(defaultUserTags);
            loopbackUsers = java.util.Set.copyOf(loopbackUsers);
            authMechanisms = List.copyOf(authMechanisms);
        }
    }

    /**
     * @param connectionMax            most open connections; {@link Integer#MAX_VALUE} for no limit
     * @param memoryRelative           memory alarm fraction of the JVM's memory, used when memoryAbsolute is -1
     * @param memoryAbsolute           memory alarm threshold in bytes, or -1
     * @param pagingRatio              fraction of the memory alarm threshold all queues' bodies may take
     * @param diskFreeAbsolute         disk alarm limit in bytes, used when diskFreeRelative is -1
     * @param diskFreeRelative         disk alarm limit as a multiple of total RAM, or -1
     */
    public record Resources(int connectionMax, double memoryRelative, long memoryAbsolute, double pagingRatio,
                            long diskFreeAbsolute, double diskFreeRelative) {
    }

    /**
     * The management HTTP API listener.
     *
     * @param ip       address to bind, or null for every interface
     * @param port     0 picks a free port
     * @param portFile where to write the bound port, or null
     */
    public record Management(boolean enabled, String ip, int port, Path portFile) {
    }

    /**
     * Statistics and the Prometheus endpoint.
     *
     * @param collectIntervalMillis {@code collect_statistics_interval}
     * @param collect               not {@code management_agent.disable_metrics_collector}
     * @param prometheusIp          {@code prometheus.tcp.ip}; empty for every interface
     * @param prometheusPort        {@code prometheus.tcp.port}; 0 picks a free one
     * @param prometheusPortFile    {@code prometheus.port_file}: where to write the bound port, or null
     * @param perObject             {@code prometheus.return_per_object_metrics}
     */
    public record Metrics(int collectIntervalMillis, boolean collect, String prometheusIp, int prometheusPort,
                          Path prometheusPortFile, boolean perObject) {
    }

    /**
     * A cluster: the nodes of {@code cluster_formation.classic_config.nodes.*}, this one among them.
     *
     * @param name              the cluster's identity: {@code cluster_name}, else the first node name in sort order,
     *                          so that every node with the same list derives the same one
     * @param nodes             every member's NAME@HOST, in file order, without repeats
     * @param listenerInterface {@code distribution.listener.interface}: the address the Raft listener binds, or
     *                          null for every interface
     * @param port              {@code distribution.listener.port_range.min}: the Raft port, the same on every node
     */
    /** @param metadataTimeoutMillis how long a topology change waits for a majority (cluster.metadata_timeout) */
    public record Cluster(String name, List<String> nodes, String listenerInterface, int port,
                          int metadataTimeoutMillis) {
        public Cluster {
            nodes = List.copyOf(nodes);
        }

        /** With the default metadata timeout, 30 s. */
        public Cluster(String name, List<String> nodes, String listenerInterface, int port) {
            this(name, nodes, listenerInterface, port, 30_000);
        }

        /** The HOST of a node name NAME@HOST: where that node's Raft listener is reached. */
        public static String hostOf(String nodeName) {
            return nodeName.substring(nodeName.indexOf('@') + 1);
        }
    }

    /** @param file log file, or null for standard error */
    public record Log(String consoleLevel, Path file, String fileLevel) {
    }

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        warnings = List.copyOf(warnings);
    }

    /** The built-in defaults: what the broker runs with when nothing is configured. */
    public static BrokerConfig defaults() {
        return ConfigLoader.resolve(Map.of(), List.of());
    }
}
