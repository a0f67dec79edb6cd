package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A virtual host: its exchanges, queues and bindings. Lookups (every publish) read concurrent maps without
 * locking; changes to the topology (declare, delete, bind, unbind: rare) take this object's monitor.
 */
public final class VirtualHost {
    /** The exchanges every virtual host has, as RabbitMQ creates them. */
    private static final String[][] STANDARD_EXCHANGES = {
            {"amq.direct", "direct"}, {"amq.fanout", "fanout"}, {"amq.topic", "topic"},
            {"amq.headers", "headers"}, {"amq.match", "headers"},
    };

    private final String name;
    private final EventExecutorGroup queueExecutors;
    private final Exchange defaultExchange = Exchange.create("direct", "", true, false, false, FieldTable.EMPTY);
    private final ConcurrentHashMap<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ReplyTarget> replyTargets = new ConcurrentHashMap<>();

    /** The pseudo-queue of direct reply-to, and the prefix of the addresses it hands out. */
    public static final String REPLY_TO = "amq.rabbitmq.reply-to";
    public static final String REPLY_TO_PREFIX = REPLY_TO + ".";

    public VirtualHost(String name, EventExecutorGroup queueExecutors) {
        this.name = name;
        this.queueExecutors = queueExecutors;
        exchanges.put("", defaultExchange);
        for (String[] e : STANDARD_EXCHANGES) {
            exchanges.put(e[0], Exchange.create(e[1], e[0], true, false, false, FieldTable.EMPTY));
        }
        exchanges.put("amq.rabbitmq.trace",
                Exchange.create("topic", "amq.rabbitmq.trace", true, false, true, FieldTable.EMPTY));
    }

    public String name() {
        return name;
    }

    public Exchange defaultExchange() {
        return defaultExchange;
    }

    /** The exchange called {@code name} ("" is the default exchange), or null. */
    public Exchange exchange(String exchangeName) {
        return exchanges.get(exchangeName);
    }

    public Queue queue(String queueName) {
        return queues.get(queueName);
    }

    public Collection<Queue> queues() {
        return queues.values();
    }

    public Collection<Exchange> exchanges() {
        return exchanges.values();
    }

    /**
     * Adds the queues {@code message} reaches from {@code exchange} to {@code out}. The default exchange
     * routes to the queue named by the routing key, as if every queue were bound to it by its name.
     */
    public void route(Exchange exchange, Message message, Set<Queue> out) {
        if (exchange == defaultExchange) {
            Queue q = queues.get(message.routingKey());
            if (q != null) {
                out.add(q);
            }
            return;
        }
        exchange.routeInto(message, out);
    }

    /** Registers a direct reply-to consumer under {@code suffix} (its address is the prefix plus suffix). */
    public void addReplyTarget(String suffix, ReplyTarget target) {
        replyTargets.put(suffix, target);
    }

    public void removeReplyTarget(String suffix) {
        replyTargets.remove(suffix);
    }

    /** The reply consumer a default-exchange routing key addresses, or null. */
    public ReplyTarget replyTarget(String routingKey) {
        return routingKey.startsWith(REPLY_TO_PREFIX)
                ? replyTargets.get(routingKey.substring(REPLY_TO_PREFIX.length())) : null;
    }

    /** Returns the existing exchange of that name, or declares a new one. The caller checks equivalence. */
    public synchronized Exchange declareExchange(String type, String exchangeName, boolean durable,
                                                 boolean autoDelete, boolean internal, FieldTable arguments) {
        Exchange existing = exchanges.get(exchangeName);
        if (existing != null) {
            return existing;
        }
        Exchange e = Exchange.create(type, exchangeName, durable, autoDelete, internal, arguments);
        if (e == null) {
            throw new IllegalArgumentException("unknown exchange type " + type);
        }
        exchanges.put(exchangeName, e);
        return e;
    }

    /** Deletes an exchange and every binding from or to it. */
    public synchronized void deleteExchange(Exchange e) {
        if (!exchanges.remove(e.name(), e)) {
            return;
        }
        for (Binding b : e.bindings()) {
            e.unbind(b);
        }
        for (Binding b : e.incoming()) {
            b.source().unbind(b);
            autoDeleteIfUnused(b.source());
        }
    }

    /** Returns the existing queue of that name, or declares a new one. The caller checks equivalence. */
    public synchronized Queue declareQueue(String queueName, boolean durable, boolean autoDelete,
                                           FieldTable arguments, Object exclusiveOwner) {
        Queue existing = queues.get(queueName);
        if (existing != null) {
            return existing;
        }
        Queue q = new Queue(this, queueName, durable, autoDelete, arguments, exclusiveOwner, queueExecutors.next());
        queues.put(queueName, q);
        return q;
    }

    /** Forgets a queue and its bindings, then lets the queue free its messages and cancel its consumers. */
    public synchronized void deleteQueue(Queue q) {
        if (!queues.remove(q.name(), q)) {
            return;
        }
        for (Binding b : q.bindings()) {
            b.source().unbind(b);
            autoDeleteIfUnused(b.source());
        }
        q.execute(q::onDeleted);
    }

    /** Adds a binding; returns false if it already existed. */
    public synchronized boolean bind(Exchange source, Destination destination, String routingKey, FieldTable args) {
        return source.bind(new Binding(source, destination, routingKey, args));
    }

    /** Removes a binding (absent is fine, as in RabbitMQ); an auto-delete source goes with its last binding. */
    public synchronized void unbind(Exchange source, Destination destination, String routingKey, FieldTable args) {
        if (source.unbind(new Binding(source, destination, routingKey, args))) {
            autoDeleteIfUnused(source);
        }
    }

    private void autoDeleteIfUnused(Exchange e) {
        if (e.autoDelete() && !e.hasBindings()) {
            deleteExchange(e);
        }
    }
}
