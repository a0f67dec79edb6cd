package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.EventExecutor;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.MessageTimes;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.RecoveredMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FIFO queue. Everything it holds lives on one single-threaded executor: other threads hand it work as
 * tasks ({@link #execute}), so its state needs no lock. Requeued messages go back to their original
 * position (by sequence number), ahead of messages never delivered.
 */
public final class Queue implements Destination {
    private final VirtualHost vhost;
    private final String name;
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
    /** Handed-out entries by their sequence number: a primitive-keyed map, no boxed key per delivery. */
    private final io.netty.util.collection.LongObjectHashMap<QueueEntry> unacked =
            new io.netty.util.collection.LongObjectHashMap<>();
    private final Consumers consumers;
    /** message_stats, written on this queue's thread only. */
    private final io.leveret.server.stats.Counters stats = new io.leveret.server.stats.Counters();
    private final Paging paging;
    private final WithheldCredit withheld;
    /** One dispatch's deliveries by channel; cleared after each dispatch. */
    private final Map<ConsumerChannel, List<Delivery>> batches = new IdentityHashMap<>(4);
    /** basic.gets waiting for the head's body to be read back, in order. */
    private final java.util.ArrayDeque<WaitingGet> gets = new java.util.ArrayDeque<>();
    /** A dispatch or a get is under way: a read finishing on this very thread leaves it to them. */
    private boolean busy;
    private long nextSeq;
    private boolean hadConsumer;
    private boolean deleted;
    /** True once any entry had a deadline: queues without TTLs never look at the clock. */
    private boolean hasDeadlines;
    /** When the timer for the head's deadline fires (ms since the epoch); 0 when none is pending. */
    private long expiryTimerAt;
    /** When the queue was last used (x-expires), and whether a check for that is pending. */
    private long lastUsed = System.currentTimeMillis();
    private boolean unusedTimerPending;
    /** Bumped when a policy change rearms the x-expires timer: a timer armed before then does nothing. */
    private int unusedTimerVersion;

    Queue(VirtualHost vhost, String name, boolean durable, boolean autoDelete, FieldTable arguments,
          QueueArguments settings, Object exclusiveOwner, EventExecutor executor) {
        this.vhost = vhost;
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.arguments = arguments;
        this.settings = settings;
        this.ready = new ReadyList(settings.maxPriority());
        this.consumers = new Consumers(settings.singleActiveConsumer());
        this.exclusiveOwner = exclusiveOwner;
        this.executor = executor;
        this.store = durable && vhost.persistence() != null ? vhost.persistence().messages() : null;
        this.storeName = new QueueName(vhost.name(), name);
        this.deduplication = QueueDeduplication.of(arguments);
        this.paging = new Paging(this, store);
        this.withheld = new WithheldCredit(executor);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Queue.class);
    /**
     * With consumers attached, a queue holding more ready messages than this keeps its publishers' credit
     * until the consumers catch up: publishers then go at the consumers' pace instead of building a backlog.
     */
    static final int BACKLOG_FOR_CREDIT = 1000;
    /** Body bytes one dispatch hands over before the connections are told (and may say they are behind). */
    private static final long DISPATCH_BATCH_BYTES = 256 << 10;

    @Override
    public String name() {
        return name;
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
     * limit): publishers with confirms on then wait for {@link #offer}'s answer. Thread-safe.
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

    /** Takes over one reference to {@code message}, which is not in the message log. */
    public void enqueue(Message message) {
        enqueue(message, null);
    }

    /**
     * Enqueues, then gives the publisher's credit back — or keeps it while consumers lag behind a backlog.
     * Returns false if the queue refused the message (x-overflow reject-publish at its limit).
     */
    public boolean enqueue(Message message, Location location, PublisherCredit credit) {
        int units = PublisherCredit.units(message.bodySize());
        boolean accepted = offer(message, location);
        if (withholdsCredit()) {
            withheld.withhold(credit, units);
        } else {
            credit.granted(units);
        }
        return accepted;
    }

    /** Publishers wait while consumers lag behind a backlog, or while the spill file lags behind the queue. */
    private boolean withholdsCredit() {
        return !deleted && (!consumers.isEmpty() && messageCount() > BACKLOG_FOR_CREDIT || paging.behind());
    }

    /** Gives back the credit held while the backlog was long, as far as it is short again. */
    private void releaseCredit() {
        if (!withholdsCredit()) {
            withheld.releaseAll();
        }
    }

    /** A spill write is done: progress for the credit withheld meanwhile. */
    void pagingProgressed() {
        withheld.progressed();
        releaseCredit();
    }

    /**
     * Takes over one reference to {@code message}; {@code location} is where the message log keeps it, or null.
     */
    public void enqueue(Message message, Location location) {
        offer(message, location);
    }

    /** {@link #enqueue(Message, Location)}, returning false if the queue refused the message at its length limit. */
    private boolean offer(Message message, Location location) {
        stats.add(io.leveret.server.stats.Metric.PUBLISH);
        if (deleted) {
            message.release();
            return true;
        }
        QueueArguments a = settings;
        int size = message.bodySize();
        if (a.limited() && a.overflow().rejects() && wouldOverflow(a, size)) {
            if (a.overflow() == QueueArguments.Overflow.REJECT_PUBLISH_DLX) {
                deadLetter(message, DeadLetters.MAXLEN);
            } else {
                message.release();
            }
            if (location != null) {
                store.ack(storeName, location);
            }
            return false;
        }
        if (deduplication != null && !deduplication.admit(message, nextSeq)) {
            // A duplicate of a waiting message is dropped; the publisher's confirm is still positive.
            message.release();
            if (location != null) {
                store.ack(storeName, location);
            }
            return true;
        }
        QueueEntry e = new QueueEntry(nextSeq++, message, location, size, ready.laneOf(message.properties().priority()));
        String expiration = message.properties().expiration();
        // The clock is read once: a message with TTL 0 must still reach a consumer waiting now, however
        // long this takes (RabbitMQ), so the dispatch below judges deadlines by the same millisecond.
        long now = a.messageTtl() >= 0 || expiration != null || hasDeadlines ? System.currentTimeMillis() : 0;
        long deadline = deadline(a, now, Persistence.ownTtl(expiration));
        if (deadline != QueueEntry.NEVER) {
            e.expiresAt = deadline;
            hasDeadlines = true;
        }
        ready.add(e);
        dispatch(now);
        if (a.limited()) {
            dropHeadOverLimit(a);
        }
        if (hasDeadlines) {
            expireHead();
        }
        if (!e.handedOut && e.message != null) {
            paging.added(e);
        }
        return true;
    }

    private boolean wouldOverflow(QueueArguments a, int size) {
        return a.maxLength() >= 0 && messageCount() + 1 > a.maxLength()
                || a.maxLengthBytes() >= 0 && ready.bytes() + size > a.maxLengthBytes();
    }

    /** x-overflow drop-head: the oldest ready messages go (dead-lettered as maxlen) until the queue fits. */
    private void dropHeadOverLimit(QueueArguments a) {
        if (a.overflow().rejects()) {
            return;
        }
        while (a.maxLength() >= 0 && messageCount() > a.maxLength()
                || a.maxLengthBytes() >= 0 && ready.bytes() > a.maxLengthBytes() && messageCount() > 0) {
            die(takeHead(), DeadLetters.MAXLEN);
        }
    }

    /** The deadline of a message enqueued now: the earlier of the queue's TTL and the message's own expiration. */
    /** The deadline of a message enqueued at {@code enqueuedAt} with its own TTL {@code ownTtl} (-1: none). */
    private static long deadline(QueueArguments a, long enqueuedAt, long ownTtl) {
        long ttl = a.messageTtl();
        if (ownTtl >= 0) {
            ttl = ttl < 0 ? ownTtl : Math.min(ttl, ownTtl);
        }
        return ttl < 0 ? QueueEntry.NEVER : enqueuedAt + ttl;
    }

    // ---- TTL: only the head can expire (RabbitMQ); one timer for the head's deadline. ----

    /** The entry that would go out next, without taking it. */
    private QueueEntry head() {
        return ready.peek();
    }

    /** Takes the entry that would go out next. */
    private QueueEntry takeHead() {
        QueueEntry e = ready.poll();
        if (e != null) {
            paging.taken(e);
        }
        return e;
    }

    /** Dead-letters (or drops) expired messages at the head, then arms the timer for the next deadline. */
    private void expireHead() {
        expireHead(true, System.currentTimeMillis());
    }

    /**
     * {@code due} false spares messages whose deadline is this very millisecond: a consumer waiting for a
     * message with TTL 0 gets it (RabbitMQ), and what it did not take expires right after.
     */
    private void expireHead(boolean due, long now) {
        if (deleted) {
            return;
        }
        for (QueueEntry e = head(); e != null; e = head()) {
            if (e.expiresAt == QueueEntry.NEVER) {
                return;
            }
            if (due ? e.expiresAt > now : e.expiresAt >= now) {
                armExpiryTimer(e.expiresAt);
                return;
            }
            die(takeHead(), DeadLetters.EXPIRED);
        }
    }

    private void armExpiryTimer(long at) {
        if (expiryTimerAt != 0 && expiryTimerAt <= at) {
            return;
        }
        expiryTimerAt = at;
        executor.schedule(() -> {
            if (expiryTimerAt == at) {
                expiryTimerAt = 0;
            }
            expireHead();
            releaseCredit();
        }, Math.max(0, at - System.currentTimeMillis()) + 1, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    // ---- Dead-lettering. ----

    /** A ready or unacknowledged entry leaves the queue for {@code reason}: to the dead-letter exchange, or gone. */
    private void die(QueueEntry e, String reason) {
        if (settings.deadLetterExchange() == null) {
            forget(e);
        } else if (e.message == null || paging.pageIn().hasDying()) {
            // Its body is read back first, off this thread; dead letters after it wait their turn behind it.
            paging.pageIn().dieLater(e, reason);
        } else {
            deadLetterEntry(e, reason);
        }
    }

    /** Dead-letters an entry whose body is in memory, then lets go of it. */
    void deadLetterEntry(QueueEntry e, String reason) {
        e.message.retain();
        deadLetter(e.message, reason);
        forget(e);
    }

    /** An entry whose body could not be read back is dropped (the error is logged). */
    void forgetUnreadable(QueueEntry e) {
        forget(e);
    }

    /** Publishes a copy of {@code m} (whose reference is taken over) to the dead-letter exchange, if any. */
    private void deadLetter(Message m, String reason) {
        QueueArguments a = settings;
        if (a.deadLetterExchange() == null) {
            m.release();
            return;
        }
        Message dead;
        try {
            dead = DeadLetters.make(m, reason, name, a.deadLetterExchange(), a.deadLetterRoutingKey());
        } finally {
            m.release();
        }
        vhost.deadLetter(dead, reason);
    }

    // ---- x-expires: a queue unused for that long is deleted. ----

    /** The queue was used (declared, read with basic.get, or left by its last consumer): its x-expires clock restarts. */
    public void touch() {
        lastUsed = System.currentTimeMillis();
        armUnusedTimer();
    }

    private void armUnusedTimer() {
        long expires = settings.expires();
        if (expires < 0 || unusedTimerPending || deleted) {
            return;
        }
        unusedTimerPending = true;
        int version = unusedTimerVersion;
        executor.schedule(() -> {
            if (version != unusedTimerVersion) {
                return;
            }
            unusedTimerPending = false;
            long left = lastUsed + settings.expires() - System.currentTimeMillis();
            if (deleted || !consumers.isEmpty()) {
                return;
            }
            if (left > 0) {
                armUnusedTimer();
            } else {
                vhost.deleteQueue(this);
            }
        }, Math.max(1, lastUsed + expires - System.currentTimeMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * A policy changed what this queue acts on; it takes effect at once, as in RabbitMQ's
     * process_args_policy: messages already queued keep their deadlines (a TTL counts from the enqueue), a
     * lowered length limit drops or dead-letters the oldest messages if the old or the new x-overflow is
     * drop-head (RabbitMQ applies the limits under the old one, then the new one, which drops heads again if it
     * is drop-head), and an x-expires timer restarts from now.
     */
    void applySettings(QueueArguments next) {
        QueueArguments previous = settings;
        settings = next;
        if (deleted) {
            return;
        }
        if (next.limited() && (!previous.overflow().rejects() || !next.overflow().rejects())) {
            dropHeadOverLimit(new QueueArguments(next.messageTtl(), next.expires(), next.deadLetterExchange(),
                    next.deadLetterRoutingKey(), next.maxLength(), next.maxLengthBytes(),
                    QueueArguments.Overflow.DROP_HEAD, next.maxPriority(), next.singleActiveConsumer(),
                    next.deliveryLimit()));
        }
        unusedTimerVersion++;
        unusedTimerPending = false;
        if (consumers.isEmpty()) {
            touch();
        }
        if (hasDeadlines) {
            expireHead();
        }
        releaseCredit();
    }

    /**
     * At boot, on the booting thread (not the queue's): the messages the log kept for this queue, in order;
     * bodies are read when handed out. A priority queue reads each message's properties now, here, for its
     * priority, and a deduplicating one for its key (the log's records are opaque); the queue's thread then
     * takes the messages in. A message that was out to a consumer when the broker stopped came back once more
     * than the log says.
     */
    public void recover(List<RecoveredMessage> messages) {
        if (ready.maxPriority() == 0 && deduplication == null) {
            execute(() -> recovered(messages, null));
            return;
        }
        RecoveredProperties props = RecoveredProperties.read(store, messages, this);
        execute(() -> recovered(messages, props));
    }

    /** On the queue's thread: the recovered messages join the ready list, those {@code props} could not read left out. */
    private void recovered(List<RecoveredMessage> messages, RecoveredProperties props) {
        for (int i = 0; i < messages.size(); i++) {
            RecoveredMessage r = messages.get(i);
            int priority = 0;
            if (props != null) {
                if (!props.readable(i)) {
                    continue;
                }
                priority = ready.laneOf(props.priority(i));
                if (deduplication != null) {
                    deduplication.admit(props.deduplicationKey(i), nextSeq);
                }
            }
            QueueEntry e = new QueueEntry(nextSeq++, null, r.location(), r.location().length(), priority);
            e.redelivered = r.redelivered();
            e.deliveryCount = r.redelivered() ? r.deliveryCount() + 1 : 0;
            // The log keeps when the message was enqueued and its own TTL, so its deadline is the one it had;
            // a record from an older log has neither, and its queue TTL restarts now.
            MessageTimes t = r.times();
            long deadline = t.known() ? deadline(settings, t.enqueuedAt(), t.ttl())
                    : deadline(settings, System.currentTimeMillis(), -1);
            if (deadline != QueueEntry.NEVER) {
                e.expiresAt = deadline;
                hasDeadlines = true;
            }
            ready.add(e);
        }
        paging.pageIn().pagedOut();
        if (hasDeadlines) {
            expireHead();
        }
    }

    public int messageCount() {
        return ready.size();
    }

    public int consumerCount() {
        return consumers.size();
    }

    /** Handed out and not yet acknowledged; read racily by the statistics sampler. */
    public int unackedCount() {
        return unacked.size();
    }

    public io.leveret.server.stats.Counters stats() {
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
        if (!consumers.isEmpty() && consumers.first().exclusive()) {
            return AddResult.EXCLUSIVE_IN_USE;
        }
        if (c.exclusive() && consumers.singleActive()) {
            // RabbitMQ refuses an exclusive consumer on a single-active-consumer queue, even an idle one.
            return AddResult.EXCLUSIVE_IN_USE;
        }
        if (c.exclusive() && !consumers.isEmpty()) {
            return AddResult.HAS_CONSUMERS;
        }
        consumers.add(c);
        hadConsumer = true;
        return AddResult.OK;
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
        if (gets.isEmpty() && tryGet(noAck, answer)) {
            return;
        }
        gets.add(new WaitingGet(noAck, answer));
    }

    /** A basic.get waiting for the head's body. */
    private record WaitingGet(boolean noAck, Consumer<Delivery> answer) {
    }

    /** Answers a get unless the head's body is being read back; false then. */
    private boolean tryGet(boolean noAck, Consumer<Delivery> answer) {
        boolean wasBusy = busy;
        busy = true;
        QueueEntry e;
        try {
            e = poll();
        } finally {
            busy = wasBusy;
        }
        if (e == null && !ready.isEmpty() && !deleted) {
            return false;
        }
        Delivery d = e == null ? null : handOut(e, null, noAck, false);
        if (d == null) stats.add(io.leveret.server.stats.Metric.GET_EMPTY); else stats.got(noAck, d.redelivered());
        if (d != null && hasDeadlines) {
            // The next message is the head now: its deadline needs the timer (RabbitMQ's drop_expired_msgs).
            expireHead();
        }
        answer.accept(d);
        return true;
    }

    /** Answers the gets that waited, in order, as far as the head allows. */
    private void answerWaitingGets() {
        for (WaitingGet g; (g = gets.peekFirst()) != null && tryGet(g.noAck(), g.answer()); ) {
            gets.pollFirst();
        }
    }

    /** Bodies were read back: waiting gets first, then the consumers. */
    void pagedIn() {
        if (busy) {
            // Read on this very thread (a broker without a network, in tests): the caller looks again.
            return;
        }
        dispatch();
    }

    public void ack(long seq) {
        QueueEntry e = unacked.remove(seq);
        if (e == null) {
            return;
        }
        stats.add(io.leveret.server.stats.Metric.ACK);
        if (e.holder != null) {
            e.holder.unacked--;
        }
        forget(e);
    }

    /** The queue is done with an entry: free it, and tell the log. */
    private void forget(QueueEntry e) {
        if (deduplication != null) {
            deduplication.left(e.seq);
        }
        if (paging.forget(e)) {
            doneWithLogRecord(e);
        }
        if (e.message != null) {
            e.message.release();
            e.message = null;
        }
    }

    /** Tells the log the queue is done with {@code e}'s record, if it has one (a deleted queue dropped them all). */
    void doneWithLogRecord(QueueEntry e) {
        if (e.location != null && !deleted) {
            store.ack(storeName, e.location);
        }
    }

    /** Puts an unacknowledged message back at its original position, marked redelivered. */
    public void requeue(long seq) {
        QueueEntry e = unacked.remove(seq);
        if (e == null) {
            return;
        }
        if (e.holder != null) {
            e.holder.unacked--;
            e.holder = null;
        }
        if (deleted) {
            forget(e);
            return;
        }
        e.redelivered = true;
        e.deliveryCount++;
        if (overDeliveryLimit(e)) {
            die(e, DeadLetters.DELIVERY_LIMIT);
            return;
        }
        ready.requeue(e);
    }

    /**
     * x-delivery-limit (Leveret's, as RabbitMQ's quorum queues count): with a limit of N a message is
     * delivered at most N + 1 times; when it comes back once more it is dead-lettered or dropped.
     */
    private boolean overDeliveryLimit(QueueEntry e) {
        long limit = settings.deliveryLimit();
        return limit >= 0 && e.deliveryCount > limit;
    }

    /** Acks and requeues apply per message; then the queue looks for consumers with credit again. */
    public void settle(long[] acks, int ackCount, long[] requeues, int requeueCount) {
        for (int i = 0; i < ackCount; i++) {
            ack(acks[i]);
        }
        for (int i = 0; i < requeueCount; i++) {
            requeue(requeues[i]);
        }
        if (requeueCount > 0) {
            // RabbitMQ's requeue_and_run: a requeue is never refused, but a requeued message counts against the
            // length limit, and drop-head takes the queue back within it at once (reject-publish does not).
            QueueArguments a = settings;
            if (a.limited()) {
                dropHeadOverLimit(a);
            }
            if (hasDeadlines) {
                expireHead();
            }
        }
        dispatch();
    }

    /** basic.reject or basic.nack with requeue=false: the messages are dead-lettered (reason rejected) or dropped. */
    public void reject(long[] seqs, int count) {
        for (int i = 0; i < count; i++) {
            QueueEntry e = unacked.remove(seqs[i]);
            if (e == null) {
                continue;
            }
            if (e.holder != null) {
                e.holder.unacked--;
                e.holder = null;
            }
            if (deleted) {
                forget(e);
            } else {
                die(e, DeadLetters.REJECTED);
            }
        }
        dispatch();
    }

    /** Drops every ready message (not the unacknowledged ones) and returns how many there were. */
    public int purge() {
        int n = messageCount();
        ready.drain(this::forget);
        paging.clear();
        releaseCredit();
        answerWaitingGets();
        return n;
    }

    /** Called once the vhost has forgotten this queue: frees its messages and cancels its consumers. */
    void onDeleted() {
        if (deleted) {
            return;
        }
        deleted = true;
        purge();
        for (QueueEntry e : unacked.values()) {
            forget(e);
        }
        unacked.clear();
        paging.close();
        answerWaitingGets();
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
        dispatch(hasDeadlines ? System.currentTimeMillis() : 0);
    }

    /** {@link #dispatch()} at {@code now} (ms since the epoch; only read when the queue has deadlines). */
    private void dispatch(long now) {
        if (busy) {
            return;
        }
        answerWaitingGets();
        if (consumers.isEmpty() || deleted) {
            return;
        }
        busy = true;
        try {
            dispatchReady(now);
        } finally {
            busy = false;
        }
        deliverBatches();
        releaseCredit();
    }

    private void dispatchReady(long now) {
        long batchBytes = 0;
        for (;;) {
            if (hasDeadlines) {
                expireHead(false, now);
            }
            // The head first: picking a consumer may take a unit of its channel's prefetch, which a head whose
            // body is still on disk would leave taken.
            QueueEntry e = readyHead(now);
            if (e == null) {
                break;
            }
            QueueConsumer c = consumers.nextWithCredit();
            if (c == null) {
                break;
            }
            take(e);
            Delivery d = handOut(e, c, c.noAck(), consumers.lastCreditWasChannelWide());
            // Each channel's list is new (it goes to that channel's thread); the map is ours to reuse.
            batches.computeIfAbsent(c.channel(), k -> new ArrayList<>()).add(d);
            batchBytes += e.size;
            if (batchBytes >= DISPATCH_BATCH_BYTES) {
                // Handed over now, the connections count these bytes, and stop taking more once they are
                // behind: bodies paged back in for consumers without a prefetch limit do not all load at once.
                deliverBatches();
                batchBytes = 0;
            }
        }
    }

    private void deliverBatches() {
        if (!batches.isEmpty()) {
            batches.forEach(ConsumerChannel::deliver);
            batches.clear();
        }
    }

    /**
     * The next message to hand out, with its body in memory; null if there is none or its body is being read
     * back (then the read's arrival dispatches again). Entries whose body could not be read are dropped.
     */
    private QueueEntry poll() {
        return poll(hasDeadlines ? System.currentTimeMillis() : 0);
    }

    /** {@link #poll()}, judging deadlines at {@code now}. */
    private QueueEntry poll(long now) {
        QueueEntry e = readyHead(now);
        if (e != null) {
            take(e);
        }
        return e;
    }

    /** Takes {@code e}, the {@link #readyHead}; reads the next window ahead if this one runs low. */
    private void take(QueueEntry e) {
        boolean readAhead = e.body == QueueEntry.Body.AHEAD;
        takeHead();
        if (readAhead) {
            paging.pageIn().readAheadIfLow();
        }
    }

    /**
     * The head, if its body is in memory, without taking it; null if there is none or its body is being read
     * back (then the read's arrival dispatches again). Expired heads go first; entries whose body could not be
     * read are dropped.
     */
    private QueueEntry readyHead(long now) {
        for (QueueEntry e = head(); e != null; e = head()) {
            if (hasDeadlines && e.expiresAt < now) {
                die(takeHead(), DeadLetters.EXPIRED);
            } else if (overDeliveryLimit(e)) {
                // recovered after a stop that returned it once too often
                die(takeHead(), DeadLetters.DELIVERY_LIMIT);
            } else if (e.body == QueueEntry.Body.UNREADABLE) {
                forget(takeHead());
            } else if (e.message != null) {
                return e;
            } else {
                paging.pageIn().readHead();
                if (e.message == null && e.body != QueueEntry.Body.UNREADABLE) {
                    return null;
                }
                // read (or failed) at once, on this thread (a broker without a network, in tests): look again
            }
        }
        return null;
    }

    private Delivery handOut(QueueEntry e, QueueConsumer c, boolean noAck, boolean channelCredit) {
        withheld.handedOut();
        if (c != null) stats.delivered(noAck, e.redelivered); // basic.get counts in tryGet
        e.handedOut = true;
        boolean counted = settings.deliveryLimit() >= 0;
        if (deduplication != null) {
            deduplication.left(e.seq);
        }
        if (noAck) {
            // The queue lets go of the message: the delivery carries the queue's reference.
            if (e.location != null) {
                store.ack(storeName, e.location);
            }
            Message m = e.message;
            if (counted) {
                m = DeliveryCount.stamp(e.message, e.deliveryCount);
                e.message.release();
            }
            e.message = null;
            return new Delivery(this, c == null ? null : c.tag(), e.seq, m, e.redelivered, true, false);
        }
        if (e.location != null && (counted || !e.redelivered)) {
            // After a crash, a message that was handed out comes back marked redelivered (and, with a
            // delivery limit, with the count it had, plus this delivery).
            store.markDelivered(storeName, e.location, counted ? e.deliveryCount : 0);
        }
        e.holder = c;
        if (c != null) {
            c.unacked++;
        }
        unacked.put(e.seq, e);
        Message m;
        if (counted) {
            m = DeliveryCount.stamp(e.message, e.deliveryCount);
        } else {
            m = e.message;
            m.retain();
        }
        return new Delivery(this, c == null ? null : c.tag(), e.seq, m, e.redelivered, false, channelCredit);
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

    /** The ready list, for {@link PageIn} to find the bodies to read ahead. */
    ReadyList ready() {
        return ready;
    }

    @Override
    public String toString() {
        return "queue '" + name + "' in vhost '" + vhost.name() + "'";
    }
}
