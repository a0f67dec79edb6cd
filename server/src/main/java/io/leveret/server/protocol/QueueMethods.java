package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.codec.QueueMethod;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueArguments;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.VirtualHost;

/** The queue class (spec 1.7), checked in RabbitMQ's order and with its reply texts. */
final class QueueMethods {
    private QueueMethods() {
    }

    static void handle(AmqpChannel ch, QueueMethod m) {
        // RabbitMQ strips CR and LF from the names declare, bind, unbind and delete are given (strip_cr_lf);
        // purge, consume, get and publish take names as they come.
        if (m instanceof QueueMethod.Declare d) {
            declare(ch, stripped(d));
        } else if (m instanceof QueueMethod.Bind b) {
            bind(ch, b, Names.stripCrLf(b.queue()), Names.stripCrLf(b.exchange()), b.routingKey(), b.arguments(),
                    true, b.noWait());
        } else if (m instanceof QueueMethod.Unbind u) {
            bind(ch, u, Names.stripCrLf(u.queue()), Names.stripCrLf(u.exchange()), u.routingKey(), u.arguments(),
                    false, false);
        } else if (m instanceof QueueMethod.Purge p) {
            purge(ch, p);
        } else if (m instanceof QueueMethod.Delete d) {
            delete(ch, stripped(d));
        } else {
            throw AmqpChannel.notImplemented(m);
        }
    }

    private static QueueMethod.Declare stripped(QueueMethod.Declare d) {
        String name = Names.stripCrLf(d.queue());
        return name == d.queue() ? d : new QueueMethod.Declare(d.ticket(), name, d.passive(), d.durable(),
                d.exclusive(), d.autoDelete(), d.noWait(), d.arguments());
    }

    private static QueueMethod.Delete stripped(QueueMethod.Delete d) {
        String name = Names.stripCrLf(d.queue());
        return name == d.queue() ? d : new QueueMethod.Delete(d.ticket(), name, d.ifUnused(), d.ifEmpty(), d.noWait());
    }

    private static void declare(AmqpChannel ch, QueueMethod.Declare d) {
        VirtualHost vhost = ch.vhost();
        Queue q;
        if (d.queue().startsWith(VirtualHost.REPLY_TO)) {
            declareReplyTo(ch, d);
            return;
        }
        if (d.passive()) {
            q = require(ch, d, d.queue());
            homeRunning(ch, d, q);
            exclusiveAccess(ch, d, q, false);
        } else {
            if (d.queue().isEmpty() && QueueType.of(d.arguments()) == QueueType.QUORUM) {
                // RabbitMQ 3.10 names queues only of types that allow it, before any other check.
                throw ChannelException.preconditionFailed(d, "Cannot declare a server-named queue for type "
                        + QueueType.QUORUM.rabbitModule());
            }
            String name = d.queue().isEmpty() ? Names.queueName() : d.queue();
            if (!d.queue().isEmpty()) {
                ExchangeMethods.checkName(d, "queue", name);
            }
            ch.access().configureQueue(d, name);
            if (vhost.queue(name) == null) {
                newQueueChecks(ch, d, name);
            }
            // An exclusive queue is never durable, as in RabbitMQ.
            boolean durable = d.durable() && !d.exclusive();
            Object owner = d.exclusive() ? ch.connection() : null;
            Queue existing = vhost.queue(name);
            if (existing != null) {
                homeRunning(ch, d, existing);
            }
            q = vhost.declareQueue(name, durable, d.autoDelete(), d.arguments(), owner);
            if (owner != null && q.exclusiveOwner() == owner) {
                ch.connection().ownExclusive(q);
            }
            exclusiveAccess(ch, d, q, true);
            String r = ExchangeMethods.describe(ch, q);
            Equivalence.field(d, r, "durable", q.durable(), durable);
            Equivalence.field(d, r, "auto_delete", q.autoDelete(), d.autoDelete());
            Equivalence.arguments(d, r, q.arguments(), d.arguments(), Equivalence.QUEUE_ARGS);
            if (q.type() == QueueType.QUORUM) {
                Equivalence.arguments(d, r, q.arguments(), d.arguments(), Equivalence.QUORUM_QUEUE_ARGS);
            }
        }
        ch.lastQueue = q.name();
        Queue target = q;
        if (d.noWait()) {
            return;
        }
        ch.ask(q, () -> {
            target.touch();
            return new long[] {target.messageCount(), target.consumerCount()};
        },
                counts -> ch.replyDurably(target.stored(),
                        new QueueMethod.DeclareOk(target.name(), counts[0], counts[1])));
    }

    /**
     * Direct reply-to's names are answered before anything else, passive or not, whatever the flags and
     * arguments (RabbitMQ 3.10's first queue.declare clause): {@code amq.rabbitmq.reply-to} itself always
     * exists, an address handed out to a requester exists while its reply consumer does (from any channel or
     * connection); each with no messages and one consumer. Anything else under that prefix is not found.
     */
    private static void declareReplyTo(AmqpChannel ch, QueueMethod.Declare d) {
        boolean exists = d.queue().equals(VirtualHost.REPLY_TO) || ch.vhost().replyTarget(d.queue()) != null;
        if (!exists) {
            throw ChannelException.notFound(d, "no queue '" + d.queue() + "' in vhost '" + ch.vhost().name() + "'");
        }
        ch.lastQueue = d.queue();
        if (!d.noWait()) {
            ch.replyDurably(new QueueMethod.DeclareOk(d.queue(), 0, 1));
        }
    }

    private static void bind(AmqpChannel ch, Method m, String queueName, String exchange, String key,
                             io.leveret.codec.FieldTable args, boolean bind, boolean noWait) {
        String routingKey = key.isEmpty() && queueName.isEmpty() && ch.lastQueue != null ? ch.lastQueue : key;
        // RabbitMQ's binding_action: the name shortcut, the default exchange, then the source before the queue.
        String resolved = resolve(ch, m, queueName);
        AccessControl access = ch.access();
        access.writeQueue(m, resolved);
        ExchangeMethods.notDefault(m, exchange);
        access.readExchange(m, exchange);
        Exchange source = ch.vhost().exchange(exchange);
        if (source != null) {
            access.topic(m, source, false, routingKey);
        }
        java.util.concurrent.CompletableFuture<Void> written = ch.vhost().persisted();
        if (bind) {
            Exchange x = ExchangeMethods.require(ch, m, exchange);
            Queue q = require(ch, m, resolved);
            exclusiveAccess(ch, m, q, false);
            written = ExchangeMethods.link(ch, m, x, q, routingKey, args, true);
        } else {
            // Unbinding what is not there (binding, exchange or queue) succeeds, as in RabbitMQ 3.x.
            Exchange x = ch.vhost().exchange(exchange);
            Queue q = ch.vhost().queue(resolved);
            if (x != null && q != null) {
                exclusiveAccess(ch, m, q, false);
                written = ExchangeMethods.link(ch, m, x, q, routingKey, args, false);
            }
        }
        if (bind) {
            if (!noWait) {
                ch.replyDurably(written, new QueueMethod.BindOk());
            }
        } else {
            ch.replyDurably(written, new QueueMethod.UnbindOk());
        }
    }

    private static void purge(AmqpChannel ch, QueueMethod.Purge p) {
        ch.access().readQueue(p, resolve(ch, p, p.queue()));
        Queue q = require(ch, p, p.queue());
        if (q.remoteHome() != null) {
            throw notServedHere(ch, p, q);
        }
        exclusiveAccess(ch, p, q, false);
        ch.ask(q, q::purge, n -> {
            if (!p.noWait()) {
                ch.send(new QueueMethod.PurgeOk(n));
            }
        });
    }

    private static void delete(AmqpChannel ch, QueueMethod.Delete d) {
        ch.access().configureQueue(d, resolve(ch, d, d.queue()));
        Queue q = ch.vhost().queue(resolve(ch, d, d.queue()));
        if (q == null) {
            // Deleting a queue that is not there succeeds (RabbitMQ 3.x).
            if (!d.noWait()) {
                ch.replyDurably(new QueueMethod.DeleteOk(0));
            }
            return;
        }
        exclusiveAccess(ch, d, q, false);
        ch.ask(q, () -> {
            if (d.ifUnused() && q.consumerCount() > 0) {
                return new Deleted(-1L, null);
            }
            if (d.ifEmpty() && q.messageCount() > 0) {
                return new Deleted(-2L, null);
            }
            long n = q.messageCount();
            return new Deleted(n, q.vhost().deleteQueue(q));
        }, deleted -> {
            if (deleted.messages() == -1L) {
                throw ChannelException.preconditionFailed(d, ExchangeMethods.describe(ch, q) + " in use");
            }
            if (deleted.messages() == -2L) {
                throw ChannelException.preconditionFailed(d, ExchangeMethods.describe(ch, q) + " not empty");
            }
            if (!d.noWait()) {
                ch.replyDurably(deleted.written(), new QueueMethod.DeleteOk(deleted.messages()));
            }
        });
    }

    /** What deleting a queue did: the messages it held (negative: refused) and the write that makes it durable. */
    private record Deleted(long messages, java.util.concurrent.CompletableFuture<Void> written) {
    }

    /**
     * What RabbitMQ checks only when queue.declare creates the queue: the vhost's max-queues limit, then
     * with a dead-letter exchange, read on the queue and write on that exchange.
     */
    private static void newQueueChecks(AmqpChannel ch, QueueMethod.Declare d, String name) {
        ch.connection().services().limits().checkQueueLimit(d, ch.vhost(), name);
        io.leveret.codec.FieldValue dlx = d.arguments().field("x-dead-letter-exchange");
        if (dlx != null) {
            if (dlx.type() != 'S') {
                throw ChannelException.preconditionFailed(d, "invalid type '" + dlx.rabbitTypeName()
                        + "' for arg 'x-dead-letter-exchange' in queue '" + name + "' in vhost '"
                        + ch.vhost().name() + "'");
            }
            ch.access().readQueue(d, name);
            ch.access().writeExchange(d, dlx.stringValue());
        }
        String invalid = QueueArguments.validate(d.arguments(), name, ch.vhost().name());
        if (invalid != null) {
            throw ChannelException.preconditionFailed(d, invalid);
        }
        String property = Declarations.quorumProperty(d, name, ch.vhost().name());
        if (property != null) {
            throw ChannelException.preconditionFailed(d, property);
        }
    }

    /** An empty queue name means the channel's last declared queue (RabbitMQ's shortcut). */
    static String resolve(AmqpChannel ch, Method m, String name) {
        if (!name.isEmpty()) {
            return name;
        }
        if (ch.lastQueue == null) {
            throw ChannelException.notFound(m, "no previously declared queue");
        }
        return ch.lastQueue;
    }

    /**
     * In a cluster, a queue whose home is another node that is down: RabbitMQ 3.10.8's 404 for a durable classic
     * queue whose node is down, on every method that names the queue (declare, passive or not, consume, get,
     * bind, purge). A queue of this node, or of a node that runs, passes.
     */
    static void homeRunning(AmqpChannel ch, Method m, Queue q) {
        String home = q.remoteHome();
        io.leveret.server.vhost.Persistence p = ch.vhost().persistence();
        if (home != null && p != null && !p.nodeRunning(home)) {
            throw ChannelException.notFound(m, "home node '" + home + "' of durable queue '" + q.name()
                    + "' in vhost '" + ch.vhost().name() + "' is down or inaccessible");
        }
    }

    /**
     * A classic queue lives on its home node, and this node serves only its own (issue #16: the data plane
     * between nodes is not built): consuming, getting, or publishing a message that routes to another node's
     * queue closes the channel with 406, naming the node to connect to; 404 as {@link #homeRunning} if that
     * node is down. Nothing is dropped silently.
     */
    static ChannelException notServedHere(AmqpChannel ch, Method m, Queue q) {
        homeRunning(ch, m, q);
        return ChannelException.preconditionFailed(m, "queue '" + q.name() + "' in vhost '" + ch.vhost().name()
                + "' is on node '" + q.remoteHome() + "', and this node serves only its own classic queues: "
                + "connect to '" + q.remoteHome() + "' to publish to it or consume from it");
    }

    static Queue require(AmqpChannel ch, Method m, String name) {
        String resolved = resolve(ch, m, name);
        Queue q = ch.vhost().queue(resolved);
        if (q == null) {
            throw ChannelException.notFound(m, "no queue '" + resolved + "' in vhost '" + ch.vhost().name() + "'");
        }
        return q;
    }

    /**
     * Another connection's exclusive queue is locked (405). {@code strict} (declare) also refuses a
     * declaration whose exclusive flag differs from the queue's.
     */
    static void exclusiveAccess(AmqpChannel ch, Method m, Queue q, boolean strict) {
        Object owner = q.exclusiveOwner();
        boolean ok;
        if (strict) {
            boolean wantExclusive = m instanceof QueueMethod.Declare d && d.exclusive();
            ok = wantExclusive ? owner == ch.connection() : owner == null;
        } else {
            ok = owner == null || owner == ch.connection();
        }
        if (!ok) {
            throw ChannelException.resourceLocked(m, "cannot obtain exclusive access to locked "
                    + ExchangeMethods.describe(ch, q) + ". It could be originally declared on another connection"
                    + " or the exclusive property value does not match that of the original declaration.");
        }
    }
}
