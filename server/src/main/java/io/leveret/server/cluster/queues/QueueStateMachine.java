package io.leveret.server.cluster.queues;

import io.leveret.server.cluster.RaftSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
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
 * A queue group's Ratis state machine: each log entry is a batch of {@link Command}s, applied in order to this
 * member's {@link QueueMachine}. The effects go to the node's {@link QueueGroup.Listener} on every member, and to the
 * waiting submitter on the member that submitted the entry. A snapshot is the machine's encoded snapshot in a file
 * named by the term and index it covers.
 *
 * <p>Applying must not throw (an exception stops the Ratis server): an entry that cannot be decoded changes nothing,
 * on every member alike, and its submitter is told why.
 */
final class QueueStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(QueueStateMachine.class);
    /** First byte of a reply: the entry was applied. */
    static final byte APPLIED = 0;
    /** First byte of a reply: the entry could not be decoded; a UTF-8 reason follows. */
    static final byte REFUSED = 1;
    private static final long NO_SNAPSHOT = -1;

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final QueueMachine machine = new QueueMachine();
    private final String self;
    /** This start's identity: a submitter waits only for its own entries, never for one of an earlier run. */
    private final long session;
    private final QueueGroup.Listener listener;
    /** Where waiting submitters are completed, so that what they chain never runs on Ratis' apply thread. */
    private final Executor replies;
    /** Submissions from this member by request number, waiting for their entry to be applied here. */
    private final Map<Long, CompletableFuture<List<List<Effect>>>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger installed = new AtomicInteger();

    QueueStateMachine(String self, long session, QueueGroup.Listener listener, Executor replies) {
        this.self = self;
        this.session = session;
        this.listener = listener;
        this.replies = replies;
    }

    /**
     * A log entry: the submitting node, its session and request number, then the commands in {@link QueueCodec}'s
     * entry encoding.
     */
    ByteString entry(long request, List<Command> commands) {
        Wire.Out header = new Wire.Out(32).writeString(self).writeVarLong(session).writeVarLong(request);
        return ByteString.copyFrom(header.toByteArray()).concat(ByteString.copyFrom(QueueCodec.encodeEntry(commands)));
    }

    /** Registers a submission before its entry is sent; completes once the entry is applied here. */
    CompletableFuture<List<List<Effect>>> await(long request) {
        CompletableFuture<List<List<Effect>>> future = new CompletableFuture<>();
        waiting.put(request, future);
        return future;
    }

    /** A submission given up on (failed or timed out): nobody waits for it any more. */
    void forget(long request) {
        waiting.remove(request);
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(() -> {
            storage.init(raftStorage);
            loadLatestSnapshot();
        });
    }

    /** Before a snapshot from the leader is installed: Ratis requires PAUSED before it calls {@link #reinitialize}. */
    @Override
    public void pause() {
        RaftSettings.pauseForInstall(getLifeCycle());
    }

    @Override
    public void reinitialize() throws IOException {
        installed.incrementAndGet();
        loadLatestSnapshot();
        RaftSettings.resumeAfterInstall(getLifeCycle());
        listener.replaced();
    }

    private synchronized void loadLatestSnapshot() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            machine.clear();
            return;
        }
        java.nio.file.Path file = RaftSettings.checkedSnapshotFile(snapshot);
        try {
            QueueCodec.decodeSnapshot(Files.readAllBytes(file), machine);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a queue snapshot Leveret can read: " + e.getMessage(), e);
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.info("queues loaded from snapshot {} (term {}, index {})", file, snapshot.getTerm(), snapshot.getIndex());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * Writes what is live now (ready and unacknowledged messages, consumers, publishers' sequence numbers) as of the
     * last applied entry; Ratis then purges the log below it. Encoding happens under the machine's lock, the write
     * after it, so applying waits only for the encoding.
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last;
        byte[] bytes;
        synchronized (this) {
            last = getLastAppliedTermIndex();
            if (last == null || last.getIndex() < 0) {
                return NO_SNAPSHOT;
            }
            bytes = QueueCodec.encodeSnapshot(machine);
        }
        RaftSettings.saveSnapshot(storage, last, temp -> Files.write(temp, bytes));
        LOG.debug("queue snapshot at term {}, index {}: {} bytes", last.getTerm(), last.getIndex(), bytes.length);
        return last.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        String origin = null;
        long originSession = 0;
        long request = 0;
        List<Command> commands = List.of();
        List<List<Effect>> effects = new ArrayList<>();
        String refusal = null;
        synchronized (this) {
            try {
                Wire.In in = new Wire.In(data);
                origin = in.readString();
                originSession = in.readVarLong();
                request = in.readVarLong();
                int headerLength = data.length - in.remaining();
                commands = QueueCodec.decodeEntry(data, headerLength, data.length - headerLength);
            } catch (IllegalArgumentException e) {
                refusal = "a queue log entry that cannot be read: " + e.getMessage();
                commands = List.of();
            }
            for (Command command : commands) {
                effects.add(machine.apply(command));
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        if (refusal != null) {
            LOG.error("queue log entry {} skipped: {}", entry.getIndex(), refusal);
        } else {
            try {
                listener.applied(commands, effects, self.equals(origin));
            } catch (RuntimeException e) {
                // The replicated state has it; a local listener failing must not stop this member's Raft server.
                LOG.error("performing the effects of queue log entry {} on this node failed", entry.getIndex(), e);
            }
        }
        if (self.equals(origin) && originSession == session) {
            CompletableFuture<List<List<Effect>>> waiter = waiting.remove(request);
            if (waiter != null) {
                complete(waiter, effects, refusal);
            }
        }
        return CompletableFuture.completedFuture(refusal == null
                ? Message.valueOf(ByteString.copyFrom(new byte[] {APPLIED}))
                : Message.valueOf(ByteString.copyFrom(new byte[] {REFUSED}).concat(ByteString.copyFromUtf8(refusal))));
    }

    private void complete(CompletableFuture<List<List<Effect>>> waiter, List<List<Effect>> effects, String refusal) {
        try {
            replies.execute(() -> {
                if (refusal == null) {
                    waiter.complete(effects);
                } else {
                    waiter.completeExceptionally(new IllegalArgumentException(refusal));
                }
            });
        } catch (RejectedExecutionException closed) {
            waiter.completeExceptionally(new IllegalStateException("the queue group is closed", closed));
        }
    }

    /** A read: the index applied here, as 8 bytes. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(
                java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0, appliedIndex()))));
    }

    /** The index of the last entry applied here, or -1. */
    synchronized long appliedIndex() {
        TermIndex last = getLastAppliedTermIndex();
        return last == null ? -1 : last.getIndex();
    }

    /** The machine as encoded for a snapshot, now: two members that applied the same entries answer the same bytes. */
    synchronized byte[] encodedState() {
        return QueueCodec.encodeSnapshot(machine);
    }

    synchronized QueueMachine.Stats stats(QueueName queue) {
        return machine.stats(queue);
    }

    /** Snapshots installed from a leader since this member started. */
    int installedSnapshots() {
        return installed.get();
    }

    /** Fails every waiting submission: the group is closing. */
    void failWaiting(Throwable reason) {
        waiting.values().forEach(f -> f.completeExceptionally(reason));
        waiting.clear();
    }
}
