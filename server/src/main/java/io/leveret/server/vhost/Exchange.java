package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.server.stats.ExchangeCounters;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An exchange: it routes a message to destinations by its bindings. The bindings live in an immutable
 * routing snapshot behind a volatile reference, rebuilt on bind and unbind (rare), so that routing (every
 * publish, from every connection's thread) takes no lock.
 */
public abstract sealed class Exchange implements Destination
        permits DirectExchange, FanoutExchange, TopicExchange, HeadersExchange, DelayedExchange {

    /** The first hop's destinations, reused by each thread that routes. */
    private static final ThreadLocal<Set<Destination>> SCRATCH = ThreadLocal.withInitial(java.util.HashSet::new);

    private final String name;
    private final boolean durable;
    private final boolean autoDelete;
    private final boolean internal;
    private final FieldTable arguments;
    /** The alternate-exchange a policy gives this exchange, or null; set by the vhost when policies change. */
    private volatile String policyAlternate;
    /** Null unless x-message-deduplication is on: then a publish looks its key up here first. */
    private final DeduplicationCache deduplication;
    /** Guarded by this; the routing snapshot is rebuilt from it. */
    private final List<Binding> bindings = new ArrayList<>();
    /** Bindings where this exchange is the destination, so that deleting it can remove them. Guarded by this. */
    private final List<Binding> incoming = new ArrayList<>();
    /** The write that stored this exchange's declaration; complete for one never stored. */
    private volatile java.util.concurrent.CompletableFuture<Void> stored = VirtualHost.DONE;
    private final ExchangeCounters counters = new ExchangeCounters();

    protected Exchange(String name, boolean durable, boolean autoDelete, boolean internal, FieldTable arguments) {
        this.name = name;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.internal = internal;
        this.arguments = arguments;
        this.deduplication = Deduplication.exchangeCache(arguments);
    }

    /**
     * Creates an exchange of a type RabbitMQ ships, or the delayed message plugin's (whose x-delayed-type the
     * caller checked); returns null for an unknown type.
     */
    public static Exchange create(String type, String name, boolean durable, boolean autoDelete, boolean internal,
                                  FieldTable arguments) {
        if (type.equals(DelayedExchange.TYPE)) {
            String routing = DelayedExchange.routingType(arguments);
            return routing == null ? null : new DelayedExchange(name, durable, autoDelete, internal, arguments,
                    create(routing, name, durable, autoDelete, internal, arguments));
        }
        return switch (type) {
            case "direct" -> new DirectExchange(name, durable, autoDelete, internal, arguments);
            case "fanout" -> new FanoutExchange(name, durable, autoDelete, internal, arguments);
            case "topic" -> new TopicExchange(name, durable, autoDelete, internal, arguments);
            case "headers" -> new HeadersExchange(name, durable, autoDelete, internal, arguments);
            default -> null;
        };
    }

    @Override
    public String name() {
        return name;
    }

    public abstract String type();

    /** publish_in and publish_out, written by every publishing connection. */
    public ExchangeCounters counters() {
        return counters;
    }

    /**
     * Completes once the declaration that made this exchange is durable; fails if it could not be stored
     * (the exchange is gone again then). A declare-ok, even a redeclare's, waits for it.
     */
    public java.util.concurrent.CompletableFuture<Void> stored() {
        return stored;
    }

    void stored(java.util.concurrent.CompletableFuture<Void> write) {
        stored = write;
    }

    public boolean durable() {
        return durable;
    }

    public boolean autoDelete() {
        return autoDelete;
    }

    public boolean internal() {
        return internal;
    }

    public FieldTable arguments() {
        return arguments;
    }

    /**
     * The exchange that takes what this one cannot route, or null: the alternate-exchange argument if there is
     * one, else a policy's (rabbit_policy:get_arg: the argument wins).
     */
    public String alternateExchange() {
        io.leveret.codec.FieldValue ae = arguments.field("alternate-exchange");
        if (ae != null) {
            return ae.type() == 'S' || ae.type() == 'x' ? ae.stringValue() : null;
        }
        return policyAlternate;
    }

    void policyAlternate(String alternate) {
        policyAlternate = alternate;
    }

    /**
     * True if this exchange deduplicates and saw {@code message}'s key within the cache's TTL: it then routes
     * nowhere (the plugin's route returns no queues). Otherwise the key is remembered. Thread-safe.
     */
    public final boolean duplicate(Message message) {
        if (deduplication == null) {
            return false;
        }
        String key = Deduplication.key(message);
        return key != null && !deduplication.firstSeen(key, Deduplication.messageTtl(message), System.currentTimeMillis());
    }

    /** Adds the destinations this exchange's own bindings select for {@code message} under {@code routingKey}. */
    protected abstract void route(Message message, String routingKey, Set<Destination> out);

    /** Rebuilds the routing snapshot from {@code current}. Called with this exchange's monitor held. */
    protected abstract void rebuild(List<Binding> current);

    /** Routes through this exchange and any exchanges bound to it, adding the queues reached to {@code queues}. */
    public final void routeInto(Message message, Set<Queue> queues) {
        routeInto(message, message.routingKey(), queues);
    }

    /** Routes {@code message} as if published with {@code routingKey}. */
    public final void routeInto(Message message, String routingKey, Set<Queue> queues) {
        // Every publish comes through here: the first hop goes into a per-thread scratch set, and only
        // exchange-to-exchange bindings (rare) cost allocations.
        Set<Destination> reached = SCRATCH.get();
        try {
            route(message, routingKey, reached);
            List<Exchange> exchanges = queuesAndExchanges(reached, queues);
            if (exchanges != null) {
                followExchanges(message, List.of(routingKey), exchanges, queues);
            }
        } finally {
            reached.clear();
        }
    }

    /**
     * Routes {@code message} under each of {@code routingKeys} (its own and its CC and BCC keys: RabbitMQ's
     * sender-selected distribution), here and at every exchange bound to this one: like RabbitMQ, each
     * exchange on the way routes on all the keys, not only on the one that led to it.
     */
    public final void routeInto(Message message, List<String> routingKeys, Set<Queue> queues) {
        Set<Destination> reached = SCRATCH.get();
        try {
            for (String routingKey : routingKeys) {
                route(message, routingKey, reached);
            }
            List<Exchange> exchanges = queuesAndExchanges(reached, queues);
            if (exchanges != null) {
                followExchanges(message, routingKeys, exchanges, queues);
            }
        } finally {
            reached.clear();
        }
    }

    /** Adds the queues of {@code reached} to {@code queues}; returns its exchanges, or null if none. */
    private static List<Exchange> queuesAndExchanges(Set<Destination> reached, Set<Queue> queues) {
        List<Exchange> exchanges = null;
        for (Destination d : reached) {
            if (d instanceof Queue q) {
                queues.add(q);
            } else {
                if (exchanges == null) {
                    exchanges = new ArrayList<>();
                }
                exchanges.add((Exchange) d);
            }
        }
        return exchanges;
    }

    /** Routes on through bound exchanges, each at most once (so that cycles end), under every routing key. */
    private void followExchanges(Message message, List<String> routingKeys, List<Exchange> work, Set<Queue> queues) {
        Set<Exchange> visited = new java.util.HashSet<>();
        visited.add(this);
        for (int i = 0; i < work.size(); i++) {
            Exchange e = work.get(i);
            if (!visited.add(e)) {
                continue;
            }
            if (e instanceof DelayedExchange d && DelayedExchange.delayOf(message) > 0) {
                // A delayed exchange further down waits with the message (once, whatever its keys), then routes it.
                if (d.waiting() != null) {
                    message.retain();
                    d.waiting().accept(message, DelayedExchange.delayOf(message), failure -> { });
                }
                continue;
            }
            Set<Destination> next = new java.util.LinkedHashSet<>();
            for (String routingKey : routingKeys) {
                e.route(message, routingKey, next);
            }
            for (Destination d : next) {
                if (d instanceof Queue q) {
                    queues.add(q);
                } else {
                    work.add((Exchange) d);
                }
            }
        }
    }

    /** Adds a binding; returns false if an identical one exists. */
    public synchronized boolean bind(Binding binding) {
        if (bindings.contains(binding)) {
            return false;
        }
        bindings.add(binding);
        if (binding.destination() instanceof Exchange e) {
            e.addIncoming(binding);
        } else if (binding.destination() instanceof Queue q) {
            q.addBinding(binding);
        }
        rebuild(List.copyOf(bindings));
        return true;
    }

    /** Removes a binding; returns false if there was none. */
    public synchronized boolean unbind(Binding binding) {
        if (!bindings.remove(binding)) {
            return false;
        }
        if (binding.destination() instanceof Exchange e) {
            e.removeIncoming(binding);
        } else if (binding.destination() instanceof Queue q) {
            q.removeBinding(binding);
        }
        rebuild(List.copyOf(bindings));
        return true;
    }

    public synchronized boolean hasBindings() {
        return !bindings.isEmpty();
    }

    /** True if this exchange is the source or destination of any binding (exchange.delete if-unused). */
    public synchronized boolean inUse() {
        return !bindings.isEmpty() || !incoming.isEmpty();
    }

    public synchronized List<Binding> bindings() {
        return List.copyOf(bindings);
    }

    synchronized List<Binding> incoming() {
        return List.copyOf(incoming);
    }

    private synchronized void addIncoming(Binding b) {
        incoming.add(b);
    }

    private synchronized void removeIncoming(Binding b) {
        incoming.remove(b);
    }

    @Override
    public String toString() {
        return "exchange '" + name + "'";
    }
}
