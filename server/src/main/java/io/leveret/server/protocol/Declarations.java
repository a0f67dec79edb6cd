package io.leveret.server.protocol;

import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.QueueMethod;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.QueueArguments;
import io.leveret.server.vhost.QueueType;
import io.leveret.server.vhost.VirtualHost;
import java.util.Set;

/**
 * The checks an AMQP declare or bind makes, for callers without a channel (the management API): the same
 * texts, thrown as the same {@link AmqpException}s, so an HTTP declare is refused exactly where an AMQP one
 * would be. The caller maps the reply code to its status.
 */
public final class Declarations {
    private static final Set<String> TYPES = Set.of("direct", "fanout", "topic", "headers",
            io.leveret.server.vhost.DelayedExchange.TYPE);

    private Declarations() {
    }

    /** A new exchange's type and arguments (unknown type: 503 COMMAND_INVALID, as exchange.declare). */
    public static void newExchange(ExchangeMethod.Declare d) {
        if (!TYPES.contains(d.type())) {
            throw new ConnectionException(ReplyCode.COMMAND_INVALID, "unknown exchange type '" + d.type() + "'", d);
        }
        ExchangeArguments.validate(d);
    }

    /** A redeclare of {@code x} with different properties: 406 with RabbitMQ's "inequivalent arg" text. */
    public static void sameExchange(ExchangeMethod.Declare d, VirtualHost vhost, Exchange x) {
        String r = "exchange '" + x.name() + "' in vhost '" + vhost.name() + "'";
        Equivalence.field(d, r, "type", x.type(), d.type());
        Equivalence.field(d, r, "durable", x.durable(), d.durable());
        Equivalence.field(d, r, "auto_delete", x.autoDelete(), d.autoDelete());
        Equivalence.field(d, r, "internal", x.internal(), d.internal());
        Equivalence.arguments(d, r, x.arguments(), d.arguments(), Equivalence.EXCHANGE_ARGS);
    }

    /** What creating a queue checks: the vhost's queue limit, the arguments, then a quorum queue's properties. */
    public static void newQueue(QueueMethod.Declare d, VirtualHost vhost, Limits limits) {
        limits.checkQueueLimit(d, vhost, d.queue());
        String invalid = QueueArguments.validate(d.arguments(), d.queue(), vhost.name());
        if (invalid != null) {
            throw ChannelException.preconditionFailed(d, invalid);
        }
        String property = quorumProperty(d, d.queue(), vhost.name());
        if (property != null) {
            throw ChannelException.preconditionFailed(d, property);
        }
    }

    /**
     * Null unless {@code d} declares a quorum queue {@code name} that cannot be one: RabbitMQ 3.10's reason, checked
     * in its order (a quorum queue is durable and shared, and outlives its consumers).
     */
    public static String quorumProperty(QueueMethod.Declare d, String name, String vhost) {
        if (QueueType.of(d.arguments()) != QueueType.QUORUM) {
            return null;
        }
        String property = d.autoDelete() ? "auto-delete" : d.exclusive() ? "exclusive-owner"
                : !d.durable() ? "non-durable" : null;
        return property == null ? null
                : "invalid property '" + property + "' for queue '" + name + "' in vhost '" + vhost + "'";
    }

    /** A redeclare of {@code q} with different properties: 406 with RabbitMQ's "inequivalent arg" text. */
    public static void sameQueue(QueueMethod.Declare d, VirtualHost vhost, Queue q) {
        String r = "queue '" + q.name() + "' in vhost '" + vhost.name() + "'";
        Equivalence.field(d, r, "durable", q.durable(), d.durable());
        Equivalence.field(d, r, "auto_delete", q.autoDelete(), d.autoDelete());
        Equivalence.arguments(d, r, q.arguments(), d.arguments(), Equivalence.QUEUE_ARGS);
        if (q.type() == QueueType.QUORUM) {
            Equivalence.arguments(d, r, q.arguments(), d.arguments(), Equivalence.QUORUM_QUEUE_ARGS);
        }
    }

    /** A binding from {@code source}: a headers exchange's x-match must be valid. */
    public static void binding(io.leveret.codec.Method m, Exchange source, FieldTable args) {
        Exchange routing = source instanceof io.leveret.server.vhost.DelayedExchange de ? de.routing() : source;
        if (routing instanceof io.leveret.server.vhost.HeadersExchange) {
            ExchangeMethods.validateXMatch(m, args);
        }
    }

    /** The text after RabbitMQ's "CODE - " prefix. */
    public static String detail(AmqpException e) {
        String text = e.getMessage();
        int dash = text.indexOf(" - ");
        return dash < 0 ? text : text.substring(dash + 3);
    }
}
