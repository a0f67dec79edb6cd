package io.leveret.store.definitions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The model in memory, and the rules of a {@link Change}: what it needs to exist first, what it
 * cascades to. Each applied change yields the MapDB {@link Effect}s that mirror it. Not thread-safe:
 * the definition store confines it to its own thread.
 */
final class Model {
    enum Table { VHOSTS, USERS, PERMISSIONS, EXCHANGES, QUEUES, BINDINGS, POLICIES, TOPIC_PERMISSIONS, PARAMETERS }

    /** One MapDB entry to write ({@code value} non-null) or remove. */
    record Effect(Table table, byte[] key, byte[] value) {
    }

    private record Key(String first, String second) {
    }

    private record Key3(String first, String second, String third) {
    }

    private final Map<String, VhostDefinition> vhosts = new LinkedHashMap<>();
    private final Map<String, UserDefinition> users = new LinkedHashMap<>();
    private final Map<Key, PermissionDefinition> permissions = new LinkedHashMap<>();
    private final Map<Key, ExchangeDefinition> exchanges = new LinkedHashMap<>();
    private final Map<Key, QueueDefinition> queues = new LinkedHashMap<>();
    private final Set<BindingDefinition> bindings = new LinkedHashSet<>();
    private final Map<Key, PolicyDefinition> policies = new LinkedHashMap<>();
    private final Map<Key3, TopicPermissionDefinition> topicPermissions = new LinkedHashMap<>();
    private final Map<Key3, ParameterDefinition> parameters = new LinkedHashMap<>();

    /** Throws {@link IllegalArgumentException} naming the reason if {@code change} may not be applied. */
    void validate(Change change) {
        change.accept(new Validate());
    }

    /** What each kind of change needs to exist first. */
    private final class Validate implements Change.Handler<Void> {
        @Override
        public Void putVhost(Change.PutVhost c) {
            // nothing must exist first
            return null;
        }

        @Override
        public Void deleteVhost(Change.DeleteVhost c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putExchange(Change.PutExchange c) {
            ExchangeDefinition e = c.exchange();
            requireVhost(e.vhost());
            require(e.durable(), "only durable exchanges are stored: " + e.name());
            require(!e.name().isEmpty(), "the default exchange is implicit and never stored");
            require(!ExchangeDefinition.BUILT_IN.contains(e.name()),
                    "exchange '" + e.name() + "' is built into every vhost and never stored");
            return null;
        }

        @Override
        public Void deleteExchange(Change.DeleteExchange c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putQueue(Change.PutQueue c) {
            QueueDefinition q = c.queue();
            requireVhost(q.vhost());
            require(q.durable() && !q.exclusive(), "only durable, non-exclusive queues are stored: " + q.name());
            return null;
        }

        @Override
        public Void deleteQueue(Change.DeleteQueue c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putBinding(Change.PutBinding c) {
            BindingDefinition b = c.binding();
            requireVhost(b.vhost());
            require(hasExchange(b.vhost(), b.source()),
                    "binding source exchange '" + b.source() + "' is not stored in vhost '" + b.vhost() + "'");
            boolean destination = b.destinationKind() == BindingDefinition.DestinationKind.QUEUE
                    ? queues.containsKey(new Key(b.vhost(), b.destination()))
                    : hasExchange(b.vhost(), b.destination());
            require(destination, "binding destination " + b.destinationKind().name().toLowerCase() + " '"
                    + b.destination() + "' is not stored in vhost '" + b.vhost() + "'");
            return null;
        }

        @Override
        public Void deleteBinding(Change.DeleteBinding c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putUser(Change.PutUser c) {
            // nothing must exist first
            return null;
        }

        @Override
        public Void deleteUser(Change.DeleteUser c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putPermission(Change.PutPermission c) {
            requireVhost(c.permission().vhost());
            require(users.containsKey(c.permission().user()), "no user '" + c.permission().user() + "'");
            return null;
        }

        @Override
        public Void deletePermission(Change.DeletePermission c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putPolicy(Change.PutPolicy c) {
            requireVhost(c.policy().vhost());
            return null;
        }

        @Override
        public Void deletePolicy(Change.DeletePolicy c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putTopicPermission(Change.PutTopicPermission c) {
            requireVhost(c.permission().vhost());
            require(users.containsKey(c.permission().user()), "no user '" + c.permission().user() + "'");
            return null;
        }

        @Override
        public Void deleteTopicPermission(Change.DeleteTopicPermission c) {
            // deleting what is absent changes nothing
            return null;
        }

        @Override
        public Void putParameter(Change.PutParameter c) {
            requireVhost(c.parameter().vhost());
            return null;
        }

        @Override
        public Void deleteParameter(Change.DeleteParameter c) {
            // deleting what is absent changes nothing
            return null;
        }
    }

    /** Applies a validated change; returns the MapDB entries it writes and removes, none if it changed nothing. */
    List<Effect> apply(Change change) {
        List<Effect> effects = new ArrayList<>();
        change.accept(new Apply(effects));
        return effects;
    }

    /** Each kind of change on the maps, and what it cascades to, collecting the MapDB effects. */
    private final class Apply implements Change.Handler<Void> {
        private final List<Effect> effects;

        Apply(List<Effect> effects) {
            this.effects = effects;
        }

        @Override
        public Void putVhost(Change.PutVhost c) {
            put(effects, vhosts, c.vhost().name(), c.vhost(), Table.VHOSTS, key(c.vhost()), DefinitionCodec.encode(c.vhost()));
            return null;
        }

        @Override
        public Void deleteVhost(Change.DeleteVhost c) {
            if (vhosts.remove(c.name()) != null) {
                effects.add(new Effect(Table.VHOSTS, DefinitionCodec.key(c.name()), null));
                removeBindings(effects, b -> b.vhost().equals(c.name()));
                removeIf(effects, exchanges, Table.EXCHANGES, e -> e.vhost().equals(c.name()), Model::key);
                removeIf(effects, queues, Table.QUEUES, q -> q.vhost().equals(c.name()), Model::key);
                removeIf(effects, permissions, Table.PERMISSIONS, p -> p.vhost().equals(c.name()), Model::key);
                removeIf(effects, policies, Table.POLICIES, p -> p.vhost().equals(c.name()), Model::key);
                removeIf(effects, topicPermissions, Table.TOPIC_PERMISSIONS, p -> p.vhost().equals(c.name()),
                        Model::key);
                removeIf(effects, parameters, Table.PARAMETERS, p -> p.vhost().equals(c.name()), Model::key);
            }
            return null;
        }

        @Override
        public Void putExchange(Change.PutExchange c) {
            ExchangeDefinition e = c.exchange();
            put(effects, exchanges, new Key(e.vhost(), e.name()), e, Table.EXCHANGES, key(e), DefinitionCodec.encode(e));
            return null;
        }

        @Override
        public Void deleteExchange(Change.DeleteExchange c) {
            ExchangeDefinition removed = exchanges.remove(new Key(c.vhost(), c.name()));
            if (removed != null) {
                effects.add(new Effect(Table.EXCHANGES, key(removed), null));
                removeBindings(effects, b -> b.vhost().equals(c.vhost()) && (b.source().equals(c.name())
                        || (b.destinationKind() == BindingDefinition.DestinationKind.EXCHANGE
                        && b.destination().equals(c.name()))));
            }
            return null;
        }

        @Override
        public Void putQueue(Change.PutQueue c) {
            QueueDefinition q = c.queue();
            put(effects, queues, new Key(q.vhost(), q.name()), q, Table.QUEUES, key(q), DefinitionCodec.encode(q));
            return null;
        }

        @Override
        public Void deleteQueue(Change.DeleteQueue c) {
            QueueDefinition removed = queues.remove(new Key(c.vhost(), c.name()));
            if (removed != null) {
                effects.add(new Effect(Table.QUEUES, key(removed), null));
                removeBindings(effects, b -> b.vhost().equals(c.vhost())
                        && b.destinationKind() == BindingDefinition.DestinationKind.QUEUE
                        && b.destination().equals(c.name()));
            }
            return null;
        }

        @Override
        public Void putBinding(Change.PutBinding c) {
            if (bindings.add(c.binding())) {
                byte[] encoded = DefinitionCodec.encode(c.binding());
                effects.add(new Effect(Table.BINDINGS, encoded, encoded));
            }
            return null;
        }

        @Override
        public Void deleteBinding(Change.DeleteBinding c) {
            removeBindings(effects, c.binding()::equals);
            return null;
        }

        @Override
        public Void putUser(Change.PutUser c) {
            put(effects, users, c.user().name(), c.user(), Table.USERS, key(c.user()), DefinitionCodec.encode(c.user()));
            return null;
        }

        @Override
        public Void deleteUser(Change.DeleteUser c) {
            if (users.remove(c.name()) != null) {
                effects.add(new Effect(Table.USERS, DefinitionCodec.key(c.name()), null));
                removeIf(effects, permissions, Table.PERMISSIONS, p -> p.user().equals(c.name()), Model::key);
                removeIf(effects, topicPermissions, Table.TOPIC_PERMISSIONS, p -> p.user().equals(c.name()),
                        Model::key);
            }
            return null;
        }

        @Override
        public Void putPermission(Change.PutPermission c) {
            PermissionDefinition p = c.permission();
            put(effects, permissions, new Key(p.user(), p.vhost()), p, Table.PERMISSIONS, key(p), DefinitionCodec.encode(p));
            return null;
        }

        @Override
        public Void deletePermission(Change.DeletePermission c) {
            PermissionDefinition removed = permissions.remove(new Key(c.user(), c.vhost()));
            if (removed != null) {
                effects.add(new Effect(Table.PERMISSIONS, key(removed), null));
            }
            return null;
        }

        @Override
        public Void putPolicy(Change.PutPolicy c) {
            PolicyDefinition p = c.policy();
            put(effects, policies, new Key(p.vhost(), p.name()), p, Table.POLICIES, key(p), DefinitionCodec.encode(p));
            return null;
        }

        @Override
        public Void deletePolicy(Change.DeletePolicy c) {
            PolicyDefinition removed = policies.remove(new Key(c.vhost(), c.name()));
            if (removed != null) {
                effects.add(new Effect(Table.POLICIES, key(removed), null));
            }
            return null;
        }

        @Override
        public Void putTopicPermission(Change.PutTopicPermission c) {
            TopicPermissionDefinition p = c.permission();
            put(effects, topicPermissions, new Key3(p.user(), p.vhost(), p.exchange()), p, Table.TOPIC_PERMISSIONS,
                    key(p), DefinitionCodec.encode(p));
            return null;
        }

        @Override
        public Void deleteTopicPermission(Change.DeleteTopicPermission c) {
            TopicPermissionDefinition removed = topicPermissions.remove(new Key3(c.user(), c.vhost(), c.exchange()));
            if (removed != null) {
                effects.add(new Effect(Table.TOPIC_PERMISSIONS, key(removed), null));
            }
            return null;
        }

        @Override
        public Void putParameter(Change.PutParameter c) {
            ParameterDefinition p = c.parameter();
            put(effects, parameters, new Key3(p.vhost(), p.component(), p.name()), p, Table.PARAMETERS, key(p),
                    DefinitionCodec.encode(p));
            return null;
        }

        @Override
        public Void deleteParameter(Change.DeleteParameter c) {
            ParameterDefinition removed = parameters.remove(new Key3(c.vhost(), c.component(), c.name()));
            if (removed != null) {
                effects.add(new Effect(Table.PARAMETERS, key(removed), null));
            }
            return null;
        }
    }

    /** The changes that rebuild this model from nothing, parents before children. */
    List<Change> asChanges() {
        List<Change> changes = new ArrayList<>();
        vhosts.values().forEach(v -> changes.add(new Change.PutVhost(v)));
        users.values().forEach(u -> changes.add(new Change.PutUser(u)));
        permissions.values().forEach(p -> changes.add(new Change.PutPermission(p)));
        exchanges.values().forEach(e -> changes.add(new Change.PutExchange(e)));
        queues.values().forEach(q -> changes.add(new Change.PutQueue(q)));
        bindings.forEach(b -> changes.add(new Change.PutBinding(b)));
        policies.values().forEach(p -> changes.add(new Change.PutPolicy(p)));
        topicPermissions.values().forEach(p -> changes.add(new Change.PutTopicPermission(p)));
        parameters.values().forEach(p -> changes.add(new Change.PutParameter(p)));
        return changes;
    }

    /** The model sorted by identity, so equal models give equal snapshots whatever order they were built in. */
    Definitions snapshot() {
        return new Definitions(
                sorted(vhosts.values(), Comparator.comparing(VhostDefinition::name)),
                sorted(users.values(), Comparator.comparing(UserDefinition::name)),
                sorted(permissions.values(), Comparator.comparing(PermissionDefinition::user)
                        .thenComparing(PermissionDefinition::vhost)),
                sorted(exchanges.values(), Comparator.comparing(ExchangeDefinition::vhost)
                        .thenComparing(ExchangeDefinition::name)),
                sorted(queues.values(), Comparator.comparing(QueueDefinition::vhost).thenComparing(QueueDefinition::name)),
                sorted(bindings, Comparator.comparing(BindingDefinition::vhost).thenComparing(BindingDefinition::source)
                        .thenComparing(BindingDefinition::destinationKind).thenComparing(BindingDefinition::destination)
                        .thenComparing(BindingDefinition::routingKey)
                        .thenComparing((a, b) -> Arrays.compare(a.arguments().toByteArray(), b.arguments().toByteArray()))),
                sorted(policies.values(), Comparator.comparing(PolicyDefinition::vhost).thenComparing(PolicyDefinition::name)),
                sorted(topicPermissions.values(), Comparator.comparing(TopicPermissionDefinition::user)
                        .thenComparing(TopicPermissionDefinition::vhost).thenComparing(TopicPermissionDefinition::exchange)),
                sorted(parameters.values(), Comparator.comparing(ParameterDefinition::vhost)
                        .thenComparing(ParameterDefinition::component).thenComparing(ParameterDefinition::name)));
    }

    private static <T> List<T> sorted(Collection<T> values, Comparator<T> order) {
        List<T> list = new ArrayList<>(values);
        list.sort(order);
        return list;
    }

    int size() {
        return vhosts.size() + users.size() + permissions.size() + exchanges.size() + queues.size()
                + bindings.size() + policies.size() + topicPermissions.size() + parameters.size();
    }

    static byte[] key(VhostDefinition d) {
        return DefinitionCodec.key(d.name());
    }

    static byte[] key(UserDefinition d) {
        return DefinitionCodec.key(d.name());
    }

    static byte[] key(PermissionDefinition d) {
        return DefinitionCodec.key(d.user(), d.vhost());
    }

    static byte[] key(ExchangeDefinition d) {
        return DefinitionCodec.key(d.vhost(), d.name());
    }

    static byte[] key(QueueDefinition d) {
        return DefinitionCodec.key(d.vhost(), d.name());
    }

    static byte[] key(PolicyDefinition d) {
        return DefinitionCodec.key(d.vhost(), d.name());
    }

    static byte[] key(TopicPermissionDefinition d) {
        return DefinitionCodec.key(d.user(), d.vhost(), d.exchange());
    }

    static byte[] key(ParameterDefinition d) {
        return DefinitionCodec.key(d.vhost(), d.component(), d.name());
    }

    private static <K, V> void put(List<Effect> effects, Map<K, V> map, K key, V value, Table table, byte[] keyBytes,
                                   byte[] valueBytes) {
        if (!Objects.equals(map.put(key, value), value)) {
            effects.add(new Effect(table, keyBytes, valueBytes));
        }
    }

    private static <K, V> void removeIf(List<Effect> effects, Map<K, V> map, Table table, Predicate<V> which,
                                     java.util.function.Function<V, byte[]> key) {
        var it = map.values().iterator();
        while (it.hasNext()) {
            V value = it.next();
            if (which.test(value)) {
                it.remove();
                effects.add(new Effect(table, key.apply(value), null));
            }
        }
    }

    private void removeBindings(List<Effect> effects, Predicate<BindingDefinition> which) {
        var it = bindings.iterator();
        while (it.hasNext()) {
            BindingDefinition binding = it.next();
            if (which.test(binding)) {
                it.remove();
                effects.add(new Effect(Table.BINDINGS, DefinitionCodec.encode(binding), null));
            }
        }
    }

    /** A stored exchange, or one built into the (stored) vhost. */
    private boolean hasExchange(String vhost, String exchange) {
        return exchanges.containsKey(new Key(vhost, exchange)) || ExchangeDefinition.BUILT_IN.contains(exchange);
    }

    private void requireVhost(String vhost) {
        require(vhosts.containsKey(vhost), "no vhost '" + vhost + "'");
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            throw new IllegalArgumentException(reason);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Model m && vhosts.equals(m.vhosts) && users.equals(m.users)
                && permissions.equals(m.permissions) && exchanges.equals(m.exchanges) && queues.equals(m.queues)
                && bindings.equals(m.bindings) && policies.equals(m.policies)
                && topicPermissions.equals(m.topicPermissions) && parameters.equals(m.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vhosts, users, permissions, exchanges, queues, bindings, policies, topicPermissions,
                parameters);
    }
}
