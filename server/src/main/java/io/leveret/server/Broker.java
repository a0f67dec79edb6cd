package io.leveret.server;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.Listener;
import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.protocol.ProtocolSettings;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.transport.AmqpServer;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.server.vhost.Persistence;
import io.leveret.server.vhost.Queue;
import io.leveret.store.Store;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.VhostDefinition;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.RecoveredMessage;
import java.io.IOException;
import java.util.HashMap;
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
    private final Store store;
    private final List<Integer> ports;

    private Broker(AmqpServer server, Store store, List<Integer> ports) {
        this.server = server;
        this.store = store;
        this.ports = ports;
    }

    /**
     * Starts a broker: opens the store, brings back the durable definitions and messages, and only then
     * binds the listeners. It is serving when this returns.
     */
    public static Broker start(BrokerConfig config) throws IOException, InterruptedException {
        Files.createDirectories(config.dataDir());
        Store store = Store.open(config.dataDir());
        AmqpServer server = new AmqpServer();
        try {
            Map<String, VirtualHost> vhosts = recover(store, server, config);
            UserDatabase users = new UserDatabase();
            users.put(config.defaultUser(), config.defaultPass(), Set.of(config.defaultVhost()));
            ProtocolSettings settings = new ProtocolSettings(config.channelMax(), config.frameMax(),
                    config.heartbeat(), config.maxMessageSize(), config.handshakeTimeoutMillis());
            BrokerServices services = new BrokerServices(settings, users, Map.copyOf(vhosts));
            List<Integer> ports = new ArrayList<>();
            for (Listener l : config.listeners()) {
                int port = server.listen(l.host(), l.port(), services);
                ports.add(port);
                LOG.info("listening for AMQP 0-9-1 on {}:{}", l.host() == null ? "*" : l.host(), port);
            }
            if (config.portFile() != null && !ports.isEmpty()) {
                writeAtomically(config.portFile(), Integer.toString(ports.get(0)));
            }
            return new Broker(server, store, List.copyOf(ports));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            store.close();
            throw e;
        }
    }

    /**
     * The durable model first (through the same paths AMQP declares take), then each durable queue's
     * messages, in order; bodies stay on disk until a consumer needs them. A data_dir without any vhost
     * gets default_vhost, as RabbitMQ does on first boot.
     */
    private static Map<String, VirtualHost> recover(Store store, AmqpServer server, BrokerConfig config) {
        long start = System.nanoTime();
        Definitions defs = store.definitions().snapshot();
        if (defs.vhosts().isEmpty()) {
            store.definitions().apply(new Change.PutVhost(new VhostDefinition(config.defaultVhost()))).join();
            defs = store.definitions().snapshot();
        }
        Persistence persistence = new Persistence(store.definitions(), store.messages());
        Map<String, VirtualHost> vhosts = new HashMap<>();
        for (VhostDefinition vd : defs.vhosts()) {
            VirtualHost v = new VirtualHost(vd.name(), server.workers(), persistence);
            v.recover(defs);
            vhosts.put(v.name(), v);
        }
        long messages = 0;
        for (Map.Entry<QueueName, List<RecoveredMessage>> e : store.messages().recover().entrySet()) {
            VirtualHost v = vhosts.get(e.getKey().vhost());
            Queue q = v == null ? null : v.queue(e.getKey().name());
            if (q == null) {
                LOG.warn("message log has {} messages for {}, which is not defined; they are dropped",
                        e.getValue().size(), e.getKey());
                store.messages().dropQueue(e.getKey());
                continue;
            }
            List<RecoveredMessage> list = e.getValue();
            messages += list.size();
            q.execute(() -> q.recover(list));
        }
        LOG.info("recovered {} vhosts, {} exchanges, {} queues, {} bindings and {} messages in {} ms",
                defs.vhosts().size(), defs.exchanges().size(), defs.queues().size(), defs.bindings().size(), messages,
                (System.nanoTime() - start) / 1_000_000);
        return vhosts;
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
        try {
            store.close();
        } catch (IOException e) {
            LOG.error("closing the store failed", e);
        }
        LOG.info("broker stopped");
    }
}
