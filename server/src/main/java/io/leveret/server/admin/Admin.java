package io.leveret.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.definitions.PolicyForm;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.Limits;
import io.leveret.server.protocol.OpenConnections;
import io.leveret.server.security.PasswordHash;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.User;
import io.leveret.server.security.UserDatabase;
import io.leveret.server.vhost.Policy;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.ParameterDefinition;
import io.leveret.store.definitions.PermissionDefinition;
import io.leveret.store.definitions.PolicyDefinition;
import io.leveret.store.definitions.TopicPermissionDefinition;
import io.leveret.store.definitions.UserDefinition;
import io.leveret.store.definitions.VhostDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to change users, permissions, topic permissions, limits, policies and vhosts while the broker
 * runs (the management API and leveretctl call it). Each change is checked first and refused with an
 * {@link AdminException} before anything changes; then it is written to the definitions store, and only
 * once it is durable does the running broker see it, so a change the store refuses changes nothing.
 * Effects follow RabbitMQ: a deleted user's or vhost's connections are closed with 320 CONNECTION_FORCED,
 * a changed permission is what every channel's next uncached check reads, new limits hold for the next
 * connection, channel or queue (open ones stay), and a policy applies to existing queues and exchanges.
 *
 * <p>Changes are submitted under this object's monitor and applied in the order the store wrote them.
 */
public final class Admin {
    private static final Logger LOG = LoggerFactory.getLogger(Admin.class);
    /** RabbitMQ's vhost-limits parameter: component and the one name it is stored under. */
    static final String VHOST_LIMITS = "vhost-limits";
    static final String VHOST_LIMITS_NAME = "limits";
    public static final Set<String> VHOST_LIMIT_NAMES = Set.of("max-connections", "max-queues");
    public static final Set<String> USER_LIMIT_NAMES = Set.of("max-connections", "max-channels");

    private final DefinitionStore store;
    final UserDatabase users;
    final Limits limits;
    final Map<String, VirtualHost> vhosts;
    final OpenConnections connections;
    final Function<String, VirtualHost> newVhost;
    /** Each user's limits as set (negative values included), by user; what GET user-limits shows. */
    final Map<String, Map<String, Integer>> userLimits = new ConcurrentHashMap<>();
    /** Each vhost's limits as set, by vhost. */
    final Map<String, Map<String, Integer>> vhostLimits = new ConcurrentHashMap<>();
    /**
     * Limits as last asked for, by user and by vhost, while their write is under way (under this monitor): a
     * second change asked for before the first is stored builds on it instead of on the stored limits.
     */
    private final Map<String, Map<String, Integer>> askedUserLimits = new HashMap<>();
    private final Map<String, Map<String, Integer>> askedVhostLimits = new HashMap<>();

    /**
     * @param store       null for a broker without storage (tests): changes are then made in memory alone
     * @param vhosts      the live vhost map every connection reads
     * @param newVhost    makes the running vhost for a name, when one is added
     * @param stored      the definitions read at boot, for the limits as they were set
     */
    public Admin(DefinitionStore store, UserDatabase users, Limits limits, Map<String, VirtualHost> vhosts,
                 OpenConnections connections, Function<String, VirtualHost> newVhost, Definitions stored) {
        this.store = store;
        this.users = users;
        this.limits = limits;
        this.vhosts = vhosts;
        this.connections = connections;
        this.newVhost = newVhost;
        for (UserDefinition u : stored.users()) {
            if (!u.limits().isEmpty()) {
                userLimits.put(u.name(), Map.copyOf(u.limits()));
            }
        }
        for (ParameterDefinition p : stored.parameters()) {
            if (p.component().equals(VHOST_LIMITS)) {
                vhostLimits.put(p.vhost(), limitsOf(StoredForm.json(p.value())));
            }
        }
    }

    // ---- users ----

    /**
     * Adds a user or changes one's password and tags (its permissions and limits stay). {@code password} null
     * is a user who cannot log in with a password, as RabbitMQ's password_hash "". Connections of the user stay
     * open, as in RabbitMQ.
     */
    public synchronized CompletableFuture<Void> putUser(String name, PasswordHash password, List<String> tags) {
        if (name == null || name.isEmpty()) {
            return failed(AdminException.badRequest("user name must not be empty"));
        }
        User user = new User(name, password, tags);
        UserDefinition d = new UserDefinition(name, StoredForm.password(password), tags,
                userLimits.getOrDefault(name, Map.of()));
        return write(new Change.PutUser(d), () -> users.putUser(user));
    }

    /** Deletes a user with its permissions, topic permissions and limits, and closes its connections. */
    public synchronized CompletableFuture<Void> deleteUser(String name) {
        if (users.user(name) == null) {
            return failed(AdminException.notFound("no user '" + name + "'"));
        }
        return write(new Change.DeleteUser(name), () -> userGone(name));
    }

    /** A deleted user leaves memory: its permissions, its limits, its connections. */
    void userGone(String name) {
        users.deleteUser(name);
        userLimits.remove(name);
        limits.setUserLimits(name, Limits.UserLimits.NONE);
        int closed = connections.closeWhere((u, v) -> name.equals(u), "user '" + name + "' is deleted");
        LOG.info("user '{}' deleted; {} of its connections closed", name, closed);
    }

    // ---- permissions ----

    public synchronized CompletableFuture<Void> setPermission(String user, String vhost, Permission p) {
        AdminException missing = missing(user, vhost);
        if (missing != null) {
            return failed(missing);
        }
        return write(new Change.PutPermission(new PermissionDefinition(user, vhost, p.configure(), p.write(),
                p.read())), () -> users.setPermission(user, vhost, p));
    }

    /**
     * Clears a user's permissions in a vhost. Open connections stay; each channel refuses the next check it has
     * not cached, as RabbitMQ's channels do.
     */
    public synchronized CompletableFuture<Void> clearPermission(String user, String vhost) {
        if (users.permission(user, vhost) == null) {
            return failed(AdminException.notFound("user '" + user + "' has no permissions in vhost '" + vhost + "'"));
        }
        return write(new Change.DeletePermission(user, vhost), () -> users.clearPermission(user, vhost));
    }

    public synchronized CompletableFuture<Void> setTopicPermission(String user, String vhost, TopicPermission p) {
        AdminException missing = missing(user, vhost);
        if (missing != null) {
            return failed(missing);
        }
        if (p.exchange() == null || p.exchange().isEmpty()) {
            return failed(AdminException.badRequest("exchange must not be empty"));
        }
        return write(new Change.PutTopicPermission(new TopicPermissionDefinition(user, vhost, p.exchange(), p.write(),
                p.read())), () -> users.setTopicPermission(user, vhost, p));
    }

    /** Clears the user's topic permission on {@code exchange} in a vhost, or on every exchange if it is null. */
    public synchronized CompletableFuture<Void> clearTopicPermission(String user, String vhost, String exchange) {
        List<UserDatabase.UserTopicPermission> matching = users.topicPermissions().stream()
                .filter(t -> t.user().equals(user) && t.vhost().equals(vhost)
                        && (exchange == null || t.permission().exchange().equals(exchange)))
                .toList();
        if (matching.isEmpty()) {
            return failed(AdminException.notFound("user '" + user + "' has no topic permissions in vhost '" + vhost
                    + "'" + (exchange == null ? "" : " on exchange '" + exchange + "'")));
        }
        CompletableFuture<Void> last = null;
        for (UserDatabase.UserTopicPermission t : matching) {
            String x = t.permission().exchange();
            last = write(new Change.DeleteTopicPermission(user, vhost, x), () -> users.clearTopicPermission(user, vhost, x));
        }
        return last;
    }

    // ---- limits ----

    /** Sets one of a user's limits (max-connections, max-channels); negative is none. Open ones stay. */
    public synchronized CompletableFuture<Void> setUserLimit(String user, String name, int value) {
        if (!USER_LIMIT_NAMES.contains(name)) {
            return failed(AdminException.badRequest("Unrecognised terms [{<<\"" + name + "\">>," + value
                    + "}] in user-limits"));
        }
        Map<String, Integer> next = new TreeMap<>(current(askedUserLimits, userLimits, user));
        next.put(name, value);
        return asked(askedUserLimits, user, next, putUserLimits(user, next));
    }

    public synchronized CompletableFuture<Void> clearUserLimit(String user, String name) {
        Map<String, Integer> next = new TreeMap<>(current(askedUserLimits, userLimits, user));
        if (next.remove(name) == null) {
            return CompletableFuture.completedFuture(null); // RabbitMQ answers 204 for a limit not set
        }
        return asked(askedUserLimits, user, next, putUserLimits(user, next));
    }

    /** The limits a change builds on: the last asked for if its write is under way, else the stored ones. */
    private static Map<String, Integer> current(Map<String, Map<String, Integer>> asked,
                                                Map<String, Map<String, Integer>> stored, String key) {
        Map<String, Integer> pending = asked.get(key);
        return pending != null ? pending : stored.getOrDefault(key, Map.of());
    }

    /**
     * Remembers {@code next} as asked for {@code key} until {@code write} ends; then the stored limits answer
     * again (the new ones if it was stored, the old ones if not), unless a later change is under way.
     */
    private CompletableFuture<Void> asked(Map<String, Map<String, Integer>> asked, String key,
                                          Map<String, Integer> next, CompletableFuture<Void> write) {
        asked.put(key, next);
        return write.whenComplete((ok, failure) -> {
            synchronized (this) {
                asked.remove(key, next);
            }
        });
    }

    private CompletableFuture<Void> putUserLimits(String name, Map<String, Integer> next) {
        User u = users.user(name);
        if (u == null) {
            return failed(AdminException.badRequest("no user '" + name + "'"));
        }
        UserDefinition d = new UserDefinition(name, StoredForm.password(u.password()), u.tags(), next);
        return write(new Change.PutUser(d), () -> {
            if (next.isEmpty()) {
                userLimits.remove(name);
            } else {
                userLimits.put(name, Map.copyOf(next));
            }
            limits.setUserLimits(name, Limits.UserLimits.of(next));
        });
    }

    /** The limits set on each user, by user, as set. */
    public Map<String, Map<String, Integer>> userLimits() {
        return Map.copyOf(userLimits);
    }

    /** Sets one of a vhost's limits (max-connections, max-queues); negative is none. Open ones stay. */
    public synchronized CompletableFuture<Void> setVhostLimit(String vhost, String name, int value) {
        if (!VHOST_LIMIT_NAMES.contains(name)) {
            return failed(AdminException.badRequest("Validation failed\n\nUnrecognised terms [{<<\"" + name + "\">>,"
                    + value + "}] in limits\n"));
        }
        Map<String, Integer> next = new TreeMap<>(current(askedVhostLimits, vhostLimits, vhost));
        next.put(name, value);
        return asked(askedVhostLimits, vhost, next, putVhostLimits(vhost, next));
    }

    public synchronized CompletableFuture<Void> clearVhostLimit(String vhost, String name) {
        Map<String, Integer> next = new TreeMap<>(current(askedVhostLimits, vhostLimits, vhost));
        if (next.remove(name) == null) {
            return CompletableFuture.completedFuture(null); // RabbitMQ answers 204 for a limit not set
        }
        return asked(askedVhostLimits, vhost, next, putVhostLimits(vhost, next));
    }

    private CompletableFuture<Void> putVhostLimits(String vhost, Map<String, Integer> next) {
        if (!vhosts.containsKey(vhost)) {
            return failed(AdminException.notFound("no vhost '" + vhost + "'"));
        }
        ObjectNode value = JsonNodeFactory.instance.objectNode();
        next.forEach(value::put);
        Change change = next.isEmpty() ? new Change.DeleteParameter(vhost, VHOST_LIMITS, VHOST_LIMITS_NAME)
                : new Change.PutParameter(new ParameterDefinition(vhost, VHOST_LIMITS, VHOST_LIMITS_NAME,
                        StoredForm.json(value)));
        return write(change, () -> vhostLimitsSet(vhost, next));
    }

    /** A vhost's limits as set ({@code next} empty: none) take effect. */
    void vhostLimitsSet(String vhost, Map<String, Integer> next) {
        if (next.isEmpty()) {
            vhostLimits.remove(vhost);
        } else {
            vhostLimits.put(vhost, Map.copyOf(next));
        }
        limits.setVhostLimits(vhost, new Limits.VhostLimits(next.getOrDefault("max-connections", -1),
                next.getOrDefault("max-queues", -1)));
    }

    /** The limits in a stored vhost-limits value. */
    static Map<String, Integer> vhostLimitsOf(JsonNode value) {
        return limitsOf(value);
    }

    /** The limits set on each vhost, by vhost, as set. */
    public Map<String, Map<String, Integer>> vhostLimits() {
        return Map.copyOf(vhostLimits);
    }

    private static Map<String, Integer> limitsOf(JsonNode value) {
        Map<String, Integer> out = new TreeMap<>();
        value.fields().forEachRemaining(e -> {
            if (e.getValue().canConvertToInt()) {
                out.put(e.getKey(), e.getValue().intValue());
            }
        });
        return Map.copyOf(out);
    }

    // ---- policies ----

    /**
     * Sets a policy or operator policy from RabbitMQ's JSON ({@code pattern}, {@code definition},
     * {@code priority}, {@code apply-to}); it applies to existing queues and exchanges at once.
     */
    public synchronized CompletableFuture<Void> setPolicy(String vhost, String name, JsonNode value, boolean operator) {
        VirtualHost v = vhosts.get(vhost);
        if (v == null) {
            return failed(AdminException.notFound("no vhost '" + vhost + "'"));
        }
        Policy p;
        try {
            p = policy(vhost, name, value, operator);
        } catch (IllegalArgumentException e) {
            return failed(AdminException.badRequest("Validation failed\n\n" + e.getMessage() + "\n"));
        }
        return v.setPolicy(p);
    }

    /**
     * A policy or operator policy from RabbitMQ's JSON, checked as {@link #setPolicy} checks it; throws
     * IllegalArgumentException with RabbitMQ's reason. For checking a whole document before changing anything.
     */
    public static Policy policy(String vhost, String name, JsonNode value, boolean operator) {
        return operator ? PolicyForm.operatorPolicy(new ParameterDefinition(vhost, Policy.OPERATOR_COMPONENT, name,
                StoredForm.json(value))) : PolicyForm.policy(policyDefinition(vhost, name, value));
    }

    private static PolicyDefinition policyDefinition(String vhost, String name, JsonNode value) {
        JsonNode pattern = value.get("pattern");
        if (pattern == null || !pattern.isTextual()) {
            throw new IllegalArgumentException("pattern should be a binary but was "
                    + (pattern == null ? "undefined" : pattern.toString()));
        }
        JsonNode definition = value.get("definition");
        if (definition == null || !definition.isObject()) {
            throw new IllegalArgumentException("definition must be a dictionary: "
                    + (definition == null ? "undefined" : definition.toString()));
        }
        JsonNode priority = value.get("priority");
        if (priority != null && !priority.isNumber()) {
            throw new IllegalArgumentException("priority should be a number, actually was " + priority);
        }
        return new PolicyDefinition(vhost, name, pattern.asText(), value.path("apply-to").asText("all"),
                priority == null ? 0 : priority.asInt(), StoredForm.json(definition));
    }

    public synchronized CompletableFuture<Void> clearPolicy(String vhost, String name, boolean operator) {
        VirtualHost v = vhosts.get(vhost);
        if (v == null || v.policies().get(name, operator) == null) {
            return failed(AdminException.notFound("no " + (operator ? "operator policy" : "policy") + " '" + name
                    + "' in vhost '" + vhost + "'"));
        }
        return v.clearPolicy(name, operator);
    }

    // ---- vhosts ----

    /** Adds a vhost (one that exists is left as it is). Nobody has permissions in it yet. */
    public synchronized CompletableFuture<Void> addVhost(String name) {
        if (name == null || name.isEmpty()) {
            return failed(AdminException.badRequest("vhost name must not be empty"));
        }
        if (vhosts.containsKey(name)) {
            return CompletableFuture.completedFuture(null);
        }
        return write(new Change.PutVhost(new VhostDefinition(name)), () -> vhosts.computeIfAbsent(name, newVhost));
    }

    /**
     * Deletes a vhost and everything in it: its connections are closed ("vhost 'v' is deleted", as RabbitMQ says
     * when the delete gets there before the vhost's processes stop),
     * its queues and their messages dropped, its permissions, policies and limits gone.
     */
    public synchronized CompletableFuture<Void> deleteVhost(String name) {
        if (!vhosts.containsKey(name)) {
            return failed(AdminException.notFound("no vhost '" + name + "'"));
        }
        return write(new Change.DeleteVhost(name), () -> vhostGone(name));
    }

    /** A deleted vhost leaves memory: its connections closed, its queues freed, its permissions and limits gone. */
    void vhostGone(String name) {
        VirtualHost v = vhosts.remove(name);
        int closed = connections.closeWhere((u, vh) -> name.equals(vh), "vhost '" + name + "' is deleted");
        if (v != null) {
            v.discard();
        }
        users.deleteVhost(name);
        vhostLimits.remove(name);
        limits.setVhostLimits(name, Limits.VhostLimits.NONE);
        LOG.info("vhost '{}' deleted; {} of its connections closed", name, closed);
    }

    // ---- the write ----

    /** The user or vhost a permission needs that does not exist, or null. */
    private AdminException missing(String user, String vhost) {
        if (!vhosts.containsKey(vhost)) {
            return AdminException.notFound("no vhost '" + vhost + "'");
        }
        if (users.user(user) == null) {
            return AdminException.notFound("no user '" + user + "'");
        }
        return null;
    }

    /**
     * Writes {@code change}, then makes it in memory. Called under this object's monitor, so changes reach
     * memory in the order the store took them (the store runs them one at a time, on one thread).
     */
    private CompletableFuture<Void> write(Change change, Runnable inMemory) {
        if (store == null) {
            inMemory.run();
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stored;
        try {
            stored = store.apply(change);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        return stored.thenRun(inMemory).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.error("storing {} failed; nothing changed", change, failure);
            }
        });
    }

    private static CompletableFuture<Void> failed(AdminException e) {
        return CompletableFuture.failedFuture(e);
    }
}
