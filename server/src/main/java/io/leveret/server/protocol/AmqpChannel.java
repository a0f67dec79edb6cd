package io.leveret.server.protocol;

import io.leveret.codec.AccessMethod;
import io.leveret.codec.AmqpFrameEncoder;
import io.leveret.codec.BasicMethod;
import io.leveret.codec.ChannelMethod;
import io.leveret.codec.ConfirmMethod;
import io.leveret.codec.ContentBodyFrame;
import io.leveret.codec.ContentHeaderFrame;
import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.Frame;
import io.leveret.codec.Method;
import io.leveret.codec.MethodFrame;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import io.leveret.codec.TxMethod;
import io.leveret.server.stats.ConnectionNames;
import io.leveret.server.stats.Counters;
import io.leveret.server.stats.Kind;
import io.leveret.server.stats.Occupancy;
import io.leveret.server.stats.Tracked;
import io.leveret.server.vhost.ConsumerChannel;
import io.leveret.server.vhost.Delivery;
import io.leveret.server.vhost.Message;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One AMQP channel. Its state lives on the connection's event loop. Methods are handled strictly in the
 * order they arrive: when one needs an answer from a queue's thread, later frames wait until it came.
 */
public final class AmqpChannel implements ConsumerChannel {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AmqpChannel.class);
    /** Bodies up to this size are copied into the outgoing buffer; larger ones are sent as slices. */
    private static final int COPY_LIMIT = 16 * 1024;
    /** A batch buffer is written out once it holds this much. */
    private static final int BATCH_BUFFER_SIZE = 64 * 1024;
    /** What a delivery costs beyond its body, for the connection's count of bytes in flight. */
    private static final int DELIVERY_OVERHEAD = 128;
    /** How long deliveries that found no memory for their frames wait before they are tried again. */
    private static final long STALL_RETRY_MILLIS = 20;
    private final AmqpConnection connection;
    private final int id;
    /** This channel's access checks and their cache, as each of RabbitMQ's channels keeps its own. */
    private final AccessControl access;
    private final ArrayDeque<Frame> held = new ArrayDeque<>();
    final Map<String, ChannelConsumer> consumers = new HashMap<>();
    /** Which consumer {@link #wakeQueues} wakes first next time. */
    private int wakeTurn;
    final UnackedMap unacked = new UnackedMap();
    final Publisher publisher;
    final DirectReplyTo replyTo;
    private final ChannelPrefetch channelPrefetch = new ChannelPrefetch();
    /** message_stats, written on the connection's loop only. */
    final Counters stats = new Counters();
    private final Tracked tracked;
    private boolean awaiting;
    private boolean closing;
    private boolean released;
    int consumerPrefetch;
    long nextDeliveryTag;
    /** The last queue declared on this channel: what an empty queue name means (RabbitMQ). */
    String lastQueue;
    /** Consumer tags whose basic.cancel waits for the answer the channel is awaiting; null when none. */
    private ArrayDeque<String> cancelsAfterAnswer;
    /** Deliveries waiting for memory to write them, oldest first; null when none wait. */
    private ArrayDeque<StalledDeliveries> stalled;

    /** Deliveries {@code from} on, of a batch a queue handed over, with the batch's byte count. */
    private record StalledDeliveries(List<Delivery> deliveries, int from, long total) {
    }

    /** A consumer started on this channel. */
    record ChannelConsumer(String tag, Queue queue, io.leveret.server.vhost.QueueConsumer queueConsumer) {
    }

    AmqpChannel(AmqpConnection connection, int id) {
        this.connection = connection;
        this.id = id;
        this.publisher = new Publisher(this);
        this.replyTo = new DirectReplyTo(this);
        this.access = new AccessControl(connection.services().users(), connection.user(), connection.vhost().name());
        this.tracked = connection.vhost().stats().track(Kind.CHANNEL,
                ConnectionNames.channel(connection.name(), id), stats, occupancy());
    }

    /** Consumers and unacked deliveries for the per-channel gauges, read racily from a scrape's thread. */
    private Occupancy occupancy() {
        return new Occupancy() {
            @Override
            public int consumers() {
                return consumers.size();
            }

            @Override
            public int unacked() {
                return unacked.size();
            }
        };
    }

    AccessControl access() {
        return access;
    }

    int id() {
        return id;
    }

    AmqpConnection connection() {
        return connection;
    }

    VirtualHost vhost() {
        return connection.vhost();
    }

    void send(Method m) {
        connection.send(id, m);
    }

    /**
     * Sends {@code m} once every definition change made so far is on disk or undone: the reply of a method
     * that changed nothing itself.
     */
    void replyDurably(Method m) {
        await(vhost().persisted(), () -> send(m));
    }

    /**
     * Sends {@code m} once {@code written}, the definition change the method made (or the one it depends on),
     * is on disk; if the store could not make it (it is undone then), the connection is closed with 541.
     */
    void replyDurably(CompletableFuture<?> written, Method m) {
        await(written, () -> send(m));
    }

    // ---- frames ----

    void onFrame(Frame frame) {
        if (closing) {
            // Spec 1.5.2.5 and RabbitMQ: after we sent channel.close, only close and close-ok count.
            if (frame instanceof MethodFrame mf && mf.method() instanceof ChannelMethod.Close) {
                send(new ChannelMethod.CloseOk());
            } else if (frame instanceof MethodFrame mf && mf.method() instanceof ChannelMethod.CloseOk) {
                connection.channelClosed(id);
            }
            return;
        }
        if (awaiting) {
            held.add(ReferenceCountUtil.retain(frame));
            return;
        }
        try {
            handle(frame);
        } catch (ChannelException e) {
            closeWithError(e);
        }
    }

    private void handle(Frame frame) {
        if (publisher.assembling()) {
            if (frame instanceof ContentHeaderFrame h) {
                publisher.onHeader(h);
            } else if (frame instanceof ContentBodyFrame b) {
                publisher.onBody(b);
            } else {
                throw publisher.outOfSequence();
            }
            return;
        }
        if (!(frame instanceof MethodFrame mf)) {
            throw new ConnectionException(ReplyCode.UNEXPECTED_FRAME,
                    "expected method frame, got non method frame instead", 0, 0);
        }
        Method m = mf.method();
        if (m instanceof ChannelMethod c) {
            onChannelMethod(c);
        } else if (m instanceof ExchangeMethod e) {
            ExchangeMethods.handle(this, e);
        } else if (m instanceof QueueMethod q) {
            QueueMethods.handle(this, q);
        } else if (m instanceof BasicMethod b) {
            BasicMethods.handle(this, b);
        } else if (m instanceof ConfirmMethod c) {
            publisher.onConfirm(c);
        } else if (m instanceof TxMethod t) {
            publisher.onTx(t);
        } else if (m instanceof AccessMethod.Request r) {
            send(new AccessMethod.RequestOk(1));
        } else {
            throw notImplemented(m);
        }
    }

    static ConnectionException notImplemented(Method m) {
        return new ConnectionException(ReplyCode.COMMAND_INVALID, "unimplemented method", m);
    }

    private void onChannelMethod(ChannelMethod m) {
        if (m instanceof ChannelMethod.Close c) {
            release();
            send(new ChannelMethod.CloseOk());
            connection.channelClosed(id);
        } else if (m instanceof ChannelMethod.CloseOk ok) {
        } else if (m instanceof ChannelMethod.Flow f) {
            if (!f.active()) {
                throw new ConnectionException(ReplyCode.NOT_IMPLEMENTED, "active=false", f);
            }
            send(new ChannelMethod.FlowOk(true));
        } else if (m instanceof ChannelMethod.FlowOk f) {
        } else if (m instanceof ChannelMethod.Open o) {
            throw new ConnectionException(ReplyCode.CHANNEL_ERROR,
                    "second 'channel.open' seen", o);
        } else {
            throw notImplemented(m);
        }
    }

    /** A soft error: tell the client, drop the channel's state, and wait for close-ok. */
    void closeWithError(ChannelException e) {
        release();
        closing = true;
        send(new ChannelMethod.Close(e.replyCode(), e.replyText(), e.classId(), e.methodId()));
    }

    // ---- waiting for a queue ----

    /**
     * Runs {@code onQueue} on the queue's thread, then {@code onLoop} with its result back on this
     * connection's loop; frames that arrive in between wait, so the channel keeps its order.
     */
    <T> void ask(Queue q, Supplier<T> onQueue, Consumer<T> onLoop) {
        askLater(q, answer -> answer.accept(onQueue.get()), onLoop);
    }

    /**
     * {@link #ask} for a question the queue may answer later (basic.get while the head's body is read back from
     * disk): {@code onQueue} runs on the queue's thread and hands its result, then or later but on that thread,
     * to the callback it is given, exactly once.
     */
    <T> void askLater(Queue q, Consumer<Consumer<T>> onQueue, Consumer<T> onLoop) {
        awaiting = true;
        q.execute(() -> onQueue.accept(result -> {
            io.netty.util.concurrent.EventExecutor loop = connection.ctx().executor();
            if (loop.inEventLoop()) {
                // The queue shares our loop: answer before its next task, which may be a delivery the answer
                // must precede (consume-ok before the first basic.deliver).
                answered(result, onLoop);
            } else {
                loop.execute(() -> answered(result, onLoop));
            }
        }));
    }

    /**
     * Runs {@code then} once {@code future} completes (at once if it has), on this connection's loop; frames
     * that arrive in between wait. A failed future is an internal error: the store could not do its part.
     */
    void await(CompletableFuture<?> future, Runnable then) {
        if (future.isDone() && !future.isCompletedExceptionally()) {
            then.run();
            return;
        }
        awaiting = true;
        future.whenComplete((v, failure) -> connection.ctx().executor().execute(() -> answered(failure, f -> {
            if (f != null) {
                throwClusterFailure(f);
                LOG.error("the store failed on channel {}", id, f);
                throw new ConnectionException(ReplyCode.INTERNAL_ERROR, "INTERNAL_ERROR", 0, 0);
            }
            then.run();
        })));
    }

    /**
     * In a cluster: a change no majority committed in time closes the connection with 541 and RabbitMQ's text
     * ("failed to declare queue 'q' in vhost '/' because the operation timed out", as its Raft metadata store
     * answers); one the replicated model refused (a binding to a queue another node just deleted) closes the
     * channel with 404 and the model's reason. Either way the change was undone here and made nowhere.
     */
    private static void throwClusterFailure(Throwable f) {
        for (Throwable t = f; t != null; t = t.getCause()) {
            if (t instanceof io.leveret.server.cluster.ClusterUnavailableException) {
                throw new ConnectionException(ReplyCode.INTERNAL_ERROR, t.getMessage(), 0, 0);
            }
            if (t instanceof io.leveret.server.cluster.ChangeRefusedException) {
                throw new ChannelException(ReplyCode.NOT_FOUND, t.getMessage(), null);
            }
        }
    }

    private <T> void answered(T result, Consumer<T> onLoop) {
        awaiting = false;
        if (released) {
            if (result instanceof Delivery d) {
                handBack(d);
            }
            releaseHeld();
            return;
        }
        try {
            onLoop.accept(result);
        } catch (ChannelException e) {
            closeWithError(e);
        } catch (ConnectionException e) {
            connection.closeWithError(e);
        }
        if (!released) {
            sendCancelsAfterAnswer();
        }
        connection.flushSoon();
        while (!awaiting && !held.isEmpty()) {
            Frame f = held.poll();
            try {
                connection.onFrame(f);
            } finally {
                ReferenceCountUtil.release(f);
            }
        }
    }

    // ---- deliveries (ConsumerChannel) ----

    @Override
    public boolean acceptingDeliveries() {
        return connection.acceptingDeliveries();
    }

    @Override
    public int tryAcquireChannelCredit(boolean ackRequired) {
        return channelPrefetch.tryAcquire(ackRequired);
    }

    /** True when basic.qos global=true set a limit on this channel. */
    boolean hasChannelPrefetch() {
        return channelPrefetch.limited();
    }

    /** basic.qos global=true: see {@link ChannelPrefetch#setLimit}. */
    void setChannelPrefetch(int n) {
        channelPrefetch.setLimit(n, unacked);
    }

    @Override
    public void deliver(List<Delivery> deliveries) {
        long bytes = 0;
        for (Delivery d : deliveries) {
            bytes += d.message().bodySize() + DELIVERY_OVERHEAD;
        }
        long total = bytes;
        connection.deliveriesQueued(total);
        io.netty.util.concurrent.EventExecutor loop = connection.ctx().executor();
        if (loop.inEventLoop()) {
            // The queue shares this connection's loop: write now, no task and no wake-up.
            writeDeliveries(deliveries, total);
        } else {
            loop.execute(() -> writeDeliveries(deliveries, total));
        }
    }

    private void writeDeliveries(List<Delivery> deliveries, long total) {
        if (stalled != null) {
            // Earlier deliveries wait for memory: these go after them, in order.
            stalled.add(new StalledDeliveries(deliveries, 0, total));
            return;
        }
        writeDeliveries(deliveries, 0, total);
    }

    /** Writes deliveries from {@code from} on; false if memory ran out and the rest waits in {@link #stalled}. */
    private boolean writeDeliveries(List<Delivery> deliveries, int from, long total) {
        ByteBuf batch = null;
        int i = from;
        long left = total;
        try {
            for (; i < deliveries.size(); i++) {
                Delivery d = deliveries.get(i);
                batch = onDelivery(d, batch, left);
                left -= d.message().bodySize() + DELIVERY_OVERHEAD;
            }
        } catch (OutOfMemoryError e) {
            // No memory for the frames (direct memory at its limit while others drain): what is written goes
            // out, the rest stays ours and is tried again shortly, in order; nothing is lost or reordered.
            if (batch != null) {
                connection.write(batch);
                connection.flushSoon();
            }
            if (stalled == null) {
                stalled = new ArrayDeque<>();
                LOG.warn("channel {}: no memory to write deliveries ({}); retrying in {} ms", id, e.getMessage(),
                        STALL_RETRY_MILLIS);
                connection.ctx().executor().schedule(this::retryStalled, STALL_RETRY_MILLIS,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            stalled.addFirst(new StalledDeliveries(deliveries, i, total));
            return false;
        }
        if (batch != null) {
            connection.write(batch);
        }
        connection.deliveriesWritten(total);
        connection.flushSoon();
        return true;
    }

    private void retryStalled() {
        ArrayDeque<StalledDeliveries> waiting = stalled;
        stalled = null;
        for (StalledDeliveries s; (s = waiting.poll()) != null; ) {
            if (!writeDeliveries(s.deliveries, s.from, s.total)) {
                stalled.addAll(waiting);
                return;
            }
        }
    }

    /** {@code left}: the bytes this delivery and the rest of its batch are expected to take. */
    private ByteBuf onDelivery(Delivery d, ByteBuf batch, long left) {
        if (released || closing) {
            handBack(d);
            return batch;
        }
        long tag = nextDeliveryTag + 1;
        Message m = d.message();
        // Allocation may fail here, with nothing written: the tag and the unacked entry come after it.
        ByteBuf out = appendContent(batch,
                new BasicMethod.Deliver(d.consumerTag(), tag, d.redelivered(), m.exchange(), m.routingKey()), m, left);
        nextDeliveryTag = tag;
        stats.delivered(d.noAck(), d.redelivered(), d.queue().type() == QueueType.QUORUM);
        if (!d.noAck()) {
            unacked.add(new Unacked(tag, d.queue(), d.seq(), d.channelCredit()));
        }
        m.release();
        return out;
    }

    /** A delivery that can no longer reach the client: back to its queue, unless it was no-ack. */
    private void handBack(Delivery d) {
        if (!d.noAck()) {
            d.queue().execute(() -> d.queue().settle(new long[0], 0, new long[] {d.seq()}, 1));
            if (d.channelCredit()) {
                channelPrefetch.release(1);
            }
        }
        d.message().release();
    }

    /** Writes a method that carries content, then the header and the body in frames of at most frame_max. */
    void writeContent(Method method, Message m) {
        ByteBuf out;
        try {
            out = appendContent(null, method, m, m.bodySize() + DELIVERY_OVERHEAD);
        } catch (OutOfMemoryError e) {
            // As for deliveries: no memory for the frames now, so the content waits (with the frames that
            // arrive after it on this channel, unless the channel already waits for something else).
            LOG.warn("channel {}: no memory to write {} ({}); retrying in {} ms", id, method.name(), e.getMessage(),
                    STALL_RETRY_MILLIS);
            m.retain();
            boolean hold = !awaiting;
            awaiting = true;
            connection.ctx().executor().schedule(() -> {
                try {
                    if (hold) {
                        answered(null, none -> writeContent(method, m));
                    } else if (!released) {
                        writeContent(method, m);
                        connection.flushSoon();
                    }
                } finally {
                    m.release();
                }
            }, STALL_RETRY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            return;
        }
        if (out != null) {
            connection.write(out);
        }
    }

    /**
     * Appends a content-carrying method, its header and its body to {@code batch} (allocated if null) and
     * returns the buffer still being filled, or null once everything has been written. A small body is
     * copied once into the batch; a large one goes out as slices of the message's own buffer. {@code
     * expected}: the bytes this content and what may follow it in the batch are expected to take.
     */
    private ByteBuf appendContent(ByteBuf batch, Method method, Message m, long expected) {
        ByteBuf body = m.body();
        int len = body.readableBytes();
        // A new buffer is as large as what is expected to fill it (it grows if need be): a few small
        // deliveries must not each hold a whole batch's memory while they wait to be written.
        long size = len <= COPY_LIMIT ? expected : DELIVERY_OVERHEAD + m.rawProperties().readableBytes();
        ByteBuf out = batch != null ? batch
                : connection.ctx().alloc().ioBuffer((int) Math.max(DELIVERY_OVERHEAD, Math.min(BATCH_BUFFER_SIZE, size)));
        int mark = out.writerIndex();
        int frameMax = connection.frameMax();
        try {
            AmqpFrameEncoder.writeMethodFrame(out, id, method);
            AmqpFrameEncoder.writeContentHeaderFrame(out, id, BasicMethod.CLASS_ID, m.bodySize(), m.rawProperties());
            if (len <= COPY_LIMIT) {
                AmqpFrameEncoder.writeContentBodyFrames(out, id, body, frameMax);
            }
        } catch (OutOfMemoryError e) {
            // Growing the buffer failed: it goes back to what it held before this content.
            out.writerIndex(mark);
            if (out != batch) {
                out.release();
            }
            throw e;
        }
        if (len <= COPY_LIMIT) {
            if (out.readableBytes() < BATCH_BUFFER_SIZE) {
                return out;
            }
            connection.write(out);
            return null;
        }
        connection.write(out);
        int max = frameMax - Frame.FRAME_OVERHEAD;
        for (int off = 0; off < len; off += max) {
            connection.write(new ContentBodyFrame(id, body.retainedSlice(body.readerIndex() + off,
                    Math.min(max, len - off))));
        }
        return null;
    }

    @Override
    public void consumerCancelled(String consumerTag) {
        connection.ctx().executor().execute(() -> {
            if (released || consumers.remove(consumerTag) == null || !connection.consumerCancelNotify()) {
                return;
            }
            if (awaiting) {
                // The method the channel is answering came first, and so does its answer: queue.delete-ok goes
                // out before the basic.cancel of the deleting channel's own consumer, as RabbitMQ sends them
                // (its channel handles the queue's end after the delete's reply), even when delete-ok waits for
                // the disk. Clients rely on it: amqplib fails a pending deleteQueue when the cancel comes first.
                if (cancelsAfterAnswer == null) {
                    cancelsAfterAnswer = new ArrayDeque<>(1);
                }
                cancelsAfterAnswer.add(consumerTag);
                return;
            }
            send(new BasicMethod.Cancel(consumerTag, true));
            connection.flushSoon();
        });
    }

    /** Sends the consumer-cancel notifications that waited for an answer, once nothing is awaited any more. */
    private void sendCancelsAfterAnswer() {
        if (cancelsAfterAnswer == null || awaiting) {
            return;
        }
        for (String tag; (tag = cancelsAfterAnswer.poll()) != null; ) {
            send(new BasicMethod.Cancel(tag, true));
        }
        cancelsAfterAnswer = null;
    }

    /** Settles deliveries with their queues: acked ones are gone, the others go back in place. */
    void settle(List<Unacked> list, boolean requeue) {
        settle(list, requeue, false);
    }

    /** {@code reject}: basic.reject/nack with requeue=false, which dead-letters (RabbitMQ) rather than acks. */
    void settle(List<Unacked> list, boolean requeue, boolean reject) {
        if (list.isEmpty()) {
            return;
        }
        int credit = 0;
        Queue only = list.get(0).queue;
        for (Unacked u : list) {
            if (u.channelCredit) {
                credit++;
            }
            if (u.queue != only) {
                only = null;
            }
        }
        if (credit > 0) {
            // The freed global credit goes to whichever queue asks first. The queues are woken before the settled
            // queue hears of its acks, in an order that turns with each wake, so that a queue on this channel's
            // own loop does not win every time by settling first (RabbitMQ's limiter shuffles the queues it
            // notifies for the same reason).
            channelPrefetch.release(credit);
            wakeQueues();
        }
        if (only != null) {
            // The common case, every ack: one queue, one array, no maps.
            long[] seqs = new long[list.size()];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = list.get(i).seq;
            }
            settleOn(only, seqs, seqs.length, requeue, reject);
        } else {
            Map<Queue, long[]> byQueue = new java.util.IdentityHashMap<>();
            Map<Queue, int[]> counts = new java.util.IdentityHashMap<>();
            for (Unacked u : list) {
                long[] seqs = byQueue.computeIfAbsent(u.queue, k -> new long[list.size()]);
                int[] n = counts.computeIfAbsent(u.queue, k -> new int[1]);
                seqs[n[0]++] = u.seq;
            }
            byQueue.forEach((q, seqs) -> settleOn(q, seqs, counts.get(q)[0], requeue, reject));
        }
    }

    private static void settleOn(Queue q, long[] seqs, int n, boolean requeue, boolean reject) {
        q.execute(reject ? () -> q.reject(seqs, n)
                : requeue ? () -> q.settle(null, 0, seqs, n) : () -> q.settle(seqs, n, null, 0));
    }

    /** Lets every queue this channel consumes from look for credit again. */
    void wakeQueues() {
        int n = consumers.size();
        if (n == 0) {
            return;
        }
        int first = Math.floorMod(wakeTurn++, n);
        int i = 0;
        for (ChannelConsumer c : consumers.values()) {
            if (i++ >= first) {
                c.queue().execute(c.queue()::dispatch);
            }
        }
        i = 0;
        for (ChannelConsumer c : consumers.values()) {
            if (i++ >= first) {
                break;
            }
            c.queue().execute(c.queue()::dispatch);
        }
    }

    /** The channel is gone (closed, or its connection is): consumers off, unacked messages back. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        cancelsAfterAnswer = null;
        for (ChannelConsumer c : consumers.values()) {
            c.queue().execute(() -> c.queue().removeConsumer(c.queueConsumer()));
        }
        consumers.clear();
        List<Unacked> all = unacked.removeUpTo(0);
        if (!all.isEmpty()) {
            settle(all, true);
        }
        publisher.release();
        replyTo.stop();
        releaseHeld();
        vhost().stats().untrack(tracked);
    }

    boolean released() {
        return released;
    }

    private void releaseHeld() {
        for (Frame f; (f = held.poll()) != null; ) {
            ReferenceCountUtil.release(f);
        }
    }

    CompositeByteBuf newBody() {
        return connection.ctx().alloc().compositeBuffer(Integer.MAX_VALUE);
    }
}
