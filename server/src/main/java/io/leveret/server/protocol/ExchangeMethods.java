package io.leveret.server.protocol;

import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.Destination;
import io.leveret.server.vhost.Exchange;
import io.leveret.server.vhost.Queue;
import io.leveret.server.vhost.VirtualHost;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** The exchange class (spec 1.6), checked in RabbitMQ's order and with its reply texts. */
final class ExchangeMethods {
    private static final Set<String> TYPES = Set.of("direct", "fanout", "topic", "headers",
            io.leveret.server.vhost.DelayedExchange.TYPE);

    private ExchangeMethods() {
    }

    static void handle(AmqpChannel ch, ExchangeMethod m) {
        // RabbitMQ strips CR and LF from the exchange names of all four (strip_cr_lf), not from routing keys.
        if (m instanceof ExchangeMethod.Declare d) {
            declare(ch, stripped(d));
        } else if (m instanceof ExchangeMethod.Delete d) {
            delete(ch, stripped(d));
        } else if (m instanceof ExchangeMethod.Bind b) {
            CompletableFuture<Void> written = bindOrUnbind(ch, b, Names.stripCrLf(b.source()),
                    Names.stripCrLf(b.destination()), b.routingKey(),
                    b.arguments(), true);
            if (!b.noWait()) {
                ch.replyDurably(written, new ExchangeMethod.BindOk());
            }
        } else if (m instanceof ExchangeMethod.Unbind u) {
            CompletableFuture<Void> written = bindOrUnbind(ch, u, Names.stripCrLf(u.source()),
                    Names.stripCrLf(u.destination()), u.routingKey(),
                    u.arguments(), false);
            if (!u.noWait()) {
                ch.replyDurably(written, new ExchangeMethod.UnbindOk());
            }
        } else {
            throw AmqpChannel.notImplemented(m);
        }
    }

    private static ExchangeMethod.Declare stripped(ExchangeMethod.Declare d) {
        String name = Names.stripCrLf(d.exchange());
        return name == d.exchange() ? d : new ExchangeMethod.Declare(d.ticket(), name, d.type(), d.passive(),
                d.durable(), d.autoDelete(), d.internal(), d.noWait(), d.arguments());
    }

    private static ExchangeMethod.Delete stripped(ExchangeMethod.Delete d) {
        String name = Names.stripCrLf(d.exchange());
        return name == d.exchange() ? d : new ExchangeMethod.Delete(d.ticket(), name, d.ifUnused(), d.noWait());
    }

    private static void declare(AmqpChannel ch, ExchangeMethod.Declare d) {
        VirtualHost vhost = ch.vhost();
        Exchange x;
        if (d.passive()) {
            notDefault(d, d.exchange());
            x = require(ch, d, d.exchange());
        } else {
            if (!TYPES.contains(d.type())) {
                throw new ConnectionException(ReplyCode.COMMAND_INVALID, "unknown exchange type '" + d.type() + "'", d);
            }
            notDefault(d, d.exchange());
            ch.access().configureExchange(d, d.exchange());
            x = vhost.exchange(d.exchange());
            if (x == null) {
                checkName(d, "exchange", d.exchange());
                ExchangeArguments.validate(d);
                Object ae = d.arguments().get("alternate-exchange");
                if (ae != null) {
                    // RabbitMQ: declaring with an alternate exchange reads this one and writes to that one.
                    ch.access().readExchange(d, d.exchange());
                    ch.access().writeExchange(d, ae.toString());
                }
                x = vhost.declareExchange(d.type(), d.exchange(), d.durable(), d.autoDelete(), d.internal(),
                        d.arguments());
            }
            String r = describe(ch, x);
            Equivalence.field(d, r, "type", x.type(), d.type());
            Equivalence.field(d, r, "durable", x.durable(), d.durable());
            Equivalence.field(d, r, "auto_delete", x.autoDelete(), d.autoDelete());
            Equivalence.field(d, r, "internal", x.internal(), d.internal());
            Equivalence.arguments(d, r, x.arguments(), d.arguments(), Equivalence.EXCHANGE_ARGS);
        }
        if (!d.noWait()) {
            ch.replyDurably(x.stored(), new ExchangeMethod.DeclareOk());
        }
    }

    private static void delete(AmqpChannel ch, ExchangeMethod.Delete d) {
        notDefault(d, d.exchange());
        if (d.exchange().startsWith("amq.")) {
            throw ChannelException.accessRefused(d, "deletion of system exchange '" + d.exchange() + "' in vhost '"
                    + ch.vhost().name() + "' not allowed");
        }
        ch.access().configureExchange(d, d.exchange());
        Exchange x = ch.vhost().exchange(d.exchange());
        CompletableFuture<Void> written = ch.vhost().persisted();
        if (x != null) {
            if (d.ifUnused() && x.hasBindings()) {
                throw ChannelException.preconditionFailed(d, describe(ch, x) + " in use");
            }
            written = ch.vhost().deleteExchange(x);
        }
        if (!d.noWait()) {
            ch.replyDurably(written, new ExchangeMethod.DeleteOk());
        }
    }

    /**
     * exchange.bind and exchange.unbind: RabbitMQ's binding_action for an exchange destination. Returns the
     * change's write.
     */
    private static CompletableFuture<Void> bindOrUnbind(AmqpChannel ch, Method m, String source, String destination, String key,
                                     FieldTable args, boolean bind) {
        // RabbitMQ's binding_action: write on the destination, read on the source, then topic permissions.
        AccessControl access = ch.access();
        access.writeExchange(m, destination);
        notDefault(m, destination);
        notDefault(m, source);
        access.readExchange(m, source);
        Exchange sourceExchange = ch.vhost().exchange(source);
        if (sourceExchange != null) {
            access.topic(m, sourceExchange, false, key);
        }
        if (bind) {
            return link(ch, m, require(ch, m, source), require(ch, m, destination), key, args, true);
        }
        // Unbinding what is not there succeeds, as in RabbitMQ 3.x.
        Exchange src = ch.vhost().exchange(source);
        Exchange dst = ch.vhost().exchange(destination);
        return src != null && dst != null ? link(ch, m, src, dst, key, args, false) : ch.vhost().persisted();
    }

    /** Binds or unbinds; returns the change's write. */
    static CompletableFuture<Void> link(AmqpChannel ch, Method m, Exchange src, Destination dst, String key,
                                        FieldTable args, boolean bind) {
        Exchange routing = src instanceof io.leveret.server.vhost.DelayedExchange de ? de.routing() : src;
        if (bind && routing instanceof io.leveret.server.vhost.HeadersExchange) {
            validateXMatch(m, args);
        }
        return bind ? ch.vhost().bind(src, dst, key, args) : ch.vhost().unbind(src, dst, key, args);
    }

    /** RabbitMQ's check of a headers binding: x-match, if given, is a string naming a known mode. */
    static void validateXMatch(Method m, FieldTable args) {
        io.leveret.codec.FieldValue v = args.field("x-match");
        if (v == null) {
            return;
        }
        if (v.type() != 'S') {
            throw new ChannelException(io.leveret.codec.ReplyCode.PRECONDITION_FAILED, "Invalid x-match field type "
                    + v.rabbitTypeName() + " (value " + v.value() + "); expected longstr", m);
        }
        String mode = v.stringValue();
        if (!mode.equals("all") && !mode.equals("any") && !mode.equals("all-with-x") && !mode.equals("any-with-x")) {
            byte[] raw = ((io.leveret.codec.LongString) v.value()).bytes();
            throw new ChannelException(io.leveret.codec.ReplyCode.PRECONDITION_FAILED, "Invalid x-match field value "
                    + io.leveret.codec.ErlangTerms.p(io.netty.buffer.Unpooled.wrappedBuffer(raw), 0, raw.length)
                    + "; expected all, any, all-with-x, or any-with-x", m);
        }
    }

    /** The default exchange cannot be declared, deleted or bound (RabbitMQ's check_not_default_exchange). */
    static void notDefault(Method m, String exchange) {
        if (exchange.isEmpty()) {
            throw ChannelException.accessRefused(m, "operation not permitted on the default exchange");
        }
    }

    /** RabbitMQ reserves the {@code amq.} prefix for names it makes itself. */
    static void checkName(Method m, String kind, String name) {
        if (name.startsWith("amq.")) {
            throw ChannelException.accessRefused(m, kind + " name '" + name + "' contains reserved prefix 'amq.*'");
        }
    }

    static Exchange require(AmqpChannel ch, Method m, String name) {
        Exchange x = ch.vhost().exchange(name);
        if (x == null) {
            throw ChannelException.notFound(m, "no exchange '" + name + "' in vhost '" + ch.vhost().name() + "'");
        }
        return x;
    }

    static String describe(AmqpChannel ch, Exchange x) {
        return "exchange '" + x.name() + "' in vhost '" + ch.vhost().name() + "'";
    }

    static String describe(AmqpChannel ch, Queue q) {
        return "queue '" + q.name() + "' in vhost '" + ch.vhost().name() + "'";
    }
}
