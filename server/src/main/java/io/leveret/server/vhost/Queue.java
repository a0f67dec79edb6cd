package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.server.stats.Counters;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.RecoveredMessage;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A FIFO queue. Requeued messages go back to their original position (by sequence number), ahead of messages
 * never delivered. Queue keeps what the declaration fixed, the ready list, the consumers and its life (consumers
 * coming and going, purge, delete); the rest is its collaborators', each one for one queue:
 * <ul>
 *   <li>{@link Intake}: published messages coming in (length limits and x-overflow, deduplication, sequence
 *       numbers, deadlines) and the publishers' credit, kept in a {@link WithheldCredit} while consumers lag;</li>
 *   <li>{@link Dispatch}: who gets the next message and when; {@link Outgoing}: which entry that is and the
 *       {@link Delivery} it becomes;</li>
 *   <li>{@link Settlement}: acks, requeues and rejects of the entries out, which {@link Unacked} keeps;</li>
 *   <li>{@link Departures}: how entries leave for good, dead-lettered or forgotten;</li>
 *   <li>{@link QueueExpiry}: the clocks (TTL, x-expires); {@link Paging}: bodies on disk;
 *       {@link QueueRecovery}: the messages the log kept, at boot.</li>
 * </ul>
 *
 * <p>Which thread may touch what, one rule per field:
 * <ul>
 *   <li><b>Confined to the queue's executor</b> (every field below "Queue-thread state", and the collaborators
 *       named above, whose own comments say so; Paging's disk work runs on a disk lane and reports back as
 *       tasks): the messages, consumers, deliveries, sequence numbers, withheld credit and timers. Other threads
 *       hand the queue work as tasks ({@link #execute}); answers that need its state (declare-ok counts,
 *       basic.get) are asked for the same way, so none of it needs a lock. Two things run where no queue
 *       thread does, and only then: {@link #recover}'s reads of the log on the booting thread, which change no
 *       queue state (the queue's thread takes the messages in), and {@link #releaseAtShutdown}, once the event
 *       loops have stopped.</li>
 *   <li><b>Written on the queue's thread, read without a lock by the statistics sampler</b>: the
 *       {@link #stats} counters (opaque writes) and the counts behind {@link #messageCount} and
 *       {@link #unackedCount}, which the sampler may see a moment late.</li>
 *   <li><b>Final</b>: what the declaration fixed (name, durability, arguments, owner, executor, store, the
 *       queue's name in the store, and the {@link #deduplication} its arguments ask for, whose contents are
 *       the queue thread's).</li>
 *   <li><b>Volatile, written on the queue's thread</b>: {@link #settings}, read by publishers on any thread
 *       ({@link #mayRefuse}) and by the vhost when it declares the queue.</li>
 *   <li><b>Volatile, written by the vhost</b>: {@link #stored}, the declaration's write.</li>
 *   <li><b>The vhost's monitor</b>: {@link #policy}, which only the vhost's policy code reads and writes.</li>
 *   <li><b>This queue's monitor</b>: {@link #bindings}, changed by {@link Exchange#bind}/{@link Exchange#unbind}
 *       with the exchange's monitor held (the exchange's first, then the queue's, never the reverse), read by the
 *       vhost when it deletes the queue.</li>
 * </ul>
 */
public final class Queue implements Destination {
    private final VirtualHost vhost;
    private final String name;
    /** Set before the queue is put where others find it (the vhost's map), never changed: no volatile read to route. */
    private String remoteHome;
    private final boolean durable;
    private final boolean autoDelete;
    private final FieldTable arguments;
    /** What the queue acts on: its arguments, combined with a policy's definition. Written on the queue's thread. */
    private volatile QueueArguments settings;
    /** The settings the vhost's policies gave this queue when it last looked; guarded by the vhost's monitor. */
    private FieldTable policy = FieldTable.EMPTY;
    /** The connection that owns an exclusive queue; null for a shared one. */
    private final Object exclusiveOwner;
    private final EventExecutor executor;
    /** The message log, for a durable queue of a broker with storage; null otherwise. */
    private final MessageStore store;
    private final QueueName storeName;
    /** Null unless x-message-deduplication is on for this queue. */
    private final QueueDeduplication deduplication;

    /** Guarded by this: bindings to this queue, so that deleting it removes them. */
    private final List<Binding> bindings = new ArrayList<>();
    /** The write that stored this queue's declaration; complete for one never stored. */
    private volatile java.util.concurrent.CompletableFuture<Void> stored = VirtualHost.DONE;

    // Queue-thread state.
    private final ReadyList ready;
    private final Unacked unacked = new Unacked();
    private final Consumers consumers;
    /** message_stats, written on this queue's thread only. */
    private final Counters stats = new Counters();
    private boolean hadConsumer;
    private boolean deleted;
    private final QueueExpiry expiry = new QueueExpiry(this);
    private final Paging paging;
    private final Departures departures;
    private final Dispatch dispatch;
    private final Intake intake;
    private final Settlement settlement;
    // End of the queue-thread state.

    Queue(VirtualHost vhost, String name, boolean durable, boolean autoDelete, FieldTable arguments,
          QueueArguments settings, Object exclusiveOwner, EventExecutor executor) {
        this.vhost = vhost;
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.arguments = arguments;
        this.settings = settings;
        this.exclusiveOwner = exclusiveOwner;
        this.executor = executor;
        this.store = durable && vhost.persistence() != null ? vhost.persistence().messages() : null;
        this.storeName = new QueueName(vhost.name(), name);
        this.deduplication = QueueDeduplication.of(arguments);
        this.ready = new ReadyList(settings.maxPriority());
        this.consumers = new Consumers(settings.singleActiveConsumer(), settings.type() == QueueType.CLASSIC);
        this.paging = new Paging(this, store);
        this.departures = new Departures(this, paging, store, deduplication);
        // Intake keeps the publishers' credit; Outgoing tells it of the hand-outs that let it go.
        WithheldCredit withheld = new WithheldCredit(executor);
        this.dispatch = new Dispatch(this, consumers, expiry,
                new Outgoing(this, expiry, departures, paging, unacked, withheld, store, deduplication));
        this.intake = new Intake(this, ready, consumers, paging, departures, expiry, dispatch, withheld,
                deduplication);
        this.settlement = new Settlement(this, unacked, ready, departures, intake, expiry);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * In a cluster, the queue's home node if that is another node (NAME@HOST): the queue's messages and consumers
     * live there, and this node knows only its definition; null for a queue of this node.
     */
    public String remoteHome() {
        return remoteHome;
    }

    /** Set once, as the queue is made from a definition another node declared, before anyone can find it. */
    void remoteHome(String node) {
        this.remoteHome = node;
    }

    public VirtualHost vhost() {
        return vhost;
    }

    public boolean durable() {
        return durable;
    }

    /**
     * Completes once the declaration that made this queue is durable; fails if it could not be stored (the
     * queue is gone again then). A declare-ok, even a redeclare's or a passive one's, waits for it.
     */
    public java.util.concurrent.CompletableFuture<Void> stored() {
        return stored;
    }

    void stored(java.util.concurrent.CompletableFuture<Void> write) {
        stored = write;
    }

    public boolean autoDelete() {
        return autoDelete;
    }

    public boolean exclusive() {
        return exclusiveOwner != null;
    }

    public Object exclusiveOwner() {
        return exclusiveOwner;
    }

    public FieldTable arguments() {
        return arguments;
    }

    /** What the policies last gave this queue (see {@link VirtualHost#setPolicy}). Called with the vhost's monitor held. */
    FieldTable policy() {
        return policy;
    }

    void policy(FieldTable settingsFromPolicies) {
        policy = settingsFromPolicies;
    }

    /** The arguments (and policy) the queue acts on. Thread-safe. */
    public QueueArguments settings() {
        return settings;
    }

    /**
     * True when a publish may be refused (x-overflow reject-publish or reject-publish-dlx with a length
     * limit): publishers with confirms on then wait for {@link #enqueue(Message, Location, PublisherCredit)}'s
     * answer. Thread-safe.
     */
    public boolean mayRefuse() {
        QueueArguments a = settings;
        return a.limited() && a.overflow().rejects();
    }

    /** The thread this queue's state is confined to. */
    EventExecutor executor() {
        return executor;
    }

    /** Runs {@code task} on this queue's thread, after everything handed to it before. */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    // ---- Everything below runs on the queue's thread. ----

    /** The queue's name in the message log. */
    public QueueName storeName() {
        return storeName;
    }

    /** True when persistent messages routed here go to the message log. */
    public boolean persistsMessages() {
        return store != null;
    }

    /**
     * True when {@code m}, routed here, goes to the message log: a persistent message on a durable queue, and
     * every message on a quorum queue (RabbitMQ keeps them all on disk, whatever their delivery mode). Thread-safe.
     */
    public boolean stores(Message m) {
        return store != null && (m.properties().persistent() || type() == QueueType.QUORUM);
    }

    /** The queue's type, fixed by its declaration. Thread-safe. */
    public QueueType type() {
        return settings.type();
    }

    /** Takes over one reference to {@code message}, which is not in the message log. */
    public void enqueue(Message message) {
        intake.offer(message, null);
    }

    /**
     * Enqueues, then gives the publisher's credit back — or keeps it while consumers lag behind a backlog.
     * Returns false if the queue refused the message (x-overflow reject-publish at its limit).
     */
    public boolean enqueue(Message message, Location location, PublisherCredit credit) {
        return intake.enqueue(message, location, credit);
    }

    /**
     * Takes over one reference to {@code message}; {@code location} is where the message log keeps it, or null.
     */
    public void enqueue(Message message, Location location) {
        intake.offer(message, location);
    }

    /** Gives back the credit held while the backlog was long, as far as it is short again. */
    void releaseCredit() {
        intake.releaseCredit();
    }

    /** A spill write is done: progress for the credit withheld meanwhile. */
    void pagingProgressed() {
        intake.pagingProgressed();
    }

    /** The entry that would go out next, without taking it. */
    QueueEntry head() {
        return ready.peek();
    }

    /** Takes the entry that would go out next. */
    QueueEntry takeHead() {
        QueueEntry e = ready.poll();
        if (e != null) {
            paging.taken(e);
        }
        return e;
    }

    /** The queue was used (declared, read with basic.get, or left by its last consumer): its x-expires clock restarts. */
    public void touch() {
        expiry.touch();
    }

    /**
     * A policy changed what this queue acts on; it takes effect at once, as in RabbitMQ's
     * process_args_policy: messages already queued keep their deadlines (a TTL counts from the enqueue), a
     * lowered length limit drops or dead-letters the oldest messages ({@link Intake#limitsChanged}), and an
     * x-expires timer restarts from now.
     */
    void applySettings(QueueArguments next) {
        QueueArguments previous = settings;
        settings = next;
        if (deleted) {
            return;
        }
        intake.limitsChanged(previous, next);
        expiry.restartUnusedTimer(consumers.isEmpty());
        expiry.expireHead();
        releaseCredit();
    }

    /**
     * At boot, on the booting thread (not the queue's): the messages the log kept for this queue, in order,
     * which the queue's thread then takes in ({@link QueueRecovery}). A message that was out to a consumer when
     * the broker stopped came back once more than the log says.
     */
    public void recover(List<RecoveredMessage> messages) {
        new QueueRecovery(this, ready, intake, expiry, paging, store, deduplication).recover(messages);
    }

    public int messageCount() {
        return ready.size();
    }

    public int consumerCount() {
        return consumers.size();
    }

    /** Body bytes of the ready messages (management's message_bytes_ready). */
    public long readyBytes() {
        return ready.bytes();
    }

    /**
     * RabbitMQ's consumer_capacity: the share of recent time (0 to 1) in which a consumer could take a ready
     * message at once; 0 without consumers, as RabbitMQ answers. On the queue's thread.
     */
    public double consumerCapacity() {
        return consumers.isEmpty() ? 0 : dispatch.consumerCapacity(ready.size() == 0);
    }

    /** Deliveries awaiting an ack (management's messages_unacknowledged); read racily by the statistics sampler. */
    public int unackedCount() {
        return unacked.size();
    }

    /** Body bytes of the deliveries awaiting an ack; walks them, so for management, not the hot path. */
    public long unackedBytes() {
        return unacked.bytes();
    }

    public Counters stats() {
        return stats;
    }

    public boolean isDeleted() {
        return deleted;
    }

    /** The outcome of adding a consumer. */
    public enum AddResult { OK, QUEUE_DELETED, EXCLUSIVE_IN_USE, HAS_CONSUMERS }

    public AddResult addConsumer(QueueConsumer c) {
        if (deleted) {
            return AddResult.QUEUE_DELETED;
        }
        AddResult r = consumers.admit(c);
        if (r == AddResult.OK) {
            hadConsumer = true;
        }
        return r;
    }

    /** Starts deliveries to a consumer just added, once its consume-ok has gone out. */
    public void consumerReady() {
        dispatch();
    }

    /** Removes a consumer; an auto-delete queue goes with its last one. */
    public void removeConsumer(QueueConsumer c) {
        if (!consumers.remove(c)) {
            return;
        }
        if (autoDelete && hadConsumer && consumers.isEmpty() && !deleted) {
            vhost.deleteQueue(this);
        }
        if (consumers.isEmpty()) {
            touch();
        }
        releaseCredit();
    }

    /**
     * basic.get: {@code answer} gets the next message, or null if none is ready, on this thread; the delivery's
     * reference is the caller's. If the head's body is on disk the answer waits until it has been read back
     * (never get-empty while messages are ready), as do gets that come after it.
     */
    public void get(boolean noAck, Consumer<Delivery> answer) {
        touch();
        dispatch.get(noAck, answer);
    }

    /** Bodies were read back: waiting gets first, then the consumers. */
    void pagedIn() {
        dispatch.pagedIn();
    }

    /** The consumer (or basic.get) that had {@code seq} is done with it: the queue lets go of the message. */
    public void ack(long seq) {
        settlement.ack(seq);
    }

    /** Puts an unacknowledged message back at its original position, marked redelivered. */
    public void requeue(long seq) {
        settlement.requeue(seq);
    }

    /** Acks and requeues apply per message; then the queue looks for consumers with credit again. */
    public void settle(long[] acks, int ackCount, long[] requeues, int requeueCount) {
        settlement.settle(acks, ackCount, requeues, requeueCount);
    }

    /** basic.reject or basic.nack with requeue=false: the messages are dead-lettered (reason rejected) or dropped. */
    public void reject(long[] seqs, int count) {
        settlement.reject(seqs, count);
    }

    /** Drops every ready message (not the unacknowledged ones) and returns how many there were. */
    public int purge() {
        int n = messageCount();
        ready.drain(departures::forget);
        paging.clear();
        releaseCredit();
        dispatch.answerWaitingGets();
        return n;
    }

    /**
     * The broker is stopping and its event loops have stopped, so this runs on the closing thread: lets go
     * of the bodies held in memory without telling the store anything (durable messages come back from the
     * log at the next start). Without it, every stopped embedded broker would keep its queues' buffers.
     */
    public void releaseAtShutdown() {
        deleted = true; // from here Departures.doneWithLogRecord leaves the log alone
        ready.drain(departures::forget);
        unacked.drain(departures::forget);
        paging.close();
    }

    /** Called once the vhost has forgotten this queue: frees its messages and cancels its consumers. */
    void onDeleted() {
        if (deleted) {
            return;
        }
        deleted = true;
        purge();
        unacked.drain(departures::forget);
        paging.close();
        dispatch.answerWaitingGets();
        List<QueueConsumer> cs = consumers.clear();
        for (QueueConsumer c : cs) {
            c.channel().consumerCancelled(c.tag());
        }
    }

    /**
     * Delivers ready messages to consumers with credit, as {@link Consumers} picks them, in one batch per
     * channel.
     */
    public void dispatch() {
        dispatch.run(expiry.now());
    }

    synchronized void addBinding(Binding b) {
        bindings.add(b);
    }

    synchronized void removeBinding(Binding b) {
        bindings.remove(b);
    }

    synchronized List<Binding> bindings() {
        return List.copyOf(bindings);
    }

    /** How entries leave the queue, for {@link PageIn} and {@link QueueExpiry}. */
    Departures departures() {
        return departures;
    }

    /** The ready list, for {@link PageIn} to find the bodies to read ahead. */
    ReadyList ready() {
        return ready;
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost.name() + "'";
    }
}
