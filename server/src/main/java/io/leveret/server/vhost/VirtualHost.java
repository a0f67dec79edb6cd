package io.leveret.server.vhost;

import io.leveret.codec.FieldTable;
import io.leveret.server.stats.VhostStats;
import io.leveret.store.definitions.BindingDefinition;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.ExchangeDefinition;
import io.leveret.store.definitions.QueueDefinition;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A virtual host: its exchanges, queues and bindings. Lookups (every publish) read concurrent maps without
 * locking; changes to the topology (declare, delete, bind, unbind: rare) take this object's monitor.
 */
public final class VirtualHost {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(VirtualHost.class);
    /** The exchanges every virtual host has, as RabbitMQ creates them. */
    private static final String[][] STANDARD_EXCHANGES = {
            {"amq.direct", "direct"}, {"amq.fanout", "fanout"}, {"amq.topic", "topic"},
            {"amq.headers", "headers"}, {"amq.match", "headers"},
    };

    private final String name;
    private final VhostStats stats;
    private final EventExecutorGroup queueExecutors;
    private final Exchange defaultExchange = Exchange.create("direct", "", true, false, false, FieldTable.EMPTY);
    private final ConcurrentHashMap<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ReplyTarget> replyTargets = new ConcurrentHashMap<>();

    /** The pseudo-queue of direct reply-to, and the prefix of the addresses it hands out. */
    public static final String REPLY_TO = "amq.rabbitmq.reply-to";
    public static final String REPLY_TO_PREFIX = REPLY_TO + ".";

    /** Null for a broker without storage (tests): then nothing is durable. */
    private final Persistence persistence;
    /** A completed write: what a change that stores nothing returns. */
    static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /**
     * Completes once every definition change handed to the store so far has been written or has failed and
     * been undone. It never fails itself: one failed change cannot fail another's reply. Guarded by this.
     */
    private CompletableFuture<Void> barrier = DONE;
    /** True while definitions are replayed at boot: they are in the store already. Guarded by this. */
    private boolean recovering;
    /** The policies and operator policies; replaced (under this object's monitor) when one is set or cleared. */
    private volatile Policies policies = Policies.NONE;

    public VirtualHost(String name, EventExecutorGroup queueExecutors) {
        this(name, queueExecutors, null);
    }

    public VirtualHost(String name, EventExecutorGroup queueExecutors, Persistence persistence) {
        this.name = name;
        this.stats = new VhostStats(name);
        this.queueExecutors = queueExecutors;
        this.persistence = persistence;
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

    /** The counters of this vhost's channels and connections, closed ones included. */
    public VhostStats stats() {
        return stats;
    }

    /** Null for a broker without storage. */
    public Persistence persistence() {
        return persistence;
    }

    /**
     * Completes, never exceptionally, once every definition change made so far is durable or undone: what a
     * reply waits on when its method changed nothing itself (a passive declare, an unbind of nothing).
     */
    public synchronized CompletableFuture<Void> persisted() {
        return barrier;
    }

    /** True if changes to durable objects are written to a store now. */
    private boolean storing() {
        return persistence != null && !recovering;
    }

    /**
     * Hands a change of durable objects to the store; {@code undo} takes the change back out of memory (under
     * this object's monitor) if the store cannot make it. The result completes once the change is durable, or
     * fails once it has been undone. Called with this object's monitor held, after memory was changed.
     */
    private CompletableFuture<Void> persist(Change change, Runnable undo) {
        if (!storing()) {
            return DONE;
        }
        CompletableFuture<Void> write;
        try {
            write = persistence.apply(change);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = write.handle((ok, failure) -> {
            if (failure == null) {
                return null;
            }
            LOG.error("vhost '{}': storing {} failed; it is undone", name, change, failure);
            synchronized (this) {
                undo.run();
            }
            throw failure instanceof java.util.concurrent.CompletionException c ? c
                    : new java.util.concurrent.CompletionException(failure);
        });
        barrier = done.exceptionally(failure -> null);
        return done;
    }

    /**
     * Makes a delete durable: {@code hidden} is what was already taken out of routing and lookups (reversible),
     * {@code restore} puts it back if the store cannot make the change, and {@code finish} (cancelling
     * consumers, dropping messages, deleting auto-delete exchanges left unused: not reversible) runs once it is
     * stored. Called with this object's monitor held.
     */
    private CompletableFuture<Void> persistDelete(Change change, Runnable restore, Runnable finish) {
        if (!storing()) {
            finish.run();
            return DONE;
        }
        return persist(change, restore).thenRun(() -> {
            synchronized (this) {
                finish.run();
            }
        });
    }

    /** Replays the stored definitions of this vhost through the same paths that AMQP uses, writing nothing. */
    public synchronized void recover(Definitions definitions) {
        recover(definitions, java.util.List.of());
    }

    /**
     * Replays the stored definitions of this vhost, with its stored policies and operator policies (read from
     * the store by the caller, which knows their JSON), writing nothing.
     */
    public synchronized void recover(Definitions definitions, java.util.List<Policy> storedPolicies) {
        recovering = true;
        try {
            for (Policy p : storedPolicies) {
                setPolicy(p);
            }
            for (ExchangeDefinition e : definitions.exchanges()) {
                if (e.vhost().equals(name) && !exchanges.containsKey(e.name())) {
                    declareExchange(e.type(), e.name(), e.durable(), e.autoDelete(), e.internal(),
                            Persistence.table(e.arguments()));
                }
            }
            for (QueueDefinition q : definitions.queues()) {
                if (q.vhost().equals(name)) {
                    declareQueue(q);
                }
            }
            for (BindingDefinition b : definitions.bindings()) {
                Exchange source = exchanges.get(b.source());
                Destination destination = b.destinationKind() == BindingDefinition.DestinationKind.QUEUE
                        ? queues.get(b.destination()) : exchanges.get(b.destination());
                if (b.vhost().equals(name) && source != null && destination != null) {
                    bind(source, destination, b.routingKey(), Persistence.table(b.arguments()));
                }
            }
        } finally {
            recovering = false;
        }
    }

    /** Declares a stored queue, remembering its home node if that is another one. Called with the monitor held. */
    private Queue declareQueue(QueueDefinition d) {
        String self = persistence == null ? "" : persistence.node();
        String home = d.node().isEmpty() || d.node().equals(self) ? null : d.node();
        return declareQueue(d.name(), d.durable(), d.autoDelete(), Persistence.table(d.arguments()), null, home);
    }

    /**
     * Makes a topology change another node committed through the cluster's metadata group (or one this node
     * submitted before it restarted): the same paths as a declare, delete, bind or unbind, writing nothing,
     * since the change is committed already. Repeating one changes nothing. Policies go through
     * {@link #committed(Runnable)}.
     */
    public synchronized void committed(Change change) {
        committed(() -> {
            if (change instanceof Change.PutExchange c) {
                ExchangeDefinition e = c.exchange();
                if (!exchanges.containsKey(e.name())) {
                    declareExchange(e.type(), e.name(), e.durable(), e.autoDelete(), e.internal(),
                            Persistence.table(e.arguments()));
                }
            } else if (change instanceof Change.DeleteExchange c) {
                Exchange e = exchanges.get(c.name());
                if (e != null && e.durable()) {
                    deleteExchange(e);
                }
            } else if (change instanceof Change.PutQueue c) {
                declareQueue(c.queue());
            } else if (change instanceof Change.DeleteQueue c) {
                Queue q = queues.get(c.name());
                if (q != null && q.durable()) {
                    deleteQueue(q);
                }
            } else if (change instanceof Change.PutBinding c) {
                BindingDefinition b = c.binding();
                Exchange source = exchanges.get(b.source());
                Destination destination = destination(b);
                if (source != null && destination != null) {
                    bind(source, destination, b.routingKey(), Persistence.table(b.arguments()));
                }
            } else if (change instanceof Change.DeleteBinding c) {
                BindingDefinition b = c.binding();
                Exchange source = exchanges.get(b.source());
                Destination destination = destination(b);
                if (source != null && destination != null) {
                    unbind(source, destination, b.routingKey(), Persistence.table(b.arguments()));
                }
            }
        });
    }

    /** Runs {@code change} (a policy set or cleared) as {@link #committed(Change)} does: writing nothing. */
    public synchronized void committed(Runnable change) {
        boolean was = recovering;
        recovering = true;
        try {
            change.run();
        } finally {
            recovering = was;
        }
    }

    private Destination destination(BindingDefinition b) {
        return b.destinationKind() == BindingDefinition.DestinationKind.QUEUE
                ? queues.get(b.destination()) : exchanges.get(b.destination());
    }

    /** The durable delayed exchange whose waiting messages the log keeps as {@code storeName}, or null. */
    public DelayedExchange delayedExchangeStoring(io.leveret.store.messages.QueueName storeName) {
        if (!storeName.name().startsWith("amq.delayed.")) {
            return null;
        }
        for (Exchange e : exchanges.values()) {
            if (e instanceof DelayedExchange d && e.durable()
                    && io.leveret.store.messages.QueueName.delayedExchange(name, e.name()).equals(storeName)) {
                return d;
            }
        }
        return null;
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
        if (!exchange.duplicate(message)) {
            routeAllKeys(exchange, message, out);
        }
        // An exchange's alternate-exchange takes what it could not route, along a chain without loops (RabbitMQ).
        Exchange current = exchange;
        Set<Exchange> visited = null;
        while (out.isEmpty()) {
            String ae = current.alternateExchange();
            Exchange alternate = ae == null ? null : exchanges.get(ae);
            if (alternate == null) {
                return;
            }
            if (visited == null) {
                visited = new java.util.HashSet<>();
                visited.add(exchange);
            }
            if (!visited.add(alternate)) {
                return;
            }
            routeAllKeys(alternate, message, out);
            current = alternate;
        }
    }

    private void routeAllKeys(Exchange exchange, Message message, Set<Queue> out) {
        FieldTable headers = message.properties().headers();
        if (headers == null || !(headers.containsKey("CC") || headers.containsKey("BCC"))) {
            routeKey(exchange, message, message.routingKey(), out);
            return;
        }
        // Sender-selected distribution (RabbitMQ): CC and BCC name more routing keys, and every exchange the
        // message reaches routes on all of them (rabbit_exchange:route passes the delivery's keys along).
        java.util.List<String> keys = new java.util.ArrayList<>();
        keys.add(message.routingKey());
        for (io.leveret.codec.FieldValue k : DeadLetters.routes(headers, "CC")) {
            keys.add(k.stringValue());
        }
        for (io.leveret.codec.FieldValue k : DeadLetters.routes(headers, "BCC")) {
            keys.add(k.stringValue());
        }
        if (exchange == defaultExchange) {
            for (String k : keys) {
                routeKey(exchange, message, k, out);
            }
        } else {
            exchange.routeInto(message, keys, out);
        }
    }

    private void routeKey(Exchange exchange, Message message, String routingKey, Set<Queue> out) {
        if (exchange == defaultExchange) {
            Queue q = queues.get(routingKey);
            if (q != null) {
                out.add(q);
            }
            return;
        }
        exchange.routeInto(message, routingKey, out);
    }

    /**
     * Publishes a message a queue dead-lettered (its reference is taken over): routed from its exchange as a
     * publish would be, without confirms or returns; queues it already died in without a rejection on the way
     * are left out (RabbitMQ's cycle detection). Runs on the dead-lettering queue's thread.
     */
    void deadLetter(Message dead, String reason) {
        Exchange x = exchanges.get(dead.exchange());
        if (x == null) {
            // A dead-letter exchange that does not exist drops the message, as in RabbitMQ.
            dead.release();
            return;
        }
        long delay = x instanceof DelayedExchange d ? DelayedExchange.delayOf(dead) : 0;
        if (delay > 0) {
            // Dead-lettered to a delayed exchange: it waits there, then is routed (without cycle detection).
            ((DelayedExchange) x).waiting().accept(dead, delay, failure -> { });
            return;
        }
        Set<Queue> targets = new java.util.LinkedHashSet<>();
        route(x, dead, targets);
        targets.removeIf(q -> DeadLetters.isCycle(dead, reason, q.name()));
        deliver(dead, targets);
    }

    /** Enqueues a broker-made message (whose reference is taken over) on {@code targets}, writing it to the log for durable ones. */
    void deliver(Message m, Set<Queue> targets) {
        if (targets.isEmpty()) {
            m.release();
            return;
        }
        io.leveret.store.messages.Location location = null;
        if (persistence != null) {
            java.util.List<io.leveret.store.messages.QueueName> durable = new java.util.ArrayList<>();
            for (Queue q : targets) {
                if (q.stores(m)) {
                    durable.add(q.storeName());
                }
            }
            if (!durable.isEmpty()) {
                try {
                    location = persistence.append(m, durable, failure -> {
                        if (failure != null) {
                            LOG.error("message log failed to write a dead-lettered message", failure);
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.error("message log refused a dead-lettered message; it is kept in memory only", e);
                }
            }
        }
        for (Queue q : targets) {
            m.retain();
            io.leveret.store.messages.Location l = q.stores(m) ? location : null;
            q.execute(() -> q.enqueue(m, l));
        }
        m.release();
    }

    /**
     * Routes and enqueues a message the broker publishes on a client's behalf (the management API's publish),
     * taking over its reference; returns how many queues it reached.
     */
    public int publish(Exchange exchange, Message m) {
        Set<Queue> targets = new java.util.LinkedHashSet<>();
        route(exchange, m, targets);
        int routed = targets.size();
        deliver(m, targets);
        return routed;
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
        if (e instanceof DelayedExchange d) {
            d.attach(new DelayedMessages(this, d, queueExecutors.next()));
        }
        exchanges.put(exchangeName, e);
        e.policyAlternate(alternateExchange(policies, e));
        if (durable) {
            e.stored(persist(new Change.PutExchange(Persistence.definition(this, e)), () -> {
                if (exchanges.get(e.name()) == e) {
                    finishExchange(e, hideExchange(e));
                }
            }));
        }
        return e;
    }

    /**
     * Deletes an exchange and every binding from or to it: gone from lookups and routing at once, for good once
     * that is durable (the store drops the exchange's bindings with it), back as it was if it cannot be.
     */
    public synchronized CompletableFuture<Void> deleteExchange(Exchange e) {
        if (exchanges.get(e.name()) != e) {
            return barrier;
        }
        HiddenExchange hidden = hideExchange(e);
        if (!e.durable()) {
            finishExchange(e, hidden);
            return DONE;
        }
        return persistDelete(new Change.DeleteExchange(name, e.name()), () -> restoreExchange(e, hidden),
                () -> finishExchange(e, hidden));
    }

    /** The bindings an exchange had when it was taken out, to put back if its delete cannot be stored. */
    private record HiddenExchange(List<Binding> outgoing, List<Binding> incoming) {
    }

    /** Takes an exchange out of lookups and routing, with its bindings. Called with the monitor held. */
    private HiddenExchange hideExchange(Exchange e) {
        exchanges.remove(e.name(), e);
        List<Binding> outgoing = e.bindings();
        outgoing.forEach(e::unbind);
        List<Binding> incoming = e.incoming();
        incoming.forEach(b -> b.source().unbind(b));
        return new HiddenExchange(outgoing, incoming);
    }

    private void finishExchange(Exchange e, HiddenExchange hidden) {
        // Bindings a concurrent restore of one of its ends put back onto this exchange go with it.
        e.bindings().forEach(e::unbind);
        e.incoming().forEach(b -> b.source().unbind(b));
        if (e instanceof DelayedExchange d) {
            d.waiting().drop();
        }
        hidden.incoming().forEach(b -> autoDeleteIfUnused(b.source()));
    }

    /** Puts back an exchange whose delete could not be stored (unless its name was taken meanwhile). */
    private void restoreExchange(Exchange e, HiddenExchange hidden) {
        if (exchanges.putIfAbsent(e.name(), e) != null) {
            finishExchange(e, hidden);
            return;
        }
        hidden.outgoing().stream().filter(b -> notReplaced(b.destination())).forEach(e::bind);
        hidden.incoming().stream().filter(b -> notReplaced(b.source())).forEach(b -> b.source().bind(b));
    }

    /**
     * True if {@code d} is this vhost's exchange or queue of its name, or one whose delete is being stored (a
     * binding put back to it goes again when that delete is done): a restore puts back the bindings to both.
     */
    private boolean notReplaced(Destination d) {
        Destination current = d instanceof Queue q ? queues.get(q.name()) : exchanges.get(d.name());
        return current == null || current == d;
    }

    /** The executor a new queue lives on: see {@link QueuePlacement}. */
    private EventExecutor executorForNewQueue() {
        return QueuePlacement.place(queueExecutors);
    }

    /** Returns the existing queue of that name, or declares a new one. The caller checks equivalence. */
    public synchronized Queue declareQueue(String queueName, boolean durable, boolean autoDelete,
                                           FieldTable arguments, Object exclusiveOwner) {
        return declareQueue(queueName, durable, autoDelete, arguments, exclusiveOwner, null);
    }

    /** As the public declareQueue; {@code remoteHome} is set before the queue can be found (null: this node's). */
    private Queue declareQueue(String queueName, boolean durable, boolean autoDelete, FieldTable arguments,
                               Object exclusiveOwner, String remoteHome) {
        Queue existing = queues.get(queueName);
        stats.queueDeclared(existing == null);
        if (existing != null) {
            return existing;
        }
        FieldTable policy = policies.effective(true, queueName);
        Queue q = new Queue(this, queueName, durable, autoDelete, arguments,
                QueueArguments.effective(arguments, policy), exclusiveOwner, executorForNewQueue());
        q.policy(policy);
        if (remoteHome != null) {
            q.remoteHome(remoteHome);
        }
        queues.put(queueName, q);
        if (q.settings().expires() >= 0) {
            q.execute(q::touch);
        }
        if (durable) {
            q.stored(persist(new Change.PutQueue(Persistence.definition(this, q)), () -> {
                if (queues.get(q.name()) == q) {
                    finishQueue(q, hideQueue(q));
                }
            }));
        }
        return q;
    }

    /**
     * Deletes a queue and its bindings: gone from lookups and routing at once; once that is durable (the store
     * drops the queue's bindings with it) its consumers are cancelled and its messages freed; back as it was if
     * it cannot be stored.
     */
    public synchronized CompletableFuture<Void> deleteQueue(Queue q) {
        if (queues.get(q.name()) != q) {
            return barrier;
        }
        stats.queueDeleted();
        List<Binding> bindings = hideQueue(q);
        if (!q.durable()) {
            finishQueue(q, bindings);
            return DONE;
        }
        return persistDelete(new Change.DeleteQueue(name, q.name()), () -> restoreQueue(q, bindings),
                () -> finishQueue(q, bindings));
    }

    /** Takes a queue out of lookups and routing; returns the bindings it had. Called with the monitor held. */
    private List<Binding> hideQueue(Queue q) {
        queues.remove(q.name(), q);
        List<Binding> bindings = q.bindings();
        bindings.forEach(b -> b.source().unbind(b));
        return bindings;
    }

    /** Frees a hidden queue: its messages (in the log too), its consumers, auto-delete sources left unused. */
    private void finishQueue(Queue q, List<Binding> bindings) {
        q.bindings().forEach(b -> b.source().unbind(b)); // put back meanwhile by a restore of their exchange
        if (q.durable() && persistence != null) {
            persistence.messages().dropQueue(q.storeName());
        }
        bindings.forEach(b -> autoDeleteIfUnused(b.source()));
        q.execute(q::onDeleted);
        QueuePlacement.removed(q.executor());
    }

    /**
     * This vhost was deleted from the store, which removed everything in it: frees every queue (its
     * messages in the log too) and cancels its consumers, writing no further change.
     */
    public synchronized void discard() {
        for (Queue q : List.copyOf(queues.values())) {
            finishQueue(q, hideQueue(q));
        }
    }

    /** Puts back a queue whose delete could not be stored (unless its name was taken meanwhile). */
    private void restoreQueue(Queue q, List<Binding> bindings) {
        if (queues.putIfAbsent(q.name(), q) != null) {
            finishQueue(q, bindings);
            return;
        }
        bindings.stream().filter(b -> notReplaced(b.source())).forEach(b -> b.source().bind(b));
    }

    /**
     * Adds a binding (one that exists already is left as it is); the result completes once it is durable, or
     * fails once the binding is gone again because the store could not keep it.
     */
    public synchronized CompletableFuture<Void> bind(Exchange source, Destination destination, String routingKey,
                                                     FieldTable args) {
        Binding b = new Binding(source, destination, routingKey, args);
        if (!source.bind(b)) {
            return barrier;
        }
        if (!Persistence.durable(b)) {
            return DONE;
        }
        return persist(new Change.PutBinding(Persistence.definition(this, b)), () -> {
            if (source.unbind(b)) {
                autoDeleteIfUnused(source);
            }
        });
    }

    /**
     * Removes a binding (absent is fine, as in RabbitMQ): it stops routing at once; an auto-delete source goes
     * with its last binding once the removal is durable; the binding is back if it cannot be stored.
     */
    public synchronized CompletableFuture<Void> unbind(Exchange source, Destination destination, String routingKey,
                                                       FieldTable args) {
        Binding b = new Binding(source, destination, routingKey, args);
        if (!source.unbind(b)) {
            return barrier;
        }
        Runnable finish = () -> autoDeleteIfUnused(source);
        if (!Persistence.durable(b)) {
            finish.run();
            return DONE;
        }
        return persistDelete(new Change.DeleteBinding(Persistence.definition(this, b)), () -> source.bind(b), finish);
    }

    /** The policies and operator policies of this vhost now. */
    public Policies policies() {
        return policies;
    }

    /**
     * Sets a policy or operator policy (replacing the one of the same name), durably, and applies what it
     * changes to every queue and exchange at once: each queue whose settings change gets them on its own
     * thread ({@link Queue#applySettings}); a declare's redeclare check still compares only the arguments.
     */
    public synchronized CompletableFuture<Void> setPolicy(Policy p) {
        Policy previous = policies.get(p.name(), p.operator());
        policies = policies.with(p);
        reapplyPolicies();
        Change change = p.operator()
                ? new Change.PutParameter(new io.leveret.store.definitions.ParameterDefinition(name,
                        Policy.OPERATOR_COMPONENT, p.name(), p.stored()))
                : new Change.PutPolicy(new io.leveret.store.definitions.PolicyDefinition(name, p.name(),
                        p.pattern(), p.applyTo().wireName(), p.priority(), p.stored()));
        return persist(change, () -> restorePolicy(p.name(), p.operator(), previous));
    }

    /**
     * Clears a policy or operator policy, durably; queues and exchanges it applied to go back to the rest.
     * The result completes once that is durable.
     */
    public synchronized CompletableFuture<Void> clearPolicy(String policyName, boolean operator) {
        Policy previous = policies.get(policyName, operator);
        if (previous == null) {
            return barrier;
        }
        policies = policies.without(policyName, operator);
        reapplyPolicies();
        return persist(operator ? new Change.DeleteParameter(name, Policy.OPERATOR_COMPONENT, policyName)
                : new Change.DeletePolicy(name, policyName), () -> restorePolicy(policyName, operator, previous));
    }

    /** Puts back the policy a failed change replaced or cleared ({@code previous} null: there was none). */
    private void restorePolicy(String policyName, boolean operator, Policy previous) {
        policies = previous == null ? policies.without(policyName, operator) : policies.with(previous);
        reapplyPolicies();
    }

    /** Hands each queue whose settings changed its new ones, and each exchange its policy's alternate-exchange. */
    private void reapplyPolicies() {
        Policies now = policies;
        for (Queue q : queues.values()) {
            // As RabbitMQ, only the queues whose policy changed hear of it (their x-expires timer restarts).
            FieldTable policy = now.effective(true, q.name());
            if (!policy.equals(q.policy())) {
                q.policy(policy);
                QueueArguments next = QueueArguments.effective(q.arguments(), policy);
                q.execute(() -> q.applySettings(next));
            }
        }
        for (Exchange e : exchanges.values()) {
            e.policyAlternate(alternateExchange(now, e));
        }
    }

    private static String alternateExchange(Policies policies, Exchange e) {
        io.leveret.codec.FieldValue ae = policies.effective(false, e.name()).field("alternate-exchange");
        return ae == null ? null : ae.stringValue();
    }

    private void autoDeleteIfUnused(Exchange e) {
        if (e.autoDelete() && !e.hasBindings()) {
            deleteExchange(e);
        }
    }
}
