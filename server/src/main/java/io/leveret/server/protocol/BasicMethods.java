package io.leveret.server.protocol;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.FieldValue;
import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;
import io.leveret.server.stats.Metric;
import io.leveret.server.vhost.Delivery;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.QueueConsumer;
import io.leveret.server.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.List;

/** The basic class (spec 1.8) as RabbitMQ handles it, with its extensions (nack, per-consumer qos). */
final class BasicMethods {
    private BasicMethods() {
    }

    static void handle(AmqpChannel ch, BasicMethod m) {
        if (m instanceof BasicMethod.Publish p) {
            ch.publisher.onPublish(p);
        } else if (m instanceof BasicMethod.Ack a) {
            settle(ch, a, a.deliveryTag(), a.multiple(), false, true);
        } else if (m instanceof BasicMethod.Nack n) {
            settle(ch, n, n.deliveryTag(), n.multiple(), n.requeue(), false);
        } else if (m instanceof BasicMethod.Reject r) {
            settle(ch, r, r.deliveryTag(), false, r.requeue(), false);
        } else if (m instanceof BasicMethod.Qos q) {
            qos(ch, q);
        } else if (m instanceof BasicMethod.Consume c) {
            consume(ch, c);
        } else if (m instanceof BasicMethod.Cancel c) {
            cancel(ch, c);
        } else if (m instanceof BasicMethod.Get g) {
            get(ch, g);
        } else if (m instanceof BasicMethod.RecoverAsync r) {
            recover(ch, r, r.requeue());
        } else if (m instanceof BasicMethod.Recover r) {
            recover(ch, r, r.requeue());
            ch.send(new BasicMethod.RecoverOk());
        } else {
            throw AmqpChannel.notImplemented(m);
        }
    }

    private static void qos(AmqpChannel ch, BasicMethod.Qos q) {
        if (q.prefetchSize() != 0) {
            throw new ConnectionException(ReplyCode.NOT_IMPLEMENTED, "prefetch_size!=0 (" + q.prefetchSize() + ")", q);
        }
        // RabbitMQ: global=false limits each consumer started afterwards; global=true the whole channel.
        if (q.global()) {
            ch.setChannelPrefetch(q.prefetchCount());
            ch.wakeQueues();
        } else {
            ch.consumerPrefetch = q.prefetchCount();
        }
        ch.send(new BasicMethod.QosOk());
    }

    private static void consume(AmqpChannel ch, BasicMethod.Consume c) {
        if (c.queue().equals(VirtualHost.REPLY_TO)) {
            ch.replyTo.consume(c);
            return;
        }
        if (ch.consumers.containsKey(c.consumerTag())) {
            throw new ConnectionException(ReplyCode.NOT_ALLOWED,
                    "attempt to reuse consumer tag '" + c.consumerTag() + "'", c);
        }
        ch.access().readQueue(c, QueueMethods.resolve(ch, c, c.queue()));
        Queue q = QueueMethods.require(ch, c, c.queue());
        if (q.remoteHome() != null) {
            throw QueueMethods.notServedHere(ch, c, q);
        }
        QueueMethods.exclusiveAccess(ch, c, q, false);
        checkConsumeArguments(ch, c, q);
        if (q.type() == QueueType.QUORUM && ch.hasChannelPrefetch()) {
            // RabbitMQ 3.10's quorum queues take no channel-wide prefetch (a connection error there too).
            throw new ConnectionException(ReplyCode.NOT_IMPLEMENTED,
                    ExchangeMethods.describe(ch, q) + " does not support global qos", c);
        }
        String tag = c.consumerTag().isEmpty() ? Names.consumerTag() : c.consumerTag();
        QueueConsumer qc = new QueueConsumer(ch, tag, c.noAck(), c.exclusive(), ch.consumerPrefetch, c.arguments());
        // Reserve the tag now so that a second consume with it, pipelined, is refused.
        ch.consumers.put(tag, new AmqpChannel.ChannelConsumer(tag, q, qc));
        ch.ask(q, () -> {
            Queue.AddResult r = q.addConsumer(qc);
            if (r == Queue.AddResult.OK) {
                // Deliveries start after consume-ok: this task runs after the answer was queued to the loop.
                q.execute(q::consumerReady);
            }
            return r;
        }, r -> {
            switch (r) {
                case OK -> {
                    if (!c.noWait()) {
                        ch.send(new BasicMethod.ConsumeOk(tag));
                    }
                }
                case QUEUE_DELETED -> {
                    ch.consumers.remove(tag);
                    throw ChannelException.notFound(c, "no queue '" + q.name() + "' in vhost '" + ch.vhost().name() + "'");
                }
                default -> {
                    ch.consumers.remove(tag);
                    throw ChannelException.accessRefused(c, ExchangeMethods.describe(ch, q) + " in exclusive use");
                }
            }
        });
    }

    /**
     * RabbitMQ's rabbit_amqqueue:check_consume_arguments: {@code x-priority} must be an integer (any
     * integer type), else 406 with the same reason text as a bad queue argument.
     */
    private static void checkConsumeArguments(AmqpChannel ch, BasicMethod.Consume c, Queue q) {
        FieldValue v = c.arguments().field(QueueConsumer.PRIORITY);
        if (v != null && !v.isInteger()) {
            throw ChannelException.preconditionFailed(c, "invalid arg '" + QueueConsumer.PRIORITY + "' for queue '"
                    + q.name() + "' in vhost '" + ch.vhost().name() + "': \"expected integer, got "
                    + v.rabbitTypeName() + "\"");
        }
    }

    private static void cancel(AmqpChannel ch, BasicMethod.Cancel c) {
        if (ch.replyTo.isConsumer(c.consumerTag())) {
            ch.replyTo.cancel(c);
            return;
        }
        AmqpChannel.ChannelConsumer cc = ch.consumers.get(c.consumerTag());
        if (cc == null) {
            // Unknown tags are fine (RabbitMQ): the consumer may have been cancelled by the broker already.
            if (!c.noWait()) {
                ch.send(new BasicMethod.CancelOk(c.consumerTag()));
            }
            return;
        }
        Queue q = cc.queue();
        ch.ask(q, () -> {
            q.removeConsumer(cc.queueConsumer());
            return Boolean.TRUE;
        }, done -> {
            ch.consumers.remove(c.consumerTag());
            if (!c.noWait()) {
                ch.send(new BasicMethod.CancelOk(c.consumerTag()));
            }
        });
    }

    private static void get(AmqpChannel ch, BasicMethod.Get g) {
        ch.access().readQueue(g, QueueMethods.resolve(ch, g, g.queue()));
        Queue q = QueueMethods.require(ch, g, g.queue());
        if (q.remoteHome() != null) {
            throw QueueMethods.notServedHere(ch, g, q);
        }
        QueueMethods.exclusiveAccess(ch, g, q, false);
        record Got(Delivery delivery, int remaining) {
        }
        ch.<Got>askLater(q, answer -> q.get(g.noAck(), d -> answer.accept(new Got(d, q.messageCount()))), got -> {
            Delivery d = got.delivery();
            if (d == null) {
                ch.stats.add(Metric.GET_EMPTY, 1, q.type() == QueueType.QUORUM);
                ch.send(new BasicMethod.GetEmpty(""));
                return;
            }
            long tag = ++ch.nextDeliveryTag;
            ch.stats.got(d.noAck(), d.redelivered(), q.type() == QueueType.QUORUM);
            if (!d.noAck()) {
                ch.unacked.add(new Unacked(tag, q, d.seq(), false));
            }
            ch.writeContent(new BasicMethod.GetOk(tag, d.redelivered(), d.message().exchange(),
                    d.message().routingKey(), got.remaining()), d.message());
            d.message().release();
        });
    }

    /** ack, nack and reject: every tag must be outstanding (406 otherwise), as RabbitMQ's collect_acks. */
    private static void settle(AmqpChannel ch, Method m, long tag, boolean multiple, boolean requeue, boolean ack) {
        List<Unacked> list;
        if (multiple && tag == 0) {
            list = ch.unacked.removeUpTo(0);
        } else if (multiple) {
            Unacked last = ch.unacked.remove(tag);
            if (last == null) {
                throw unknownTag(m, tag);
            }
            list = new ArrayList<>(ch.unacked.removeUpTo(tag));
            list.add(last);
        } else {
            Unacked u = ch.unacked.remove(tag);
            if (u == null) {
                throw unknownTag(m, tag);
            }
            list = List.of(u);
        }
        if (list.isEmpty()) {
            return;
        }
        if (ack) {
            int quorum = 0;
            for (Unacked u : list) {
                quorum += u.queue.type() == QueueType.QUORUM ? 1 : 0;
            }
            ch.stats.add(Metric.ACK, list.size() - quorum);
            ch.stats.add(Metric.ACK, quorum, true);
        }
        if (ch.publisher.transactional()) {
            ch.publisher.stash(new Publisher.PendingSettle(list, requeue && !ack, !ack && !requeue));
            return;
        }
        ch.settle(list, requeue && !ack, !ack && !requeue);
    }

    private static ChannelException unknownTag(Method m, long tag) {
        return ChannelException.preconditionFailed(m, "unknown delivery tag " + tag);
    }

    private static void recover(AmqpChannel ch, Method m, boolean requeue) {
        if (!requeue) {
            throw new ConnectionException(ReplyCode.NOT_IMPLEMENTED, "requeue=false", m);
        }
        List<Unacked> all = ch.unacked.removeUpTo(0);
        if (!all.isEmpty()) {
            ch.settle(all, true);
        }
    }
}
