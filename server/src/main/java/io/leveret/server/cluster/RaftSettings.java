package io.leveret.server.cluster;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.MD5FileUtil;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * How every Leveret Raft group (the metadata group, the queue groups) is set up on Apache Ratis: one place for the
 * settings that decide durability and failover, so the groups cannot drift apart.
 */
public final class RaftSettings {
    /** Between a client's attempts, while a leader is being elected or a member is down. */
    private static final long RETRY_SLEEP_MILLIS = 100;
    /** Where clients drop their connections to members that failed them; see {@link #client}. */
    private static final Executor RESETS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "leveret-raft-client-reset");
        t.setDaemon(true);
        return t;
    });

    private RaftSettings() {
    }

    /**
     * The properties of one member whose log and snapshots live under {@code dir}, listening on {@code port} at
     * {@code bindHost} (null: every interface).
     *
     * <p>Durability: the leader commits an index once a majority holds it flushed, counting its own log by its
     * flush index and a follower by the match index it acknowledged; a follower acknowledges an append only once
     * its log worker has written and forced the entries. That holds with unsafe flush and async flush off, Ratis
     * 3.3.0's defaults, set explicitly here so that nothing can weaken them: a committed entry, and so a reply to
     * a client, means a majority has it on disk.
     *
     * @param electionTimeout the shortest election timeout (the longest is twice this)
     * @param snapshotEvery   entries applied between snapshots
     * @param segmentBytes    largest log segment; closed segments below a snapshot are purged
     */
    public static RaftProperties properties(Path dir, int port, String bindHost, Duration electionTimeout,
                                            long snapshotEvery, long segmentBytes) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(dir.toFile()));
        GrpcConfigKeys.Server.setPort(properties, port);
        if (bindHost != null) {
            GrpcConfigKeys.Server.setHost(properties, bindHost);
        }
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(properties, false);
        RaftServerConfigKeys.Log.setAsyncFlushEnabled(properties, false);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, snapshotEvery);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(segmentBytes));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties, SizeInBytes.valueOf(Math.min(segmentBytes, 4L << 20)));
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, Math.max(1, snapshotEvery)));
        // A linearizable read is served once the leader has applied all it had committed.
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        // How long a leader waits before it tries a failing follower again. Ratis' default ("1ms,10, 1s,20, 5s,1000")
        // reaches 5 s a try after some 20 failures, that is after a follower has been down for ~15 s: once back,
        // it then waited up to 5 s a step (reconnect, log mismatch, ...) to be fed again, and a second fault in
        // that time left the group without a majority though two of three nodes ran. A try costs one RPC.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "1ms,10, 100ms,100, 500ms,1000000000");
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, duration(electionTimeout));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, duration(electionTimeout.multipliedBy(2)));
        // A request to a member that stopped answering (killed, stalled, cut off) waits this long before the client
        // tries another one: one election timeout, about when the others have elected a new leader. A request
        // retried keeps its call id, so the leader's retry cache applies it once.
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, duration(electionTimeout));
        return properties;
    }

    /** The group {@code id} of {@code members} (node name to Raft address). */
    public static RaftGroup group(RaftGroupId id, Map<String, InetSocketAddress> members) {
        return group(id, members, null);
    }

    /**
     * The group {@code id} of {@code members}, where {@code preferred} (null: none) has Raft priority 1 and the
     * others 0. Ratis 3.3.0 then keeps leadership there: a voter whose log equals a candidate's rejects it if the
     * voter's priority is higher, and a leader hands leadership (TransferLeadership) to a higher-priority follower
     * as soon as that follower's log matches the leader's last entry. While the preferred member is down, the
     * others elect among themselves; a candidate then waits out its election timeout for the missing member's vote.
     */
    public static RaftGroup group(RaftGroupId id, Map<String, InetSocketAddress> members, String preferred) {
        List<RaftPeer> peers = new ArrayList<>();
        members.forEach((name, address) -> peers.add(RaftPeer.newBuilder().setId(RaftPeerId.valueOf(name))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .setPriority(name.equals(preferred) ? 1 : 0).build()));
        return RaftGroup.valueOf(id, peers);
    }

    /**
     * A client's retries for a submit that may take {@code submitTimeout}: twice the attempts that fit in it, so
     * that against members that refuse at once the sleeps alone set the pace and the retries do not run out
     * before the caller's own timeout fails the submit.
     */
    public static RetryPolicy submitRetries(Duration submitTimeout) {
        return RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                (int) Math.max(1, 2 * submitTimeout.toMillis() / RETRY_SLEEP_MILLIS),
                TimeDuration.valueOf(RETRY_SLEEP_MILLIS, TimeUnit.MILLISECONDS));
    }

    /**
     * A client of {@code group} whose failover does not wait on the connection it gives up. Ratis' client, when a
     * request to a member fails (a timeout: the member was killed, stalled or cut off), drops its connection to
     * that member before it schedules the retry elsewhere, and gRPC's graceful shutdown of a channel with a call
     * still open to a member that does not answer waits 3 s, then up to 2 s more: the fault runs measured 6.3 s
     * from a leader's fault to the next commit, of which ~3 s was that wait. Here the connection is dropped on a
     * thread of its own, so the retry goes out at once.
     */
    public static RaftClient client(RaftGroup group, RaftProperties properties, RetryPolicy retries) {
        ClientId id = ClientId.randomId();
        RaftClientRpc rpc = new GrpcFactory(new Parameters()).newRaftClientRpc(id, properties);
        return RaftClient.newBuilder().setClientId(id).setClientRpc(new ResetInBackground(rpc))
                .setProperties(properties).setRaftGroup(group).setRetryPolicy(retries).build();
    }

    /** A client transport whose {@link #handleException} (which closes and reopens a connection) returns at once. */
    private record ResetInBackground(RaftClientRpc rpc) implements RaftClientRpc {
        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsync(RaftClientRequest request) {
            return rpc.sendRequestAsync(request);
        }

        @Override
        public CompletableFuture<RaftClientReply> sendRequestAsyncUnordered(RaftClientRequest request) {
            return rpc.sendRequestAsyncUnordered(request);
        }

        @Override
        public RaftClientReply sendRequest(RaftClientRequest request) throws IOException {
            return rpc.sendRequest(request);
        }

        @Override
        public void addRaftPeers(Collection<RaftPeer> peers) {
            rpc.addRaftPeers(peers);
        }

        @Override
        public boolean handleException(RaftPeerId serverId, Throwable t, boolean reconnect) {
            if (!reconnect && !rpc.shouldReconnect(t)) {
                return false;
            }
            RESETS.execute(() -> rpc.handleException(serverId, t, reconnect));
            return true;
        }

        @Override
        public boolean shouldReconnect(Throwable t) {
            return rpc.shouldReconnect(t);
        }

        @Override
        public void close() throws IOException {
            rpc.close();
        }
    }

    /**
     * Starts a Ratis server; a listener that cannot bind is a {@link BindException} naming {@code what}. Ratis
     * would end the JVM there (ExitUtils.terminate calls System.exit): a library must not stop a broker, or a JVM
     * embedding one, so that is switched off and its exception turned into ours.
     */
    public static void start(RaftServer server, String what, String bindHost, int port) throws IOException {
        ExitUtils.disableSystemExit();
        try {
            server.start();
        } catch (ExitUtils.ExitException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            BindException bind = new BindException("cannot listen for " + what + " (Raft) on "
                    + (bindHost == null ? "*" : bindHost) + ":" + port + ": " + cause.getMessage());
            bind.initCause(e);
            throw bind;
        }
    }

    /** A state machine's pause before Ratis installs a leader's snapshot: Ratis requires PAUSED first. */
    public static void pauseForInstall(LifeCycle lifeCycle) {
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    /** Back to RUNNING once the installed snapshot is loaded. */
    public static void resumeAfterInstall(LifeCycle lifeCycle) {
        if (lifeCycle.getCurrentState() == LifeCycle.State.PAUSED) {
            lifeCycle.transition(LifeCycle.State.STARTING);
            lifeCycle.transition(LifeCycle.State.RUNNING);
        }
    }

    /** Writes a snapshot's bytes to the file it is given. */
    @FunctionalInterface
    public interface SnapshotWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Saves the snapshot of everything applied up to {@code last}: written by {@code writer} to a temporary file,
     * forced, renamed into place, its MD5 saved beside it, and made {@code storage}'s latest.
     */
    public static void saveSnapshot(SimpleStateMachineStorage storage, TermIndex last, SnapshotWriter writer)
            throws IOException {
        java.io.File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        Path temp = Path.of(file.getPath() + ".tmp");
        writer.write(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file.toPath(), StandardCopyOption.ATOMIC_MOVE);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    }

    /** The file of {@code snapshot}, once its MD5 is checked; an {@link IOException} if it is damaged. */
    public static Path checkedSnapshotFile(SingleFileSnapshotInfo snapshot) throws IOException {
        java.io.File file = snapshot.getFile().getPath().toFile();
        MD5Hash expected = snapshot.getFile().getFileDigest();
        if (expected != null && !expected.equals(MD5FileUtil.computeMd5ForFile(file))) {
            throw new IOException(file + ": its MD5 does not match " + file + ".md5; the snapshot is damaged");
        }
        return file.toPath();
    }

    public static TimeDuration duration(Duration d) {
        return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
    }
}
