package io.leveret.server.cluster.queues;

import io.leveret.server.cluster.RaftSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ratis group replicating a {@link QueueMachine} over its members: many quorum queues share one group and one
 * log. {@link #submit} works on any member: the commands go to the leader in one log entry, are committed once a
 * majority has the entry on disk, and the returned future completes with their effects once this member has
 * applied them. The group id is derived from the group's name, so every node that starts a group of the same name
 * with the same members forms the same group.
 *
 * <p>Storage: {@code <dir>/<group id>/current} (log segments, Raft metadata) and {@code .../sm} (snapshots). The
 * first start formats it; a later start loads the latest snapshot and replays the log after it.
 */
public final class QueueGroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueGroup.class);

    /**
     * How the group runs; {@link #DEFAULTS} for a broker, smaller values make tests snapshot and purge.
     *
     * @param submitTimeout   how long {@link #submit} waits for a commit before failing (no majority, say)
     * @param snapshotEvery   entries applied between snapshots
     * @param segmentBytes    largest log segment; closed segments below a snapshot are purged
     * @param electionTimeout the shortest election timeout (the longest is twice this)
     */
    public record Tuning(Duration submitTimeout, long snapshotEvery, long segmentBytes, Duration electionTimeout) {
        public static final Tuning DEFAULTS = new Tuning(Duration.ofSeconds(30), 100_000, 64L << 20,
                Duration.ofMillis(1000));
    }

    /** Hears every applied entry on this member, in log order, on Ratis' apply thread. */
    public interface Listener {
        /**
         * @param effects  one list per command, in the commands' order
         * @param fromHere true if this member submitted the entry (its submitter gets the effects too)
         */
        void applied(List<Command> commands, List<List<Effect>> effects, boolean fromHere);

        /** This member installed the leader's snapshot: the entries up to it are not heard one by one. */
        default void replaced() {
        }
    }

    private final String self;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftClient client;
    private final QueueStateMachine machine;
    private final Tuning tuning;
    /** What this group alone owns besides its client: its Raft server and reply thread, or nothing in a pool. */
    private final AutoCloseable owned;
    private final AtomicLong requests = new AtomicLong();

    private QueueGroup(String self, RaftGroup group, RaftServer server, RaftClient client, QueueStateMachine machine,
                       Tuning tuning, AutoCloseable owned) {
        this.self = self;
        this.group = group;
        this.server = server;
        this.client = client;
        this.machine = machine;
        this.tuning = tuning;
        this.owned = owned;
    }

    /** The group id every node derives from the same group name. */
    static RaftGroupId groupId(String name) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(("leveret queues " + name).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts this node's member of the group {@code name} and returns at once; the group elects a leader as soon as
     * a majority runs. After a restart the listener hears again the entries after the latest snapshot, so what it
     * does with them must bear repeating.
     *
     * @param self     this node's name, a key of {@code members}
     * @param members  every member's node name and Raft address, this one included
     * @param bindHost the address to listen on, or null for every interface
     * @param dir      where the log and snapshots live
     */
    public static QueueGroup start(String name, String self, Map<String, InetSocketAddress> members, String bindHost,
                                   Path dir, Tuning tuning, Listener listener) throws IOException {
        if (!members.containsKey(self)) {
            throw new IllegalArgumentException("node " + self + " is not among the members " + members.keySet());
        }
        RaftGroup group = RaftSettings.group(groupId(name), members);
        int port = members.get(self).getPort();
        // An entry is at most raft.server.log.appender.buffer.byte-limit (4 MB by default, and the log's write buffer
        // must be 8 bytes larger): a batch of 64 KiB fits many times over; a larger message is later work (bodies
        // outside the log).
        RaftProperties properties = RaftSettings.properties(dir, port, bindHost, tuning.electionTimeout(),
                tuning.snapshotEvery(), tuning.segmentBytes());
        Files.createDirectories(dir);
        boolean formatted = Files.isDirectory(dir.resolve(group.getGroupId().getUuid().toString()));
        ExecutorService replies = replyThread("leveret-queues-replies-" + name);
        QueueStateMachine machine = newMachine(self, listener, replies);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self))
                .setGroup(group)
                .setStateMachine(machine)
                .setProperties(properties)
                .setOption(formatted ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        QueueGroup started;
        try {
            RaftSettings.start(server, "queue group " + name, bindHost, port);
            started = member(self, group, server, properties, machine, tuning, () -> {
                closeQuietly(server);
                replies.shutdown();
            });
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            replies.shutdown();
            throw e;
        }
        LOG.info("queue group {} ({} members: {}) {} as {}, Raft on {}:{}", name, members.size(), members.keySet(),
                formatted ? "recovered" : "formatted", self, bindHost == null ? "*" : bindHost,
                members.get(self).getPort());
        return started;
    }

    /** A single thread completing submitters' futures, so that what they chain never runs on Ratis' threads. */
    static ExecutorService replyThread(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** A state machine for this node's member of one group; every start gets a new session. */
    static QueueStateMachine newMachine(String self, Listener listener, ExecutorService replies) {
        return new QueueStateMachine(self, new SecureRandom().nextLong(), listener, replies);
    }

    /**
     * This node's member of {@code group}, whose division runs in {@code server} (started) with {@code machine};
     * closing it closes its client, then {@code owned}.
     */
    static QueueGroup member(String self, RaftGroup group, RaftServer server, RaftProperties properties,
                             QueueStateMachine machine, Tuning tuning, AutoCloseable owned) {
        // Retries bounded, so that a change given up on (no majority) stops taking one of the client's
        // outstanding-request slots soon after submit's own timeout has failed it.
        RaftClient client = RaftSettings.client(group, properties, RaftSettings.submitRetries(tuning.submitTimeout()));
        return new QueueGroup(self, group, server, client, machine, tuning, owned);
    }

    /** Commits one command; completes with its effects once committed and applied on this member. */
    public CompletableFuture<List<Effect>> submit(Command command) {
        return submitAll(List.of(command)).thenApply(effects -> effects.get(0));
    }

    /**
     * Commits {@code commands} in one log entry, applied in order; completes with each command's effects once
     * committed and applied on this member. Fails with {@link QueueGroupUnavailableException} if no majority
     * commits it within the submit timeout or the group is closing. A command that may have been committed
     * before a failure can be submitted again: an enqueue is applied once per (publisher, seq).
     */
    public CompletableFuture<List<List<Effect>>> submitAll(List<Command> commands) {
        long request = requests.incrementAndGet();
        CompletableFuture<List<List<Effect>>> applied = machine.await(request);
        CompletableFuture<RaftClientReply> sent;
        try {
            sent = client.async().send(Message.valueOf(machine.entry(request, commands)));
        } catch (RuntimeException e) {
            machine.forget(request);
            return CompletableFuture.failedFuture(new QueueGroupUnavailableException("the queue group failed: " + e, e));
        }
        sent.whenComplete((reply, failure) -> {
            if (failure != null || !reply.isSuccess()) {
                Throwable cause = failure != null ? failure : reply.getException();
                machine.forget(request);
                applied.completeExceptionally(new QueueGroupUnavailableException(
                        "the queue group did not commit the commands: " + cause, cause));
            }
        });
        return applied.orTimeout(tuning.submitTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> {
                    machine.forget(request);
                    return CompletableFuture.failedFuture(translate(e));
                });
    }

    private Throwable translate(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException) {
            return new QueueGroupUnavailableException("the queue group did not commit within "
                    + tuning.submitTimeout().toMillis() + " ms: fewer than a majority of its members are reachable",
                    cause);
        }
        return cause;
    }

    /** This node's name. */
    public String self() {
        return self;
    }

    /** The current leader's node name as this member knows it, or null while there is none. */
    public String leader() {
        try {
            RaftPeerId leader = server.getDivision(group.getGroupId()).getInfo().getLeaderId();
            return leader == null ? null : leader.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** The index of the last log entry applied on this member. */
    public long appliedIndex() {
        return machine.appliedIndex();
    }

    /** This member's queues encoded as a snapshot would be: equal bytes on members that applied the same entries. */
    public byte[] encodedState() {
        return machine.encodedState();
    }

    /** A queue as this member has it, or null if it does not exist here. */
    public QueueMachine.Stats stats(QueueName queue) {
        return machine.stats(queue);
    }

    /** Snapshots this member installed from a leader since it started (for tests and logs). */
    int installedSnapshots() {
        return machine.installedSnapshots();
    }

    @Override
    public void close() {
        closeQuietly(client);
        closeQuietly(owned);
        machine.failWaiting(new QueueGroupUnavailableException("this member of the queue group is closing", null));
    }

    static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", closeable, e);
        }
    }
}
