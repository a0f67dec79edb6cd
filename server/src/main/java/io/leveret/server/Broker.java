package io.leveret.server;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.Listener;
import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.protocol.ProtocolSettings;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.transport.AmqpServer;
import io.leveret.server.vhost.VirtualHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker, wired by hand: configuration, virtual hosts, users, then the listeners. */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final AmqpServer server;
    private final List<Integer> ports;

    private Broker(AmqpServer server, List<Integer> ports) {
        this.server = server;
        this.ports = ports;
    }

    /** Starts a broker; it is serving when this returns. */
    public static Broker start(BrokerConfig config) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        AmqpServer server = new AmqpServer();
        try {
            VirtualHost vhost = new VirtualHost(config.defaultVhost(), server.workers());
            UserDatabase users = new UserDatabase();
            users.put(config.defaultUser(), config.defaultPass(), Set.of(config.defaultVhost()));
            ProtocolSettings settings = new ProtocolSettings(config.channelMax(), config.frameMax(),
                    config.heartbeat(), config.maxMessageSize(), config.handshakeTimeoutMillis());
            BrokerServices services = new BrokerServices(settings, users, Map.of(vhost.name(), vhost));
            List<Integer> ports = new ArrayList<>();
            for (Listener l : config.listeners()) {
                int port = server.listen(l.host(), l.port(), services);
                ports.add(port);
                LOG.info("listening for AMQP 0-9-1 on {}:{}", l.host() == null ? "*" : l.host(), port);
            }
            if (config.portFile() != null && !ports.isEmpty()) {
                writeAtomically(config.portFile(), Integer.toString(ports.get(0)));
            }
            return new Broker(server, List.copyOf(ports));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Writes to a temporary file and renames it, so that a reader never sees half a port number. */
    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The bound ports, in the order of the configured listeners. */
    public List<Integer> ports() {
        return ports;
    }

    @Override
    public void close() {
        server.close();
        LOG.info("broker stopped");
    }
}
