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

    static final Setting<Listener> LISTENERS_TCP = new Setting<>("listeners.tcp.$name", ValueType.listener(),
            "5672", "AMQP listener: a port, or host:port; add more as listeners.tcp.NAME (0 = pick a free port).");
    static final Setting<Path> DATA_DIR = new Setting<>("data_dir", ValueType.path(),
            "./data", "Folder where definitions and messages are stored.");
    static final Setting<Optional<Path>> PORT_FILE = new Setting<>("port_file", ValueType.optionalPath(),
            "", "If set, the broker writes the TCP port it actually bound to this file (empty = unset).");
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

    /** In the order conf/leveret.conf lists them. */
    static final List<Setting<?>> ALL = List.of(LISTENERS_TCP, DATA_DIR, PORT_FILE, HEARTBEAT, FRAME_MAX,
            CHANNEL_MAX, DEFAULT_USER, DEFAULT_PASS, DEFAULT_VHOST, MAX_MESSAGE_SIZE, HANDSHAKE_TIMEOUT);

    private Settings() {
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
