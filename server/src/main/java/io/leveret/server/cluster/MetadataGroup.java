package io.leveret.server.cluster;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's one metadata group: a Ratis group over every configured node whose log is the sequence of
 * definition {@link Change}s. {@link #submit} works on any member: the change goes to the leader, is
 * committed once a majority has it on disk, and the returned future completes when this member has
 * applied it too. Membership is the configured node list; the group id is derived from the cluster name,
 * so every node with the same configuration forms the same group.
 *
 * <p>Storage: {@code <dir>/<group id>/current} (Ratis' log segments and metadata) and {@code .../sm}
 * (snapshots). The first start formats it; later starts recover from the latest snapshot and the log after it.
 */
public final class MetadataGroup implements ClusterMembership {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataGroup.class);

    /**
     * How the group runs; {@link #DEFAULTS} for a broker, smaller values make tests snapshot and purge.
     *
     * @param submitTimeout     how long {@link #submit} waits for a commit before failing (no majority, say)
     * @param snapshotEvery     entries applied between snapshots
     * @param segmentBytes      largest log segment; closed segments below a snapshot are purged
     * @param electionTimeout   the shortest election timeout (the longest is twice this)
     * @param probeTimeout      how long a probe waits for a peer's answer, and the pause between probes
     */
    public record Tuning(Duration submitTimeout, long snapshotEvery, long segmentBytes, Duration electionTimeout,
                         Duration probeTimeout) {
        public static final Tuning DEFAULTS = new Tuning(Duration.ofSeconds(30), 10_000, 8L << 20,
                Duration.ofMillis(1000), Duration.ofSeconds(1));
    }

    private final String self;
    private final boolean firstBoot;
    private final List<String> nodes;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftClient client;
    private final RaftClient probe;
    private final MetadataStateMachine machine;
    private final Tuning tuning;
    /** Asks each peer in turn whether it answers, so that {@link #nodes()} never waits on the network itself. */
    private final ScheduledExecutorService prober;
    /** Where submit's futures complete: see {@link #onReplyThread}. */
    private final java.util.concurrent.ExecutorService replies = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leveret-cluster-replies");
        t.setDaemon(true);
        return t;
    });
    /** Peers that answered the latest probe. */
    private volatile Set<String> answering = Set.of();

    private MetadataGroup(String self, List<String> nodes, RaftGroup group, RaftServer server, RaftClient client, RaftClient probe,
                          MetadataStateMachine machine, Tuning tuning, boolean firstBoot) {
        this.firstBoot = firstBoot;
        this.self = self;
        this.nodes = List.copyOf(nodes);
        this.group = group;
        this.server = server;
        this.client = client;
        this.probe = probe;
        this.machine = machine;
        this.tuning = tuning;
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leveret-cluster-probe");
            t.setDaemon(true);
            return t;
        });
        long every = tuning.probeTimeout().toMillis();
        prober.scheduleWithFixedDelay(this::probe, 0, every, TimeUnit.MILLISECONDS);
    }

    /** The group id every node derives from the same cluster name. */
    static RaftGroupId groupId(String clusterName) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("leveret metadata " + clusterName).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts this node's member of the group and returns at once; the group elects a leader as soon as a
     * majority runs. {@code applied} hears every committed change in log order, on Ratis' apply thread; after
     * a restart it hears again the changes after the latest snapshot (what the snapshot holds is in
     * {@link #definitions()} from the start), so what it does with a change must bear repeating.
     *
     * @param self        this node's name, a key of {@code members}
     * @param members     every node's name and Raft address, this one included
     * @param bindHost    the address to listen on, or null for every interface (the port is this node's)
     * @param dir         where the log and snapshots live
     */
    public static MetadataGroup start(String clusterName, String self, Map<String, InetSocketAddress> members,
                                      String bindHost, Path dir, Tuning tuning, Listener applied)
            throws IOException {
        if (!members.containsKey(self)) {
            throw new IllegalArgumentException("node " + self + " is not among the members " + members.keySet());
        }
        RaftGroup group = RaftSettings.group(groupId(clusterName), members);
        int port = members.get(self).getPort();
        RaftProperties properties = properties(tuning, dir, port, bindHost);
        Files.createDirectories(dir);
        boolean formatted = Files.isDirectory(dir.resolve(group.getGroupId().getUuid().toString()));
        MetadataStateMachine machine = new MetadataStateMachine(self, applied);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self))
                .setGroup(group)
                .setStateMachine(machine)
                .setProperties(properties)
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        RaftClient client = null;
        RaftClient probe = null;
        try {
            RaftSettings.start(server, "the cluster", bindHost, port);
            // Retries bounded, so that a change given up on (no majority) stops taking one of the client's
            // outstanding-request slots soon after submit's own timeout has failed it.
            client = RaftSettings.client(group, properties, RaftSettings.submitRetries(tuning.submitTimeout()));
            RaftProperties probing = properties(tuning, dir, port, bindHost);
            RaftClientConfigKeys.Rpc.setRequestTimeout(probing, RaftSettings.duration(tuning.probeTimeout()));
            probe = RaftClient.newBuilder().setProperties(probing).setRaftGroup(group)
                    .setRetryPolicy(RetryPolicies.noRetry()).build();
        } catch (IOException | RuntimeException e) {
            closeQuietly(probe);
            closeQuietly(client);
            closeQuietly(server);
            throw e;
        }
        LOG.info("metadata group {} ({} nodes: {}) {} as {}, Raft on {}:{}", clusterName, members.size(),
                members.keySet(), formatted ? "recovered" : "formatted", self, bindHost == null ? "*" : bindHost,
                members.get(self).getPort());
        return new MetadataGroup(self, List.copyOf(members.keySet()), group, server, client, probe, machine, tuning,
                !formatted);
    }

    private static RaftProperties properties(Tuning tuning, Path dir, int port, String bindHost) {
        return RaftSettings.properties(dir, port, bindHost, tuning.electionTimeout(), tuning.snapshotEvery(),
                tuning.segmentBytes());
    }

    /**
     * Commits {@code change} through the group. The future completes once the change is committed and
     * applied on this node; it fails with {@link IllegalArgumentException} (the model's reason) if the change
     * does not fit the replicated model, and with {@link ClusterUnavailableException} if it is not committed
     * within the submit timeout (no majority reachable) or the group is closed.
     */
    @Override
    public CompletableFuture<Void> submit(Change change) {
        return send(MetadataStateMachine.entry(self, change));
    }

    @Override
    public CompletableFuture<Void> submitForAll(Change change) {
        return send(MetadataStateMachine.entry("", change));
    }

    private CompletableFuture<Void> send(ByteString entry) {
        return onReplyThread(client.async().send(Message.valueOf(entry))
                .thenCompose(this::appliedHere)
                .orTimeout(tuning.submitTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e))));
    }

    /**
     * Completes once this member has applied everything the group had committed when asked (a linearizable
     * read of the leader's applied index); fails with {@link ClusterUnavailableException} after the submit
     * timeout if no majority answers.
     */
    @Override
    public CompletableFuture<Void> caughtUp() {
        return client.async().sendReadOnly(Message.EMPTY)
                .thenCompose(reply -> {
                    if (!reply.isSuccess()) {
                        throw new ClusterUnavailableException("the metadata group did not answer: "
                                + reply.getException(), reply.getException());
                    }
                    long index = reply.getMessage().getContent().asReadOnlyByteBuffer().getLong();
                    return machine.applied(index);
                })
                .orTimeout(tuning.submitTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(translate(e)));
    }

    /**
     * {@code result}, completed on this group's reply thread: what callers chain on it (a vhost undoing a change,
     * the broker making one in memory, both under a vhost's monitor) never runs on Ratis' apply or RPC threads,
     * which must not wait for a monitor that a thread submitting a change may hold.
     */
    private CompletableFuture<Void> onReplyThread(CompletableFuture<Void> result) {
        CompletableFuture<Void> out = new CompletableFuture<>();
        result.whenComplete((ok, failure) -> {
            try {
                replies.execute(() -> {
                    if (failure == null) {
                        out.complete(ok);
                    } else {
                        out.completeExceptionally(failure);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                out.completeExceptionally(new ClusterUnavailableException("this node is leaving the cluster",
                        closed));
            }
        });
        return out;
    }

    private CompletableFuture<Void> appliedHere(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new ClusterUnavailableException("the metadata group did not commit the change: "
                    + reply.getException(), reply.getException());
        }
        String refusal = MetadataStateMachine.refusal(reply.getMessage().getContent());
        if (refusal != null) {
            throw new IllegalArgumentException(refusal);
        }
        return machine.applied(reply.getLogIndex());
    }

    private Throwable translate(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof IllegalArgumentException || cause instanceof ClusterUnavailableException) {
            return cause;
        }
        if (cause instanceof TimeoutException) {
            return new ClusterUnavailableException("the metadata group did not commit the change within "
                    + tuning.submitTimeout().toMillis() + " ms: fewer than a majority of the nodes "
                    + nodeNames() + " are reachable", cause);
        }
        return new ClusterUnavailableException("the metadata group failed the change: " + cause, cause);
    }

    @Override
    public Definitions definitions() {
        return machine.definitions();
    }

    @Override
    public boolean firstBoot() {
        return firstBoot;
    }

    /** The index of the last log entry applied on this node. */
    public long appliedIndex() {
        return machine.appliedIndex();
    }

    /** This node's name. */
    @Override
    public String self() {
        return self;
    }

    /** The configured nodes, in configuration order. */
    @Override
    public List<String> nodeNames() {
        return nodes;
    }

    /** The current leader's node name as this node knows it, or null while there is none. */
    @Override
    public String leader() {
        try {
            RaftPeerId leader = server.getDivision(group.getGroupId()).getInfo().getLeaderId();
            return leader == null ? null : leader.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Every configured node: this one is running; a peer is running if it answered the latest Raft group-info
     * request (peers are asked in turn, one probe timeout apart, on a thread of their own).
     */
    @Override
    public List<NodeState> nodes() {
        String leader = leader();
        Set<String> up = answering;
        List<NodeState> out = new ArrayList<>();
        for (String name : nodes) {
            out.add(new NodeState(name, name.equals(self) || up.contains(name), name.equals(leader)));
        }
        return out;
    }

    private void probe() {
        Set<String> up = new HashSet<>();
        for (String name : nodes) {
            if (!name.equals(self) && answers(group.getPeer(RaftPeerId.valueOf(name)))) {
                up.add(name);
            }
        }
        answering = Set.copyOf(up);
    }

    private boolean answers(RaftPeer peer) {
        try {
            return probe.getGroupManagementApi(peer.getId()).info(group.getGroupId()) != null;
        } catch (IOException | RuntimeException e) {
            LOG.debug("node {} did not answer: {}", peer.getId(), e.toString());
            return false;
        }
    }

    /** Where a node's Raft listener is: the HOST of its name NAME@HOST, on the port every node shares. */
    public static Map<String, InetSocketAddress> addresses(List<String> nodes, int port) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (String node : nodes) {
            out.put(node, InetSocketAddress.createUnresolved(node.substring(node.indexOf('@') + 1), port));
        }
        return out;
    }

    @Override
    public void close() {
        prober.shutdownNow();
        replies.shutdown();
        closeQuietly(probe);
        closeQuietly(client);
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", closeable, e);
        }
    }

    /** For tests: snapshots this member installed from a leader. */
    int installedSnapshots() {
        return machine.installedSnapshots();
    }
}
