package io.leveret.server.cluster;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionReplica;
import io.leveret.store.definitions.Definitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata group's state machine: each log entry is one {@link Change} in the definitions journal's
 * encoding, applied in commit order to a {@link DefinitionReplica} on every member, then handed to the
 * node's listener (the broker's own model). A snapshot is the replica written in the journal's format,
 * named by the term and index it covers; at start the latest one is loaded and Ratis replays the log after it.
 *
 * <p>Applying must be deterministic and must not throw (an exception stops the Ratis server): a change that
 * does not fit the model is refused the same way on every member and answered with the reason, so the
 * caller gets the error and no member's model changes.
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);
    /** First byte of a reply: the change was applied. */
    static final byte APPLIED = 0;
    /** First byte of a reply: the change was refused; a UTF-8 reason follows. */
    static final byte REFUSED = 1;
    /** What takeSnapshot answers when nothing is applied yet: Ratis' invalid log index. */
    private static final long NO_SNAPSHOT = -1;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final DefinitionReplica replica = new DefinitionReplica();
    private final String self;
    private final ClusterMembership.Listener applied;
    /** Local waiters: index to the futures that complete once it is applied here. Guarded by this. */
    private final TreeMap<Long, CompletableFuture<Void>> waiters = new TreeMap<>();
    /** Snapshots installed from the leader (a member too far behind for the log): for tests and the log. */
    private final java.util.concurrent.atomic.AtomicInteger installed = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param self    this node's name, to tell its own changes from the others'
     * @param applied told each change once it is committed and applied here, on Ratis' apply thread, in order
     */
    MetadataStateMachine(String self, ClusterMembership.Listener applied) {
        this.self = self;
        this.applied = applied;
    }

    /**
     * A log entry: the submitting node's name ("" for a change every node makes as it commits), as a 2-byte
     * length and UTF-8, then the change in the definitions journal's encoding.
     */
    static ByteString entry(String origin, Change change) {
        byte[] name = origin.getBytes(StandardCharsets.UTF_8);
        return ByteString.copyFrom(java.nio.ByteBuffer.allocate(2 + name.length).putShort((short) name.length)
                .put(name).flip()).concat(ByteString.copyFrom(DefinitionReplica.encode(change)));
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            if (loadLatestSnapshot()) {
                applied.replaced(definitions(), appliedIndex());
            }
        });
    }

    /** Before a snapshot from the leader is installed: Ratis requires PAUSED before it calls {@link #reinitialize}. */
    @Override
    public void pause() {
        RaftSettings.pauseForInstall(getLifeCycle());
    }

    @Override
    public void reinitialize() throws IOException {
        // After installing a snapshot from the leader: the model becomes the snapshot's.
        installed.incrementAndGet();
        loadLatestSnapshot();
        RaftSettings.resumeAfterInstall(getLifeCycle());
        applied.replaced(definitions(), appliedIndex());
        completeWaiters(appliedIndex());
    }

    /** Makes the model the latest snapshot's; false (and an empty model) if there is none. */
    private synchronized boolean loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            replica.clear();
            return false;
        }
        java.nio.file.Path file = RaftSettings.checkedSnapshotFile(snapshot);
        long index = replica.readSnapshot(file);
        if (index != snapshot.getIndex()) {
            throw new IOException(file + " holds index " + index + " but is named for " + snapshot.getIndex());
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("metadata loaded from snapshot {} (term {}, index {})", file, snapshot.getTerm(), index);
        return true;
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last;
        synchronized (this) {
            last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return NO_SNAPSHOT;
            }
            long index = last.getIndex();
            RaftSettings.saveSnapshot(storage, last, temp -> replica.writeSnapshot(temp, index));
        }
        LOG.debug("metadata snapshot at term {}, index {}", last.getTerm(), last.getIndex());
        return last.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteString data = entry.getStateMachineLogEntry().getLogData();
        Change change = null;
        String refusal = null;
        boolean fromHere = false;
        synchronized (this) {
            try {
                if (data.size() < 2) {
                    throw new IOException("a metadata log entry of " + data.size() + " bytes");
                }
                int length = ((data.byteAt(0) & 0xff) << 8) | (data.byteAt(1) & 0xff);
                if (2 + length > data.size()) {
                    throw new IOException("a metadata log entry's origin runs past its end");
                }
                fromHere = data.substring(2, 2 + length).toString(StandardCharsets.UTF_8).equals(self);
                change = DefinitionReplica.decode(data.substring(2 + length).toByteArray());
                replica.apply(change);
            } catch (IOException | IllegalArgumentException e) {
                refusal = e.getMessage() == null ? e.toString() : e.getMessage();
                change = null;
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        if (change != null) {
            try {
                applied.committed(change, fromHere, entry.getIndex());
            } catch (RuntimeException e) {
                // The replicated model has it; a local listener failing must not stop this member's Raft server.
                LOG.error("applying committed change {} (index {}) to this node failed", change, entry.getIndex(), e);
            }
        }
        completeWaiters(entry.getIndex());
        return CompletableFuture.completedFuture(refusal == null
                ? Message.valueOf(ByteString.copyFrom(new byte[] {APPLIED}))
                : Message.valueOf(ByteString.copyFrom(new byte[] {REFUSED})
                        .concat(ByteString.copyFromUtf8(refusal))));
    }

    /** A read: the index applied here, as 8 bytes; with linearizable reads, asked of the leader, everything committed. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(
                java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0, appliedIndex()))));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // Configuration and no-op entries advance the applied index too, without a transaction.
        super.notifyTermIndexUpdated(term, index);
        completeWaiters(index);
    }

    /** A future that completes once the entry at {@code index} is applied on this member. */
    CompletableFuture<Void> applied(long index) {
        synchronized (this) {
            TermIndex last = getLastAppliedTermIndex();
            if (last != null && last.getIndex() >= index) {
                return CompletableFuture.completedFuture(null);
            }
            return waiters.computeIfAbsent(index, i -> new CompletableFuture<>());
        }
    }

    private void completeWaiters(long upTo) {
        Map<Long, CompletableFuture<Void>> done;
        synchronized (this) {
            Map<Long, CompletableFuture<Void>> head = waiters.headMap(upTo, true);
            if (head.isEmpty()) {
                return;
            }
            done = new TreeMap<>(head);
            head.clear();
        }
        done.values().forEach(f -> f.complete(null));
    }

    /** A copy of the replicated definitions as applied here. */
    synchronized Definitions definitions() {
        return replica.definitions();
    }

    /** The index of the last entry applied here, or -1. */
    synchronized long appliedIndex() {
        TermIndex last = getLastAppliedTermIndex();
        return last == null ? -1 : last.getIndex();
    }

    /** How many snapshots this member installed from a leader since it started. */
    int installedSnapshots() {
        return installed.get();
    }

    /** The text of a refusal reply, or null if the reply says the change was applied. */
    static String refusal(ByteString reply) {
        if (reply.isEmpty() || reply.byteAt(0) == APPLIED) {
            return null;
        }
        return reply.substring(1).toString(StandardCharsets.UTF_8);
    }
}
