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
        List<String> warnings) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        warnings = List.copyOf(warnings);
    }

    /** The built-in defaults: what the broker runs with when nothing is configured. */
    public static BrokerConfig defaults() {
        return ConfigLoader.resolve(Map.of(), List.of());
    }
}
