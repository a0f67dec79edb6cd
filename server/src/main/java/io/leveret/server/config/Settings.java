package io.leveret.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The key table: every key Leveret honours, the single source of truth for parsing, defaults and the
 * sample file conf/leveret.conf (a test holds the two in agreement). Names, meanings and defaults are
 * RabbitMQ's, except {@code data_dir} and {@code port_file}, which are ours.
 */
final class Settings {

    /** RabbitMQ's own cap on max_message_size (rabbit.schema validator "max_message_size"). */
    static final long MAX_MESSAGE_SIZE_CAP = 536_870_912L;
    /** What nodename's default and a bare NAME are completed with: the machine's host name. */
    static final String HOST_NAME = hostName();

    static final Setting<Listener> LISTENERS_TCP = new Setting<>("listeners.tcp.$name", ValueType.listener(),
            "5672", "AMQP listener: a port, or host:port; add more as listeners.tcp.NAME (0 = pick a free port).");
    static final Setting<Path> DATA_DIR = new Setting<>("data_dir", ValueType.path(),
            "./data", "Folder where definitions and messages are stored.");
    static final Setting<Optional<Path>> PORT_FILE = new Setting<>("port_file", ValueType.optionalPath(),
            "", "If set, the broker writes the TCP port it bound to this file (and its first TLS port to FILE.tls).");
    static final Setting<Integer> HEARTBEAT = new Setting<>("heartbeat", ValueType.integer(0, 65535),
            "60", "Heartbeat timeout proposed to clients, in seconds (0 = no heartbeats).");
    static final Setting<Integer> FRAME_MAX = new Setting<>("frame_max", ValueType.frameMax(),
            "131072", "Largest frame accepted, in bytes: 0 (no limit) or at least 4096.");
    static final Setting<Integer> CHANNEL_MAX = new Setting<>("channel_max", ValueType.integer(0, 65535),
            "2047", "Highest channel number per connection, 0..65535 (0 = no limit, i.e. 65535).");
    static final Setting<String> DEFAULT_USER = new Setting<>("default_user", ValueType.nonEmptyText(),
            "guest", "User created when the broker starts with an empty data_dir.");
    static final Setting<String> DEFAULT_PASS = new Setting<>("default_pass", ValueType.anyText(),
            "guest", "Password of default_user.");
    static final Setting<String> DEFAULT_VHOST = new Setting<>("default_vhost", ValueType.nonEmptyText(),
            "/", "Virtual host created when the broker starts with an empty data_dir.");
    static final Setting<Long> MAX_MESSAGE_SIZE = new Setting<>("max_message_size",
            ValueType.size(1, MAX_MESSAGE_SIZE_CAP),
            "134217728", "Largest message body accepted, in bytes (at most 536870912, as in RabbitMQ).");
    static final Setting<Integer> HANDSHAKE_TIMEOUT = new Setting<>("handshake_timeout",
            ValueType.millisOrInfinity(),
            "10000", "Time a client has from opening the socket to connection.open, in milliseconds.");

    static final Setting<Optional<Listener>> LISTENERS_SSL = new Setting<>("listeners.ssl.$name",
            ValueType.optionalListener(), "",
            "AMQPS (TLS) listener: a port, or host:port (empty = none; RabbitMQ's is 5671); needs ssl_options.*.");
    static final Setting<Optional<Path>> SSL_CACERTFILE = new Setting<>("ssl_options.cacertfile",
            ValueType.optionalPath(), "", "PEM file of the CA certificates that client certificates are checked against.");
    static final Setting<Optional<Path>> SSL_CERTFILE = new Setting<>("ssl_options.certfile",
            ValueType.optionalPath(), "", "PEM file of the server's certificate (chain).");
    static final Setting<Optional<Path>> SSL_KEYFILE = new Setting<>("ssl_options.keyfile",
            ValueType.optionalPath(), "", "PEM file of the server's private key, unencrypted PKCS#8 (\"BEGIN PRIVATE KEY\").");
    static final Setting<String> SSL_VERIFY = new Setting<>("ssl_options.verify",
            ValueType.oneOf("verify_none", "verify_peer"), "verify_none",
            "verify_peer asks clients for a certificate and checks it against cacertfile; verify_none does not ask.");
    static final Setting<Boolean> SSL_FAIL_IF_NO_PEER_CERT = new Setting<>("ssl_options.fail_if_no_peer_cert",
            ValueType.bool(), "false", "With verify_peer: true refuses a client without a certificate (mutual TLS).");
    static final Setting<Boolean> DEFAULT_USER_TAGS = Setting.family("default_user_tags.$name", ValueType.bool(),
            "administrator", "true", java.util.Map.of(),
            "Tags of default_user, one key per tag set to true; setting any replaces the default.");
    static final Setting<String> DEFAULT_PERMISSIONS_CONFIGURE = new Setting<>("default_permissions.configure",
            ValueType.anyText(), ".*", "default_user's configure permission in default_vhost (a regular expression).");
    static final Setting<String> DEFAULT_PERMISSIONS_WRITE = new Setting<>("default_permissions.write",
            ValueType.anyText(), ".*", "default_user's write permission in default_vhost (a regular expression).");
    static final Setting<String> DEFAULT_PERMISSIONS_READ = new Setting<>("default_permissions.read",
            ValueType.anyText(), ".*", "default_user's read permission in default_vhost (a regular expression).");
    static final Setting<String> LOOPBACK_USERS_NONE = new Setting<>("loopback_users",
            ValueType.oneOf("", "none"), "",
            "'none' lets every user connect from anywhere, guest included (overrides loopback_users.*).");
    static final Setting<Boolean> LOOPBACK_USERS = Setting.family("loopback_users.$name", ValueType.bool(),
            "guest", "true", java.util.Map.of(),
            "Users that may only connect from a loopback address, one key per user; setting any replaces the default.");
    static final Setting<Integer> CONNECTION_MAX = new Setting<>("connection_max", ValueType.countOrInfinity(),
            "infinity", "Most client connections open at once; connection.open beyond it is refused with 530.");
    static final Setting<java.util.OptionalDouble> VM_MEMORY_HIGH_WATERMARK_RELATIVE = new Setting<>(
            "vm_memory_high_watermark.relative", ValueType.optionalFraction(0, 1), "0.4",
            "Memory alarm threshold as a fraction of the JVM's memory (max heap + max direct memory).");
    static final Setting<java.util.OptionalLong> VM_MEMORY_HIGH_WATERMARK_ABSOLUTE = new Setting<>(
            "vm_memory_high_watermark.absolute", ValueType.optionalSize(), "",
            "Memory alarm threshold in bytes; when set it replaces the relative one.");
    static final Setting<java.util.OptionalDouble> VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO = new Setting<>(
            "vm_memory_high_watermark_paging_ratio", ValueType.optionalFraction(0, 1), "0.5",
            "Fraction of the memory high watermark that all queues' bodies may take before queues page them out.");
    static final Setting<java.util.OptionalLong> DISK_FREE_LIMIT_ABSOLUTE = new Setting<>("disk_free_limit.absolute",
            ValueType.optionalSize(), "50MB", "Disk alarm when data_dir's file system has less free space, in bytes.");
    static final Setting<java.util.OptionalDouble> DISK_FREE_LIMIT_RELATIVE = new Setting<>("disk_free_limit.relative",
            ValueType.optionalFraction(0, 100), "",
            "Disk alarm limit as a multiple of the machine's total memory; when set it replaces the absolute one.");
    static final Setting<Optional<Path>> LOAD_DEFINITIONS = new Setting<>("load_definitions",
            ValueType.optionalPath(), "", "RabbitMQ definitions JSON file imported at every boot (idempotent).");
    static final Setting<String> AUTH_MECHANISMS = Setting.family("auth_mechanisms.$name",
            ValueType.oneOf("PLAIN", "AMQPLAIN", "EXTERNAL"), "1", "PLAIN", java.util.Map.of("2", "AMQPLAIN"),
            "SASL mechanisms offered, in order (PLAIN, AMQPLAIN, EXTERNAL); setting any replaces the default.");
    static final Setting<String> LOG_CONSOLE_LEVEL = new Setting<>("log.console.level", logLevel(), "info",
            "Level of log lines written to standard error, with or without log.file (none: no console).");
    static final Setting<Optional<Path>> LOG_FILE = new Setting<>("log.file", ValueType.optionalPath(), "",
            "If set, log lines also go to this file (appended to), at log.file.level.");
    static final Setting<String> LOG_FILE_LEVEL = new Setting<>("log.file.level", logLevel(), "info",
            "Level of log lines written to log.file.");
    static final Setting<String> CLUSTER_NAME = new Setting<>("cluster_name", ValueType.anyText(), "",
            "Name announced to clients in connection.start, and the cluster's identity (empty = the node name).");
    static final Setting<String> NODENAME = new Setting<>("nodename", ValueType.nodeName(HOST_NAME), "",
            "This node's name, NAME@HOST (NAME alone gets @HOSTNAME; empty = leveret@HOSTNAME); also $LEVERET_NODENAME.");
    static final Setting<String> PEER_DISCOVERY_BACKEND = new Setting<>("cluster_formation.peer_discovery_backend",
            ValueType.oneOf("classic_config", "rabbit_peer_discovery_classic_config"), "classic_config",
            "How nodes find each other: classic_config (or rabbit_peer_discovery_classic_config), the list below.");
    static final Setting<Optional<String>> CLASSIC_CONFIG_NODES = Setting.family(
            "cluster_formation.classic_config.nodes.$name", ValueType.optionalNodeName(), "1", "", java.util.Map.of(),
            "Cluster members NAME@HOST, one key per node, this node included (none = a single node, no cluster).");
    static final Setting<String> DISTRIBUTION_INTERFACE = new Setting<>("distribution.listener.interface",
            ValueType.ipAddressOrEmpty(), "",
            "Address the cluster (Raft) listener binds, in a cluster (empty = every interface).");
    static final Setting<Integer> DISTRIBUTION_PORT = new Setting<>("distribution.listener.port_range.min",
            ValueType.integer(1, 65535), "25672",
            "Cluster (Raft) port; every node uses the same one, at the HOST of its node name.");
    static final Setting<Integer> METADATA_TIMEOUT = new Setting<>("cluster.metadata_timeout",
            ValueType.integer(100, 3_600_000), "30000",
            "Milliseconds a topology change waits for a majority of the cluster before it fails (541, as RabbitMQ's).");
    static final Setting<Integer> COLLECT_STATISTICS_INTERVAL = new Setting<>("collect_statistics_interval",
            ValueType.integer(100, 3_600_000), "5000",
            "Milliseconds between statistics samples: the period of message rates and of the API's samples.");
    static final Setting<Boolean> DISABLE_METRICS_COLLECTOR = new Setting<>(
            "management_agent.disable_metrics_collector", ValueType.bool(), "false",
            "true stops statistics sampling: the management API then shows no message_stats or rates.");
    static final Setting<Integer> PROMETHEUS_TCP_PORT = new Setting<>("prometheus.tcp.port",
            ValueType.integer(0, 65535), "15692", "Port of the Prometheus endpoint /metrics (0 = pick a free port).");
    static final Setting<String> PROMETHEUS_TCP_IP = new Setting<>("prometheus.tcp.ip", ValueType.anyText(), "",
            "Address the Prometheus endpoint listens on (empty = every interface).");
    static final Setting<Optional<Path>> PROMETHEUS_PORT_FILE = new Setting<>("prometheus.port_file",
            ValueType.optionalPath(), "", "If set, the broker writes the Prometheus port it bound to this file.");
    static final Setting<Boolean> PROMETHEUS_PER_OBJECT = new Setting<>("prometheus.return_per_object_metrics",
            ValueType.bool(), "false", "true makes /metrics answer per object, as /metrics/per-object does.");

    static final Setting<Boolean> MANAGEMENT_ENABLED = new Setting<>("management.enabled", ValueType.bool(), "true",
            "Serve the management HTTP API (Leveret's own key; RabbitMQ enables it as a plugin).");
    static final Setting<Integer> MANAGEMENT_TCP_PORT = new Setting<>("management.tcp.port",
            ValueType.integer(0, 65535), "15672", "Management HTTP API port (0 = pick a free port).");
    static final Setting<String> MANAGEMENT_TCP_IP = new Setting<>("management.tcp.ip", ValueType.anyText(), "",
            "Address the management HTTP API listens on (empty = every interface).");
    static final Setting<Optional<Path>> MANAGEMENT_PORT_FILE = new Setting<>("management.port_file",
            ValueType.optionalPath(), "",
            "If set, the broker writes the management port it bound to this file, before port_file (Leveret's own key).");

    /** In the order conf/leveret.conf lists them. */
    static final List<Setting<?>> ALL = List.of(LISTENERS_TCP, DATA_DIR, PORT_FILE, HEARTBEAT, FRAME_MAX,
            CHANNEL_MAX, DEFAULT_USER, DEFAULT_PASS, DEFAULT_VHOST, MAX_MESSAGE_SIZE, HANDSHAKE_TIMEOUT,
            LISTENERS_SSL, SSL_CACERTFILE, SSL_CERTFILE, SSL_KEYFILE, SSL_VERIFY, SSL_FAIL_IF_NO_PEER_CERT,
            DEFAULT_USER_TAGS, DEFAULT_PERMISSIONS_CONFIGURE, DEFAULT_PERMISSIONS_WRITE, DEFAULT_PERMISSIONS_READ,
            LOOPBACK_USERS_NONE, LOOPBACK_USERS, CONNECTION_MAX, VM_MEMORY_HIGH_WATERMARK_RELATIVE,
            VM_MEMORY_HIGH_WATERMARK_ABSOLUTE, VM_MEMORY_HIGH_WATERMARK_PAGING_RATIO, DISK_FREE_LIMIT_ABSOLUTE, DISK_FREE_LIMIT_RELATIVE, LOAD_DEFINITIONS,
            AUTH_MECHANISMS, LOG_CONSOLE_LEVEL, LOG_FILE, LOG_FILE_LEVEL, CLUSTER_NAME, NODENAME,
            PEER_DISCOVERY_BACKEND, CLASSIC_CONFIG_NODES, DISTRIBUTION_INTERFACE, DISTRIBUTION_PORT,
            METADATA_TIMEOUT,
            COLLECT_STATISTICS_INTERVAL, DISABLE_METRICS_COLLECTOR, PROMETHEUS_TCP_PORT, PROMETHEUS_TCP_IP,
            PROMETHEUS_PORT_FILE, PROMETHEUS_PER_OBJECT, MANAGEMENT_ENABLED, MANAGEMENT_TCP_PORT, MANAGEMENT_TCP_IP,
            MANAGEMENT_PORT_FILE);

    /** RabbitMQ's log levels. */
    private static ValueType<String> logLevel() {
        return ValueType.oneOf("debug", "info", "notice", "warning", "error", "critical", "none");
    }

    private Settings() {
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** The table row a key belongs to, or null if Leveret does not honour it. */
    static Setting<?> find(String key) {
        for (Setting<?> setting : ALL) {
            if (setting.matches(key)) {
                return setting;
            }
        }
        return null;
    }
}
