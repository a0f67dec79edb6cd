package io.leveret.server.protocol;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.ConfirmMethod;
import io.leveret.codec.ContentBodyFrame;
import io.leveret.codec.ContentHeaderFrame;
import io.leveret.codec.FieldTable;
import io.leveret.codec.FieldValue;
import io.leveret.codec.ReplyCode;
import io.leveret.codec.TxMethod;
import io.leveret.server.stats.Metric;
import io.leveret.server.vhost.DelayedExchange;
import io.leveret.server.vhost.DurableCopies;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Message;
import io.leveret.server.vhost.PublisherCredit;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.ReplyTarget;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.QueueName;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The publishing side of a channel: assembling basic.publish with its header and body frames (spec 4.2.6),
 * routing the message, publisher confirms and transactions.
 */
final class Publisher {
    /** Bodies up to this size are compacted into a buffer of their own as they arrive (one copy). */
    private static final long COMPACT_LIMIT = 64 * 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Publisher.class);
    private static final long MAX_MESSAGE_SIZE_CEILING = 536870912L;
    private final AmqpChannel channel;
    private final Set<Queue> targets = new HashSet<>();

    // Content being assembled.
    private BasicMethod.Publish publish;
    private ContentHeaderFrame header;
    private ByteBuf body;
    private long remaining;

    private final Confirms confirms;
    /** Transactions whose publishes went to the message log wait for it before commit-ok. */
    private boolean txAppended;

    // Transactions.
    private boolean tx;
    private final List<PendingPublish> txPublishes = new ArrayList<>();
    private final List<PendingSettle> txSettles = new ArrayList<>();

    private record PendingPublish(BasicMethod.Publish publish, Message message) {
    }

    /** {@code reject}: nack or reject with requeue=false (dead-lettered); otherwise an ack or a requeue. */
    record PendingSettle(List<Unacked> deliveries, boolean requeue, boolean reject) {
    }

    Publisher(AmqpChannel channel) {
        this.channel = channel;
        this.confirms = new Confirms(channel);
    }

    boolean assembling() {
        return publish != null;
    }

    boolean transactional() {
        return tx;
    }

    /** Spec 4.2.6: a method in the middle of content is a 505, reported against the publish (as RabbitMQ). */
    ConnectionException outOfSequence() {
        return new ConnectionException(ReplyCode.UNEXPECTED_FRAME, header == null
                ? "expected content header for class 60, got non content header frame instead"
                : "expected content body, got non content body frame instead", publish);
    }

    void onPublish(BasicMethod.Publish p) {
        publish = p;
    }

    void onHeader(ContentHeaderFrame h) {
        if (header != null) {
            throw new ConnectionException(ReplyCode.UNEXPECTED_FRAME,
                    "expected content body, got non content body frame instead", publish);
        }
        if (h.classId() != BasicMethod.CLASS_ID) {
            throw new ConnectionException(ReplyCode.UNEXPECTED_FRAME,
                    "expected content header for class 60, got one for class " + h.classId() + " instead", publish);
        }
        long max = channel.connection().services().settings().maxMessageSize();
        if (h.bodySize() > max) {
            BasicMethod.Publish p = publish;
            resetAssembly();
            // RabbitMQ's check_msg_size says "configured" unless the limit is its own ceiling of 512 MiB.
            String which = max == MAX_MESSAGE_SIZE_CEILING ? "max size " : "configured max size ";
            throw ChannelException.preconditionFailed(p,
                    "message size " + h.bodySize() + " is larger than " + which + max);
        }
        header = h.retain();
        remaining = h.bodySize();
        if (remaining == 0) {
            body = Unpooled.EMPTY_BUFFER;
            complete();
        }
    }

    void onBody(ContentBodyFrame b) {
        if (header == null) {
            throw new ConnectionException(ReplyCode.UNEXPECTED_FRAME,
                    "expected content header for class 60, got non content header frame instead", publish);
        }
        ByteBuf part = b.content();
        int len = part.readableBytes();
        if (len > remaining) {
            throw new ConnectionException(ReplyCode.FRAME_ERROR,
                    "content body of " + len + " bytes is longer than the " + remaining + " bytes announced", publish);
        }
        if (header.bodySize() <= COMPACT_LIMIT) {
            // A small body is copied out of the socket's read buffer into one of its own size: a slice would
            // keep the whole read buffer (most of it other messages, or empty) alive as long as the message.
            // Bounded: bodySize is at most COMPACT_LIMIT here.
            if (body == null) {
                body = channel.connection().ctx().alloc().directBuffer((int) header.bodySize());
            }
            body.writeBytes(part, part.readerIndex(), len);
        } else if (body == null) {
            body = part.retain();
        } else {
            CompositeByteBuf c;
            if (body instanceof CompositeByteBuf existing) {
                c = existing;
            } else {
                c = channel.newBody();
                c.addComponent(true, body);
                body = c;
            }
            c.addComponent(true, part.retain());
        }
        remaining -= len;
        if (remaining == 0) {
            complete();
        }
    }

    private void complete() {
        BasicMethod.Publish p = publish;
        ByteBuf rawProperties = header.content();
        ByteBuf ownProperties = channel.connection().ctx().alloc().directBuffer(rawProperties.readableBytes())
                .writeBytes(rawProperties, rawProperties.readerIndex(), rawProperties.readableBytes());
        Message m = new Message(p.exchange(), p.routingKey(), header.properties(), ownProperties, body);
        header.release();
        header = null;
        body = null;
        publish = null;
        accept(p, m);
    }

    private void accept(BasicMethod.Publish p, Message message) {
        Message m = message;
        Exchange ex;
        try {
            ex = check(p, m);
            if (VirtualHost.REPLY_TO.equals(m.properties().replyTo())) {
                m = channel.replyTo.rewrite(m);
            }
        } catch (RuntimeException e) {
            m.release();
            throw e;
        }
        channel.stats.add(Metric.PUBLISH);
        ex.counters().publishIn();
        if (tx) {
            txPublishes.add(new PendingPublish(p, m));
            return;
        }
        if (confirms.enabled()) {
            channel.stats.add(Metric.RECEIVED_CONFIRM);
        }
        long seq = confirms.next();
        int answers = route(p, ex, m, seq);
        if (seq == 0) {
            return; // confirms are off: nothing to wait for
        }
        if (answers > 0) {
            confirms.await(seq, answers);
        } else {
            confirms.confirmed(seq);
        }
    }

    /** RabbitMQ's checks on a complete publish (rabbit_channel), in its order; returns the exchange. */
    private Exchange check(BasicMethod.Publish p, Message m) {
        if (p.immediate()) {
            throw new ConnectionException(ReplyCode.NOT_IMPLEMENTED, "immediate=true", p);
        }
        channel.access().writeExchange(p, p.exchange());
        Exchange ex = exchangeFor(p);
        if (ex.internal()) {
            throw ChannelException.accessRefused(p, "cannot publish to internal " + describe(ex));
        }
        channel.access().topic(p, ex, true, p.routingKey());
        if (VirtualHost.REPLY_TO.equals(m.properties().replyTo()) && !channel.replyTo.active()) {
            throw ChannelException.preconditionFailed(p, "fast reply consumer does not exist");
        }
        String userId = m.properties().userId();
        if (userId != null && !userId.equals(channel.connection().user()) && !channel.connection().impersonator()) {
            throw ChannelException.preconditionFailed(p, "user_id property set to '" + userId
                    + "' but authenticated user was '" + channel.connection().user() + "'");
        }
        String expirationError = Expiration.check(m.properties().expiration());
        if (expirationError != null) {
            throw ChannelException.preconditionFailed(p, "invalid expiration '" + m.properties().expiration()
                    + "': " + expirationError);
        }
        FieldTable headers = m.properties().headers();
        if (headers != null) {
            checkRoutingHeaders(p, headers);
        }
        return ex;
    }

    private static final String[] ROUTING_HEADERS = {"CC", "BCC"};

    /**
     * RabbitMQ's header_routes (rabbit_basic:message): CC and BCC, when present, are arrays; any other type
     * makes the message invalid, named as RabbitMQ's table parser names it (longstr, signedint, ...).
     */
    private static void checkRoutingHeaders(BasicMethod.Publish p, FieldTable headers) {
        for (String name : ROUTING_HEADERS) {
            FieldValue v = headers.field(name);
            if (v != null && v.type() != 'A') {
                throw ChannelException.preconditionFailed(p, "invalid message: {unacceptable_type_in_header,\""
                        + name + "\"," + v.rabbitTypeName() + "}");
            }
        }
    }

    private Exchange exchangeFor(BasicMethod.Publish p) {
        Exchange ex = channel.vhost().exchange(p.exchange());
        if (ex == null) {
            throw ChannelException.notFound(p, "no exchange '" + p.exchange() + "' in vhost '" + channel.vhost().name() + "'");
        }
        return ex;
    }

    String describe(Exchange ex) {
        return "exchange '" + ex.name() + "' in vhost '" + channel.vhost().name() + "'";
    }

    /**
     * Hands {@code routed} (whose reference we own) to every queue it reaches, or returns it if mandatory. A
     * persistent message for durable queues is written to the message log once. Returns how many answers
     * {@code seq} (if not 0) waits for before it is confirmed: the log's, and one from each queue that may
     * refuse the message (x-overflow reject-publish); 0 when it can be confirmed now.
     */
    private int route(BasicMethod.Publish p, Exchange ex, Message routed, long seq) {
        if (ex == channel.vhost().defaultExchange()) {
            ReplyTarget reply = channel.vhost().replyTarget(p.routingKey());
            if (reply != null) {
                reply.deliverReply(routed);
                return 0;
            }
        }
        if (ex instanceof DelayedExchange d) {
            long delay = DelayedExchange.delayOf(routed);
            if (delay > 0) {
                return delay(p, d, routed, delay, seq);
            }
        }
        targets.clear();
        channel.vhost().route(ex, routed, targets);
        for (Queue q : targets) {
            if (q.remoteHome() != null) {
                targets.clear();
                routed.release();
                throw QueueMethods.notServedHere(channel, p, q);
            }
        }
        if (targets.isEmpty()) {
            channel.stats.add(p.mandatory() ? Metric.RETURN_UNROUTABLE : Metric.DROP_UNROUTABLE);
            if (p.mandatory()) {
                channel.writeContent(new BasicMethod.Return(ReplyCode.NO_ROUTE, "NO_ROUTE", p.exchange(),
                        p.routingKey()), routed);
                channel.connection().flushSoon();
            }
            routed.release();
            return 0;
        }
        ex.counters().publishOut();
        channel.stats.add(Metric.ROUTED);
        // BCC keys route but are never delivered (RabbitMQ's sender-selected distribution).
        Message m = routed.hasBcc() ? routed.withoutBcc(channel.connection().ctx().alloc().buffer()) : routed;
        Location location = append(m, seq);
        AmqpConnection conn = channel.connection();
        int answers = location != null ? 1 : 0;
        for (Queue q : targets) {
            m.retain();
            Location l = q.stores(m) ? location : null;
            if (seq != 0 && q.mayRefuse()) {
                answers++;
                io.netty.util.concurrent.EventExecutor loop = conn.ctx().executor();
                q.execute(() -> {
                    boolean accepted = q.enqueue(m, l, conn);
                    loop.execute(() -> confirms.answered(seq, accepted));
                });
            } else {
                q.execute(() -> q.enqueue(m, l, conn));
            }
        }
        conn.enqueuesPosted((long) targets.size() * PublisherCredit.units(m.bodySize()));
        targets.clear();
        m.release();
        return answers;
    }

    /**
     * A message for a delayed exchange with a positive x-delay waits there (its reference is handed over).
     * As with the plugin, which routes only when the message is due, a mandatory one comes straight back as
     * unroutable (312 NO_ROUTE) although it will be routed later. A persistent one on a durable exchange is
     * confirmed once the log has it; others at once. Returns how many answers {@code seq} waits for.
     */
    private int delay(BasicMethod.Publish p, DelayedExchange d, Message m, long delay, long seq) {
        if (p.mandatory()) {
            channel.writeContent(new BasicMethod.Return(ReplyCode.NO_ROUTE, "NO_ROUTE", p.exchange(), p.routingKey()), m);
            channel.connection().flushSoon();
        }
        io.netty.util.concurrent.EventExecutor loop = channel.connection().ctx().executor();
        boolean durable;
        try {
            durable = d.waiting().accept(m, delay, failure -> {
                if (failure != null) {
                    LOG.error("message log failed a write of a delayed message; the publisher gets a nack", failure);
                }
                if (seq != 0) {
                    loop.execute(() -> confirms.durable(seq, failure));
                }
            });
        } catch (RuntimeException e) {
            LOG.error("message log refused a delayed message; the publisher gets a nack", e);
            if (seq != 0) {
                loop.execute(() -> confirms.durable(seq, e));
            }
            throw new ConnectionException(ReplyCode.INTERNAL_ERROR, "message store unavailable", 0, 0);
        }
        if (durable && tx) {
            txAppended = true;
        }
        return durable ? 1 : 0;
    }


    /**
     * Writes {@code m} to the message log for the targets that keep it there ({@link Queue#stores}); null if
     * there are none.
     */
    private Location append(Message m, long seq) {
        List<QueueName> durable = null;
        boolean quorum = false;
        for (Queue q : targets) {
            if (q.stores(m)) {
                quorum |= q.type() == QueueType.QUORUM;
                if (durable == null) {
                    durable = new ArrayList<>(targets.size());
                }
                durable.add(q.storeName());
            }
        }
        if (durable == null) {
            return null;
        }
        if (tx) {
            txAppended = true;
        }
        io.netty.util.concurrent.EventExecutor loop = channel.connection().ctx().executor();
        DurableCopies copies = new DurableCopies(durable.size(), failure -> {
            if (failure != null) {
                LOG.error("message log failed a write; the publisher gets a nack", failure);
            }
            if (seq != 0) {
                loop.execute(() -> confirms.durable(seq, failure));
            }
        });
        try {
            // A quorum queue confirms once the message is on disk (in RabbitMQ, once a majority has it), never
            // because a consumer took it first: with one among the targets, only the write answers.
            return quorum ? channel.vhost().persistence().append(m, durable, copies::written)
                    : channel.vhost().persistence().append(m, durable, copies);
        } catch (RuntimeException e) {
            // Refused up front (store closed or failing): as a failed write, never a silent drop.
            LOG.error("message log refused a write; the publisher gets a nack", e);
            copies.written(e);
            throw new ConnectionException(ReplyCode.INTERNAL_ERROR, "message store unavailable", 0, 0);
        }
    }

    void onConfirm(ConfirmMethod m) {
        if (m instanceof ConfirmMethod.Select s) {
            if (tx) {
                throw ChannelException.preconditionFailed(s, "cannot switch from tx to confirm mode");
            }
            confirms.enable();
            if (!s.noWait()) {
                channel.send(new ConfirmMethod.SelectOk());
            }
        } else {
            throw AmqpChannel.notImplemented(m);
        }
    }

    void onTx(TxMethod m) {
        if (m instanceof TxMethod.Select s) {
            if (confirms.enabled()) {
                throw ChannelException.preconditionFailed(s, "cannot switch from confirm to tx mode");
            }
            tx = true;
            channel.send(new TxMethod.SelectOk());
        } else if (m instanceof TxMethod.Commit c) {
            requireTx(c);
            List<PendingPublish> publishes = List.copyOf(txPublishes);
            txPublishes.clear();
            for (int i = 0; i < publishes.size(); i++) {
                PendingPublish pp = publishes.get(i);
                Exchange ex = channel.vhost().exchange(pp.publish().exchange());
                if (ex == null) {
                    // Deleted since the publish: RabbitMQ fails the commit the same way.
                    publishes.subList(i, publishes.size()).forEach(x -> x.message().release());
                    throw ChannelException.notFound(c, "no exchange '" + pp.publish().exchange()
                            + "' in vhost '" + channel.vhost().name() + "'");
                }
                try {
                    route(pp.publish(), ex, pp.message(), 0);
                } catch (ChannelException e) {
                    publishes.subList(i + 1, publishes.size()).forEach(x -> x.message().release());
                    throw e;
                }
            }
            for (PendingSettle s : txSettles) {
                channel.settle(s.deliveries(), s.requeue(), s.reject());
            }
            txSettles.clear();
            if (txAppended) {
                // Persistent messages in the commit are on disk before commit-ok, as confirms are.
                txAppended = false;
                channel.await(channel.vhost().persistence().messages().sync(),
                        () -> channel.send(new TxMethod.CommitOk()));
            } else {
                channel.send(new TxMethod.CommitOk());
            }
        } else if (m instanceof TxMethod.Rollback r) {
            requireTx(r);
            txPublishes.forEach(pp -> pp.message().release());
            txPublishes.clear();
            for (PendingSettle s : txSettles) {
                channel.unacked.restore(s.deliveries());
            }
            txSettles.clear();
            channel.send(new TxMethod.RollbackOk());
        } else {
            throw AmqpChannel.notImplemented(m);
        }
    }

    private void requireTx(TxMethod m) {
        if (!tx) {
            throw ChannelException.preconditionFailed(m, "channel is not transactional");
        }
    }

    /** In a transaction, acks and rejects wait for commit. */
    void stash(PendingSettle s) {
        txSettles.add(s);
    }

    private void resetAssembly() {
        if (header != null) {
            header.release();
            header = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        publish = null;
    }

    /** The channel is gone: uncommitted publishes vanish, and uncommitted acks never happened. */
    void release() {
        resetAssembly();
        txPublishes.forEach(pp -> pp.message().release());
        txPublishes.clear();
        for (PendingSettle s : txSettles) {
            channel.settle(s.deliveries(), true);
        }
        txSettles.clear();
    }
}
