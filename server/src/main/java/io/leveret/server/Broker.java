package io.leveret.server;

import io.leveret.server.admin.Admin;
import io.leveret.server.admin.CommittedChanges;
import io.leveret.server.cluster.ClusterMembership;
import io.leveret.server.cluster.Clustering;
import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.Listener;
import io.leveret.server.management.ManagementContext;
import io.leveret.server.management.ManagementServer;
import io.leveret.server.protocol.BrokerServices;
import io.leveret.server.protocol.OpenConnections;
import io.leveret.server.protocol.ProtocolSettings;
import io.leveret.server.definitions.DefinitionsFile;
import io.leveret.server.definitions.PolicyForm;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.Limits;
import io.leveret.server.protocol.ResourceAlarms;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.User;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.transport.TlsContext;
import io.leveret.store.definitions.ParameterDefinition;
import io.leveret.store.definitions.PermissionDefinition;
import io.leveret.store.definitions.TopicPermissionDefinition;
import io.leveret.store.definitions.UserDefinition;
import io.netty.handler.ssl.SslContext;
import io.netty.util.internal.PlatformDependent;
import io.leveret.server.prometheus.PrometheusServer;
import io.leveret.server.prometheus.RabbitMetrics;
import io.leveret.server.stats.Statistics;
import io.leveret.server.transport.AmqpServer;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.server.vhost.DiskIo;
import io.leveret.server.vhost.PagingBudget;
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
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker, wired by hand: configuration, virtual hosts, users, then the listeners. */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final AmqpServer server;
    private final Store store;
    private final Persistence persistence;
    private final ResourceAlarms alarms;
    private final List<Integer> ports;
    private final List<Integer> tlsPorts;
    private final BrokerServices services;
    private final Admin admin;
    private final ManagementServer management;
    private final Statistics statistics;
    private final PrometheusServer prometheus;
    private final Map<String, VirtualHost> vhosts;
    /** The cluster this node is a member of; null for a single node, which loads no Ratis class at all. */
    private final ClusterMembership cluster;
    /** In a cluster: what this node does with committed changes, and the first-boot seeding; else null. */
    private CommittedChanges committed;
    private Thread seeding;

    private Broker(AmqpServer server, Store store, Persistence persistence, ResourceAlarms alarms, List<Integer> ports,
                   List<Integer> tlsPorts, BrokerServices services, Admin admin, ManagementServer management,
                   Statistics statistics, PrometheusServer prometheus, Map<String, VirtualHost> vhosts,
                   ClusterMembership cluster) {
        this.cluster = cluster;
        this.management = management;
        this.vhosts = vhosts;
        this.server = server;
        this.store = store;
        this.persistence = persistence;
        this.alarms = alarms;
        this.ports = ports;
        this.tlsPorts = tlsPorts;
        this.services = services;
        this.admin = admin;
        this.statistics = statistics;
        this.prometheus = prometheus;
    }

    /**
     * Starts a broker: opens the store, brings back the durable definitions and messages, and only then
     * binds the listeners. It is serving when this returns.
     */
    public static Broker start(BrokerConfig config) throws IOException, InterruptedException {
        return start(config, List.of());
    }

    /**
     * As {@link #start(BrokerConfig)}, and imports {@code moreDefinitions} (RabbitMQ definitions files) after
     * load_definitions: the embedded broker's users and vhosts arrive this way, after the first-boot seeding,
     * so default_user exists beside them.
     */
    public static Broker start(BrokerConfig config, List<Path> moreDefinitions) throws IOException,
            InterruptedException {
        Files.createDirectories(config.dataDir());
        Store store = Store.open(config.dataDir());
        AmqpServer server = new AmqpServer();
        ResourceAlarms alarms = null;
        Persistence persistence = null;
        ManagementServer management = null;
        Statistics statistics = null;
        PrometheusServer prometheus = null;
        ClusterMembership cluster = null;
        CommittedChanges committed = null;
        Definitions kept = null;
        try {
            SslContext tls = config.tls().listeners().isEmpty() ? null : TlsContext.of(config.tls());
            if (config.cluster() != null) {
                // Every definitions change goes through the metadata group from now on; this node's store becomes
                // a copy of the group's model, written as changes commit. First-boot seeding and definitions
                // files go through the group too, once this node has caught up with it (seedCluster, below).
                committed = new CommittedChanges(store.definitions());
                cluster = Clustering.start(config.nodeName(), config.cluster(), config.dataDir(), committed);
                store.definitions().replicateThrough(Clustering.submitter(cluster));
                Definitions local = store.definitions().snapshot();
                if (cluster.firstBoot() && !(local.vhosts().isEmpty() && local.users().isEmpty())) {
                    // A node that ran alone before: its definitions (and its queues' messages) stay, and are
                    // committed to the cluster once it has caught up, instead of being replaced by the group's.
                    kept = local;
                    LOG.info("cluster {}: first boot as a member; this node's own definitions ({} vhosts, {} "
                            + "queues) go to the cluster", config.cluster().name(), local.vhosts().size(),
                            local.queues().size());
                }
                LOG.info("cluster {}: this node ({}) is a member of the metadata group of {}",
                        config.cluster().name(), config.nodeName(), config.cluster().nodes());
            } else {
                seedOnFirstBoot(store, config);
                if (config.loadDefinitions() != null) {
                    DefinitionsFile.load(config.loadDefinitions(), store.definitions());
                }
                for (Path more : moreDefinitions) {
                    DefinitionsFile.load(more, store.definitions());
                }
            }
            long memoryLimit = memoryLimit(config.resources());
            PagingBudget paging = PagingBudget.of(config.resources().pagingRatio(),
                    ResourceAlarms.watermarkShare(memoryLimit), Runtime.getRuntime().maxMemory(),
                    PlatformDependent.maxDirectMemory());
            LOG.info("queues page message bodies out beyond {} bytes in memory", paging.limit());
            persistence = new Persistence(store.definitions(), store.messages(), store.spill(), paging,
                    DiskIo.start());
            if (cluster != null) {
                ClusterMembership members = cluster;
                persistence.node(config.nodeName(), node -> members.nodes().stream()
                        .anyMatch(n -> n.name().equals(node) && n.running()));
            }
            // Live: vhosts added and deleted at runtime come and go here, where connections look them up.
            // In a cluster, the store with every committed change heard so far; later ones are made at ready().
            Definitions defs = committed != null ? committed.baseline() : store.definitions().snapshot();
            Map<String, VirtualHost> vhosts = new ConcurrentHashMap<>(recover(defs, store, server, persistence));
            BrokerConfig.Metrics metrics = config.metrics();
            statistics = Statistics.start(metrics.collectIntervalMillis(), metrics.collect(), vhosts::values);
            UserDatabase users = users(defs, config);
            Limits limits = new Limits(config.resources().connectionMax());
            vhostLimits(defs, limits);
            defs.users().forEach(u -> limits.setUserLimits(u.name(), Limits.UserLimits.of(u.limits())));
            alarms = ResourceAlarms.start(memoryLimit, config.dataDir(),
                    diskFreeLimit(config.resources()));
            ProtocolSettings settings = new ProtocolSettings(config.channelMax(), config.frameMax(),
                    config.heartbeat(), config.maxMessageSize(), config.handshakeTimeoutMillis());
            OpenConnections connections = new OpenConnections();
            Persistence stored = persistence;
            Admin admin = new Admin(store.definitions(), users, limits, vhosts, connections,
                    name -> new VirtualHost(name, server.workers(), stored), defs);
            if (committed != null) {
                committed.ready(admin);
            }
            BrokerServices services = new BrokerServices(settings, users, vhosts, limits, alarms,
                    config.security().authMechanisms(), config.clusterName(), config.nodeName(), connections, admin);
            List<Integer> ports = new ArrayList<>();
            for (Listener l : config.listeners()) {
                int port = server.listen(l.host(), l.port(), services);
                ports.add(port);
                LOG.info("listening for AMQP 0-9-1 on {}:{}", l.host() == null ? "*" : l.host(), port);
            }
            List<Integer> tlsPorts = new ArrayList<>();
            for (Listener l : config.tls().listeners()) {
                int port = server.listen(l.host(), l.port(), services, tls);
                tlsPorts.add(port);
                LOG.info("listening for AMQP 0-9-1 over TLS on {}:{}", l.host() == null ? "*" : l.host(), port);
            }
            if (config.management().enabled()) {
                BrokerConfig.Management m = config.management();
                management = ManagementServer.start(m.ip(), m.port(), new ManagementContext(services,
                        config.nodeName(), ports, tlsPorts, java.time.Instant.now(), store.definitions(),
                        persistence, server.workers(), new java.util.concurrent.atomic.AtomicInteger(), statistics,
                        amqpApplication(server), cluster),
                        new io.leveret.server.ui.UiFiles());
                LOG.info("management API listening on {}:{}", m.ip() == null ? "*" : m.ip(), management.port());
                if (m.portFile() != null) {
                    writeAtomically(m.portFile(), Integer.toString(management.port()));
                }
            }
            // The TLS port first: whoever waits for port_file finds port_file.tls already there.
            if (config.portFile() != null && !tlsPorts.isEmpty()) {
                Path tlsPortFile = config.portFile().resolveSibling(config.portFile().getFileName() + ".tls");
                writeAtomically(tlsPortFile, Integer.toString(tlsPorts.get(0)));
            }
            String clusterLabel = config.clusterName().isEmpty() ? config.nodeName() : config.clusterName();
            prometheus = PrometheusServer.start(metrics.prometheusIp(), metrics.prometheusPort(),
                    new RabbitMetrics(statistics, vhosts::values, alarms, config.nodeName(), clusterLabel),
                    metrics.perObject());
            LOG.info("serving Prometheus metrics on {}:{}", metrics.prometheusIp().isEmpty() ? "*"
                    : metrics.prometheusIp(), prometheus.port());
            if (metrics.prometheusPortFile() != null) {
                writeAtomically(metrics.prometheusPortFile(), Integer.toString(prometheus.port()));
            }
            // The AMQP port file last: whoever waits for it finds the Prometheus one already there.
            if (config.portFile() != null && !ports.isEmpty()) {
                writeAtomically(config.portFile(), Integer.toString(ports.get(0)));
            }
            Broker broker = new Broker(server, store, persistence, alarms, List.copyOf(ports), List.copyOf(tlsPorts),
                    services, admin, management, statistics, prometheus, vhosts, cluster);
            if (cluster != null) {
                broker.committed = committed;
                broker.seeding = seedCluster(cluster, config, moreDefinitions, kept);
            }
            return broker;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (management != null) {
                management.close();
            }
            if (prometheus != null) {
                prometheus.close();
            }
            if (statistics != null) {
                statistics.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (committed != null) {
                committed.close();
            }
            if (alarms != null) {
                alarms.close();
            }
            server.close();
            if (persistence != null) {
                persistence.close();
            }
            store.close();
            throw e;
        }
    }

    /**
     * RabbitMQ's first boot: on an empty data_dir, default_vhost and default_user (with default_user_tags
     * and default_permissions there). A data_dir that has vhosts but no user at all (written before users
     * were stored) gets default_user too, or nobody could log in.
     */
    private static void seedOnFirstBoot(Store store, BrokerConfig config) {
        Definitions defs = store.definitions().snapshot();
        if (defs.vhosts().isEmpty() && defs.users().isEmpty()) {
            store.definitions().apply(new Change.PutVhost(new VhostDefinition(config.defaultVhost()))).join();
            LOG.info("first boot: created vhost '{}'", config.defaultVhost());
        }
        if (defs.users().isEmpty()) {
            BrokerConfig.Security sec = config.security();
            PasswordHash hash = PasswordHash.of(PasswordHash.Algorithm.SHA256, config.defaultPass());
            store.definitions().apply(new Change.PutUser(new UserDefinition(config.defaultUser(),
                    StoredForm.password(hash), sec.defaultUserTags()))).join();
            if (store.definitions().snapshot().vhosts().stream().anyMatch(v -> v.name().equals(config.defaultVhost()))) {
                store.definitions().apply(new Change.PutPermission(new PermissionDefinition(config.defaultUser(),
                        config.defaultVhost(), sec.defaultConfigure(), sec.defaultWrite(), sec.defaultRead()))).join();
            }
            LOG.info("first boot: created user '{}' with tags {}", config.defaultUser(), sec.defaultUserTags());
        }
    }

    /**
     * RabbitMQ's first boot and load_definitions, once for the whole cluster: on a thread of its own, once this
     * node has caught up with the metadata group (which needs a majority), default_vhost and default_user (as
     * {@link #seedOnFirstBoot}) if the cluster has no vhost and no user yet, then the definitions files, all
     * committed through the group. Nodes that boot together may each seed: their changes are the same puts,
     * so the cluster ends up as if one had. {@code kept}, if not null, are the definitions this node had
     * before its first boot as a member: they go to the cluster instead of the default vhost and user. Queues
     * that come in either way live on this node. Retries every second until done or the broker closes.
     */
    private static Thread seedCluster(ClusterMembership cluster, BrokerConfig config, List<Path> moreDefinitions,
                                      Definitions kept) {
        // Queues that come in this way live on this node, the one that reads them.
        java.util.function.Function<Change, java.util.concurrent.CompletableFuture<Void>> submit = change ->
                cluster.submitForAll(change instanceof Change.PutQueue q ? new Change.PutQueue(
                        new io.leveret.store.definitions.QueueDefinition(q.queue().vhost(), q.queue().name(),
                                q.queue().durable(), q.queue().exclusive(), q.queue().autoDelete(),
                                q.queue().arguments(), q.queue().type(), config.nodeName())) : change);
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    cluster.caughtUp().join();
                    Definitions defs = cluster.definitions();
                    if (kept != null) {
                        Definitions none = new Definitions(List.of(), List.of(), List.of(), List.of(), List.of(),
                                List.of(), List.of());
                        for (Change c : io.leveret.store.definitions.DefinitionStore.changesBetween(none, kept)) {
                            try {
                                submit.apply(c).join();
                            } catch (java.util.concurrent.CompletionException e) {
                                if (!(e.getCause() instanceof IllegalArgumentException)) {
                                    throw e;
                                }
                                LOG.warn("cluster: this node's definition not taken by the cluster: {}",
                                        e.getCause().getMessage());
                            }
                        }
                    } else if (defs.vhosts().isEmpty() && defs.users().isEmpty()) {
                        BrokerConfig.Security sec = config.security();
                        PasswordHash hash = PasswordHash.of(PasswordHash.Algorithm.SHA256, config.defaultPass());
                        cluster.submitForAll(new Change.PutVhost(new VhostDefinition(config.defaultVhost()))).join();
                        cluster.submitForAll(new Change.PutUser(new UserDefinition(config.defaultUser(),
                                StoredForm.password(hash), sec.defaultUserTags()))).join();
                        cluster.submitForAll(new Change.PutPermission(new PermissionDefinition(config.defaultUser(),
                                config.defaultVhost(), sec.defaultConfigure(), sec.defaultWrite(),
                                sec.defaultRead()))).join();
                        LOG.info("first boot of the cluster: created vhost '{}' and user '{}'", config.defaultVhost(),
                                config.defaultUser());
                    }
                    List<Path> files = new ArrayList<>();
                    if (config.loadDefinitions() != null) {
                        files.add(config.loadDefinitions());
                    }
                    files.addAll(moreDefinitions);
                    for (Path file : files) {
                        DefinitionsFile.load(file, submit, cluster.definitions());
                    }
                    return;
                } catch (RuntimeException | IOException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    LOG.warn("cluster: first-boot definitions not committed yet, retrying: {}", e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "leveret-cluster-seed");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** The stored users, permissions and topic permissions, and loopback_users from the config. */
    private static UserDatabase users(Definitions defs, BrokerConfig config) {
        UserDatabase users = new UserDatabase();
        for (UserDefinition u : defs.users()) {
            users.putUser(new User(u.name(), StoredForm.password(u.passwordHash()), u.tags()));
        }
        for (PermissionDefinition p : defs.permissions()) {
            try {
                users.setPermission(p.user(), p.vhost(), new Permission(p.configure(), p.write(), p.read()));
            } catch (IllegalArgumentException e) {
                LOG.warn("user '{}' gets no access to vhost '{}': {}", p.user(), p.vhost(), e.getMessage());
            }
        }
        for (TopicPermissionDefinition p : defs.topicPermissions()) {
            try {
                users.setTopicPermission(p.user(), p.vhost(), new TopicPermission(p.exchange(), p.write(), p.read()));
            } catch (IllegalArgumentException e) {
                // A topic permission we cannot compile must not silently allow everything: deny all keys.
                LOG.warn("topic permission of user '{}' on '{}' in vhost '{}' denies all: {}", p.user(), p.exchange(),
                        p.vhost(), e.getMessage());
                users.setTopicPermission(p.user(), p.vhost(), new TopicPermission(p.exchange(), "", ""));
            }
        }
        users.setLoopbackUsers(config.security().loopbackUsers());
        return users;
    }

    /** RabbitMQ's "vhost-limits" parameter: {"max-connections": N, "max-queues": N}, negative = none. */
    private static void vhostLimits(Definitions defs, Limits limits) {
        for (ParameterDefinition p : defs.parameters()) {
            if (p.component().equals("vhost-limits")) {
                com.fasterxml.jackson.databind.JsonNode v = StoredForm.json(p.value());
                limits.setVhostLimits(p.vhost(), new Limits.VhostLimits(
                        v.path("max-connections").asInt(-1), v.path("max-queues").asInt(-1)));
            }
        }
    }

    private static long memoryLimit(BrokerConfig.Resources r) {
        return r.memoryAbsolute() >= 0 ? r.memoryAbsolute() : (long) (r.memoryRelative() * ResourceAlarms.memoryBudget());
    }

    /** stop_app/start_app as the management API sees them: the AMQP listeners only. */
    private static ManagementContext.AmqpApplication amqpApplication(AmqpServer server) {
        return new ManagementContext.AmqpApplication() {
            @Override
            public void stop() {
                server.stopListening();
            }

            @Override
            public void start() throws InterruptedException {
                server.startListening();
            }

            @Override
            public boolean running() {
                return server.listening();
            }
        };
    }

    /** disk_free_limit.relative is a multiple of the machine's memory, as in RabbitMQ. */
    private static long diskFreeLimit(BrokerConfig.Resources r) {
        if (r.diskFreeRelative() < 0) {
            return r.diskFreeAbsolute();
        }
        return (long) (r.diskFreeRelative() * ResourceAlarms.machineMemory());
    }

    /**
     * The durable model first (through the same paths AMQP declares take), then each durable queue's
     * messages, in order; bodies stay on disk until a consumer needs them.
     */
    private static Map<String, VirtualHost> recover(Definitions defs, Store store, AmqpServer server,
                                                    Persistence persistence) {
        long start = System.nanoTime();
        // Concurrent: the management API adds and removes vhosts while connections look them up.
        Map<String, VirtualHost> vhosts = new java.util.concurrent.ConcurrentHashMap<>();
        for (VhostDefinition vd : defs.vhosts()) {
            VirtualHost v = new VirtualHost(vd.name(), server.workers(), persistence);
            v.recover(defs, PolicyForm.policies(defs, vd.name()));
            vhosts.put(v.name(), v);
        }
        long messages = 0;
        for (Map.Entry<QueueName, List<RecoveredMessage>> e : store.messages().recover().entrySet()) {
            VirtualHost v = vhosts.get(e.getKey().vhost());
            Queue q = v == null ? null : v.queue(e.getKey().name());
            io.leveret.server.vhost.DelayedExchange delayed = v == null ? null : v.delayedExchangeStoring(e.getKey());
            if (delayed != null) {
                messages += e.getValue().size();
                delayed.waiting().recover(e.getValue());
                continue;
            }
            if (q == null) {
                LOG.warn("message log has {} messages for {}, which is not defined; they are dropped",
                        e.getValue().size(), e.getKey());
                store.messages().dropQueue(e.getKey());
                continue;
            }
            List<RecoveredMessage> list = e.getValue();
            messages += list.size();
            q.recover(list);
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

    /** The Prometheus endpoint's port. */
    public int prometheusPort() {
        return prometheus.port();
    }

    /** The statistics the management API reads (see {@link Statistics} for its read API). */
    public Statistics statistics() {
        return statistics;
    }

    /** The bound TLS ports, in the order of listeners.ssl.*. */
    public List<Integer> tlsPorts() {
        return tlsPorts;
    }

    /** What connections share: users, the live vhost map, limits, alarms, the open connections. */
    public BrokerServices services() {
        return services;
    }

    /** The one way to change users, permissions, limits, policies and vhosts while running. */
    public Admin admin() {
        return admin;
    }

    /** The management API's bound port, or -1 when management.enabled is false. */
    public int managementPort() {
        return management == null ? -1 : management.port();
    }

    @Override
    public void close() {
        // The HTTP side first: no request may reach a vhost whose loops are going away.
        if (management != null) {
            management.close();
        }
        prometheus.close();
        statistics.close();
        alarms.close();
        server.close();
        if (seeding != null) {
            seeding.interrupt();
        }
        if (cluster != null) {
            cluster.close();
            committed.close();
        }
        // The loops are stopped: the queues' buffers are freed here, or an embedding JVM would keep them.
        for (VirtualHost v : vhosts.values()) {
            v.queues().forEach(Queue::releaseAtShutdown);
        }
        // The loops are stopped: no queue asks for disk work any more, and what was asked for finishes first.
        persistence.close();
        try {
            store.close();
        } catch (IOException e) {
            LOG.error("closing the store failed", e);
        }
        LOG.info("broker stopped");
    }
}
