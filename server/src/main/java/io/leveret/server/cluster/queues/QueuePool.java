package io.leveret.server.cluster.queues;

import io.leveret.server.cluster.RaftSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.zip.CRC32;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.StateMachine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum queues of a cluster on a small, fixed pool of {@link QueueGroup}s (issue #16: one Ratis group per queue
 * does not scale), all hosted by one Ratis server per node on one Raft port, apart from the metadata group's.
 *
 * <ul>
 *   <li>Groups: {@code groups} of them (default {@link #defaultGroups}: two per node), each over every node for now.
 *       Group {@code g}'s id is derived from the cluster name and {@code g}, so every node builds the same ones.</li>
 *   <li>Leaders: group {@code g} prefers node {@code g mod n} of the node list (Raft priority), so with every node
 *       up each node leads {@code groups / n} groups. A node that comes back after a failure takes its groups back
 *       once its log has caught up with the leader's (see {@link RaftSettings#group(RaftGroupId, Map, String)}).</li>
 *   <li>Placement: a queue belongs to group {@code CRC-32(UTF-8 of vhost, NUL, name) mod groups}. CRC-32 is fixed
 *       by its standard, so every node and every version agrees; the number of groups therefore must not change
 *       over a cluster's life (moving queues between groups is later work).</li>
 *   <li>Submits go through one {@link CommandBatcher} per group; the batchers share one timer thread, and the
 *       groups one thread completing submitters' futures.</li>
 * </ul>
 *
 * <p>Storage: {@code <dir>/<group id>/...} per group, as for a lone {@link QueueGroup}. The first start formats each
 * group; a later start finds them there (Ratis recovers every group directory under its storage when it builds the
 * server) and each group replays its log after its latest snapshot.
 */
public final class QueuePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueuePool.class);

    private final String cluster;
    private final RaftServer server;
    private final ExecutorService replies;
    private final List<QueueGroup> groups;
    /** One thread for every group's batcher: a linger timer fires for a moment per batch. */
    private final ScheduledExecutorService batcherTimer = CommandBatcher.newTimer();
    private final List<CommandBatcher> batchers;

    private QueuePool(String cluster, RaftServer server, ExecutorService replies, List<QueueGroup> groups) {
        this.cluster = cluster;
        this.server = server;
        this.replies = replies;
        this.groups = List.copyOf(groups);
        this.batchers = groups.stream().map(g -> CommandBatcher.of(g, batcherTimer)).toList();
    }

    /** Two groups per node: with every node up, each leads two. */
    public static int defaultGroups(int nodes) {
        return 2 * nodes;
    }

    /** Group {@code number}'s id in cluster {@code cluster}: the same on every node. */
    static RaftGroupId groupId(String cluster, int number) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("leveret queue pool " + cluster + " group " + number)
                .getBytes(StandardCharsets.UTF_8)));
    }

    /** The group of {@code queue} among {@code groups}: CRC-32 of vhost, NUL, name (UTF-8), modulo groups. */
    public static int groupNumber(QueueName queue, int groups) {
        CRC32 crc = new CRC32();
        crc.update(queue.vhost().getBytes(StandardCharsets.UTF_8));
        crc.update(0);
        crc.update(queue.name().getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % groups);
    }

    /**
     * Starts this node's Raft server with its member of each of {@code groups} groups and returns once they run;
     * each group elects a leader as soon as a majority of the nodes run. After a restart the listener hears again
     * each group's entries after its latest snapshot, so what it does with them must bear repeating.
     *
     * @param cluster  the cluster's name, from which the group ids derive
     * @param self     this node's name, a key of {@code nodes}
     * @param nodes    every node's name and the Raft address of its pool, this one included, in the same order on
     *                 every node (it decides which node each group prefers as leader)
     * @param groups   how many groups; the same on every node and for the cluster's life
     * @param bindHost the address to listen on, or null for every interface
     * @param dir      where the groups' logs and snapshots live; not the metadata group's directory
     * @param listener hears every entry of every group applied on this node, on that group's apply thread
     */
    public static QueuePool start(String cluster, String self, Map<String, InetSocketAddress> nodes, int groups,
                                  String bindHost, Path dir, QueueGroup.Tuning tuning, QueueGroup.Listener listener)
            throws IOException {
        if (!nodes.containsKey(self)) {
            throw new IllegalArgumentException("node " + self + " is not among the nodes " + nodes.keySet());
        }
        if (groups < 1) {
            throw new IllegalArgumentException("a pool needs at least one group, not " + groups);
        }
        int port = nodes.get(self).getPort();
        RaftProperties properties = RaftSettings.properties(dir, port, bindHost, tuning.electionTimeout(),
                tuning.snapshotEvery(), tuning.segmentBytes());
        Files.createDirectories(dir);
        List<String> order = List.copyOf(nodes.keySet());
        ExecutorService replies = QueueGroup.replyThread("leveret-queue-pool-replies");
        List<RaftGroup> raftGroups = new ArrayList<>();
        Map<RaftGroupId, QueueStateMachine> machines = new HashMap<>();
        for (int g = 0; g < groups; g++) {
            RaftGroup group = RaftSettings.group(groupId(cluster, g), nodes, order.get(g % order.size()));
            raftGroups.add(group);
            machines.put(group.getGroupId(), QueueGroup.newMachine(self, listener, replies));
        }
        // Ratis asks the registry for the state machine of each group it finds in the storage directory as it
        // builds the server, and of each group added later.
        StateMachine.Registry registry = id -> {
            QueueStateMachine machine = machines.get(id);
            if (machine == null) {
                throw new IllegalStateException("group " + id + " under " + dir + " is not one of the " + groups
                        + " groups of cluster " + cluster);
            }
            return machine;
        };
        RaftPeerId serverId = RaftPeerId.valueOf(self);
        RaftServer server = RaftServer.newBuilder().setServerId(serverId).setStateMachineRegistry(registry)
                .setProperties(properties).build();
        List<QueueGroup> started = new ArrayList<>();
        int formatted = 0;
        try {
            RaftSettings.start(server, "queue pool of " + cluster, bindHost, port);
            ClientId local = ClientId.randomId();
            Set<RaftGroupId> recovered = new HashSet<>();
            server.getGroupIds().forEach(recovered::add);
            for (int g = 0; g < groups; g++) {
                RaftGroup group = raftGroups.get(g);
                if (!recovered.contains(group.getGroupId())) {
                    RaftClientReply reply = server.groupManagement(
                            GroupManagementRequest.newAdd(local, serverId, g, group, true));
                    if (!reply.isSuccess()) {
                        throw new IOException("cannot add queue group " + g + " to this node's Raft server: "
                                + reply.getException());
                    }
                    formatted++;
                }
                started.add(QueueGroup.member(self, group, server, properties, machines.get(group.getGroupId()),
                        tuning, () -> { }));
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(QueueGroup::close);
            QueueGroup.closeQuietly(server);
            replies.shutdown();
            throw e;
        }
        LOG.info("queue pool of {}: {} groups over {} ({} formatted, {} recovered) as {}, Raft on {}:{}", cluster,
                groups, nodes.keySet(), formatted, groups - formatted, self, bindHost == null ? "*" : bindHost, port);
        return new QueuePool(cluster, server, replies, started);
    }

    /** How many groups the pool has. */
    public int size() {
        return groups.size();
    }

    /** Group {@code number}, 0 to size() - 1. */
    public QueueGroup group(int number) {
        return groups.get(number);
    }

    /** The group holding {@code queue}. */
    public QueueGroup groupOf(QueueName queue) {
        return groups.get(groupNumber(queue, groups.size()));
    }

    /**
     * Commits {@code command} through its queue's group, batched with others for that group; completes with its
     * effects once committed and applied on this node. {@link Command.NodeDown}, which concerns every queue, is
     * committed in every group, and completes with the effects of all of them, in group order.
     */
    public CompletableFuture<List<Effect>> submit(Command command) {
        if (command instanceof Command.NodeDown) {
            List<CompletableFuture<List<Effect>>> each = batchers.stream().map(b -> b.submit(command)).toList();
            return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)).thenApply(done -> each.stream()
                    .flatMap(f -> f.join().stream()).toList());
        }
        return batchers.get(groupNumber(queueOf(command), groups.size())).submit(command);
    }

    private static QueueName queueOf(Command command) {
        if (command instanceof Command.Declare c) {
            return c.queue();
        } else if (command instanceof Command.Enqueue c) {
            return c.queue();
        } else if (command instanceof Command.Checkout c) {
            return c.queue();
        } else if (command instanceof Command.Settle c) {
            return c.queue();
        } else if (command instanceof Command.Return c) {
            return c.queue();
        } else if (command instanceof Command.Discard c) {
            return c.queue();
        } else if (command instanceof Command.Cancel c) {
            return c.queue();
        } else if (command instanceof Command.Purge c) {
            return c.queue();
        } else if (command instanceof Command.Delete c) {
            return c.queue();
        }
        throw new IllegalArgumentException(command + " names no queue");
    }

    /** How many groups this node's member leads now. */
    public int leading() {
        String self = groups.get(0).self();
        return (int) groups.stream().filter(g -> self.equals(g.leader())).count();
    }

    /** Stops taking commands, lets batches already due go, then closes every group and the Raft server. */
    @Override
    public void close() {
        batchers.forEach(CommandBatcher::close);
        batcherTimer.shutdownNow();
        groups.forEach(QueueGroup::close);
        QueueGroup.closeQuietly(server);
        replies.shutdown();
        LOG.info("queue pool of {} closed", cluster);
    }
}
