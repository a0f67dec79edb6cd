package io.leveret.server.admin;

import io.leveret.server.cluster.ClusterMembership;
import io.leveret.server.definitions.PolicyForm;
import io.leveret.server.definitions.StoredForm;
import io.leveret.server.protocol.Limits;
import io.leveret.server.security.Permission;
import io.leveret.server.security.TopicPermission;
import io.leveret.server.security.User;
import io.leveret.server.vhost.Policy;
import io.leveret.server.vhost.VirtualHost;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.Definitions;
import io.leveret.store.definitions.ParameterDefinition;
import io.leveret.store.definitions.UserDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a cluster, what this node does with each change the metadata group commits: it writes it to its own
 * definitions store (a copy of the replicated model, read at the next boot), and makes in memory the changes
 * other nodes made (this node's own are in memory already: they were made there before they were submitted,
 * and undone if they failed). Memory is changed on a thread of its own, in log order, never on Ratis' apply
 * thread, which must not wait for a vhost's monitor that a declare holds while it submits.
 *
 * <p>Until the broker's model is built ({@link #ready}), changes are only kept, then made in memory in order.
 *
 * <p>After a restart the group offers again what this node's Raft log holds past its latest snapshot. What the
 * store took before the restart ({@link DefinitionStore#replicatedIndex()}) is not made again: replaying a
 * delete and a redeclare of a queue that holds messages would empty it. The broker builds its model from the
 * store ({@link #baseline()}), which is thus as new as anything this node applied before it stopped, whatever
 * the Raft log recorded as committed.
 */
public final class CommittedChanges implements ClusterMembership.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommittedChanges.class);

    private final DefinitionStore store;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "leveret-cluster-apply");
        t.setDaemon(true);
        return t;
    });
    /** Null until {@link #ready}. Guarded by this. */
    private Admin admin;
    /** Changes heard before {@link #ready}. Guarded by this. */
    private final List<Change> pending = new ArrayList<>();
    /** The store's position in the replicated log when this node started: changes up to it are in the store. */
    private final long storedThrough;

    public CommittedChanges(DefinitionStore store) {
        this.store = store;
        this.storedThrough = store.replicatedIndex();
    }

    @Override
    public synchronized void committed(Change change, boolean fromHere, long index) {
        if (index <= storedThrough) {
            return;
        }
        store.applyLocally(change, index).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warn("this node's copy of the definitions did not take committed change {}: {}", change,
                        failure.toString());
            }
        });
        inMemory(change, fromHere);
    }

    private void inMemory(Change change, boolean fromHere) {
        if (admin == null) {
            pending.add(change);
        } else if (!fromHere) {
            Admin a = admin;
            thread.execute(() -> apply(a, change));
        }
    }

    /**
     * The group's model as of a snapshot (this node's own at boot, or the leader's): what it changes against this
     * node's copy is made here as if another node had committed it, change by change (deletes first, then puts).
     * A snapshot older than the store is ignored: the store has all it holds.
     */
    @Override
    public synchronized void replaced(Definitions model, long index) {
        if (index <= Math.max(storedThrough, store.replicatedIndex())) {
            return;
        }
        List<Change> changes = DefinitionStore.changesBetween(store.snapshot(), model);
        LOG.info("the metadata group's snapshot at index {}: {} changes to this node's definitions", index,
                changes.size());
        store.replaceLocally(model, index).join();
        for (Change change : changes) {
            inMemory(change, false);
        }
    }

    /**
     * The definitions the broker builds its model from at boot: this node's store with every change heard so far;
     * later ones are kept and made in memory at {@link #ready}.
     */
    public synchronized Definitions baseline() {
        pending.clear();
        return store.snapshot();
    }

    /** The broker's model is built: changes heard since {@link #baseline} are made in it, then every later one. */
    public synchronized void ready(Admin admin) {
        List<Change> heard = List.copyOf(pending);
        pending.clear();
        this.admin = admin;
        thread.execute(() -> heard.forEach(c -> apply(admin, c)));
    }

    /** Completes once every change handed to the memory thread so far is made. */
    public java.util.concurrent.CompletableFuture<Void> drained() {
        return java.util.concurrent.CompletableFuture.runAsync(() -> { }, thread);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private static void apply(Admin a, Change change) {
        try {
            change.accept(new InMemory(a));
        } catch (RuntimeException e) {
            LOG.error("making committed change {} in this node's memory failed", change, e);
        }
    }

    /** Each kind of change, made in memory alone. */
    private record InMemory(Admin a) implements Change.Handler<Void> {
        @Override
        public Void putVhost(Change.PutVhost c) {
            a.vhosts.computeIfAbsent(c.vhost().name(), a.newVhost);
            return null;
        }

        @Override
        public Void deleteVhost(Change.DeleteVhost c) {
            if (a.vhosts.containsKey(c.name())) {
                a.vhostGone(c.name());
            }
            return null;
        }

        @Override
        public Void putExchange(Change.PutExchange c) {
            return topology(c.exchange().vhost(), c);
        }

        @Override
        public Void deleteExchange(Change.DeleteExchange c) {
            return topology(c.vhost(), c);
        }

        @Override
        public Void putQueue(Change.PutQueue c) {
            return topology(c.queue().vhost(), c);
        }

        @Override
        public Void deleteQueue(Change.DeleteQueue c) {
            return topology(c.vhost(), c);
        }

        @Override
        public Void putBinding(Change.PutBinding c) {
            return topology(c.binding().vhost(), c);
        }

        @Override
        public Void deleteBinding(Change.DeleteBinding c) {
            return topology(c.binding().vhost(), c);
        }

        private Void topology(String vhost, Change c) {
            VirtualHost v = a.vhosts.get(vhost);
            if (v != null) {
                v.committed(c);
            }
            return null;
        }

        @Override
        public Void putUser(Change.PutUser c) {
            UserDefinition u = c.user();
            a.users.putUser(new User(u.name(), StoredForm.password(u.passwordHash()), u.tags()));
            if (u.limits().isEmpty()) {
                a.userLimits.remove(u.name());
            } else {
                a.userLimits.put(u.name(), Map.copyOf(u.limits()));
            }
            a.limits.setUserLimits(u.name(), Limits.UserLimits.of(u.limits()));
            return null;
        }

        @Override
        public Void deleteUser(Change.DeleteUser c) {
            if (a.users.user(c.name()) != null) {
                a.userGone(c.name());
            }
            return null;
        }

        @Override
        public Void putPermission(Change.PutPermission c) {
            var p = c.permission();
            a.users.setPermission(p.user(), p.vhost(), new Permission(p.configure(), p.write(), p.read()));
            return null;
        }

        @Override
        public Void deletePermission(Change.DeletePermission c) {
            a.users.clearPermission(c.user(), c.vhost());
            return null;
        }

        @Override
        public Void putTopicPermission(Change.PutTopicPermission c) {
            var p = c.permission();
            a.users.setTopicPermission(p.user(), p.vhost(), new TopicPermission(p.exchange(), p.write(), p.read()));
            return null;
        }

        @Override
        public Void deleteTopicPermission(Change.DeleteTopicPermission c) {
            a.users.clearTopicPermission(c.user(), c.vhost(), c.exchange());
            return null;
        }

        @Override
        public Void putPolicy(Change.PutPolicy c) {
            VirtualHost v = a.vhosts.get(c.policy().vhost());
            if (v != null) {
                Policy p = PolicyForm.policy(c.policy());
                v.committed(() -> v.setPolicy(p));
            }
            return null;
        }

        @Override
        public Void deletePolicy(Change.DeletePolicy c) {
            VirtualHost v = a.vhosts.get(c.vhost());
            if (v != null) {
                v.committed(() -> v.clearPolicy(c.name(), false));
            }
            return null;
        }

        @Override
        public Void putParameter(Change.PutParameter c) {
            ParameterDefinition p = c.parameter();
            VirtualHost v = a.vhosts.get(p.vhost());
            if (p.component().equals(Policy.OPERATOR_COMPONENT) && v != null) {
                Policy policy = PolicyForm.operatorPolicy(p);
                v.committed(() -> v.setPolicy(policy));
            } else if (p.component().equals(Admin.VHOST_LIMITS)) {
                a.vhostLimitsSet(p.vhost(), Admin.vhostLimitsOf(StoredForm.json(p.value())));
            }
            return null;
        }

        @Override
        public Void deleteParameter(Change.DeleteParameter c) {
            VirtualHost v = a.vhosts.get(c.vhost());
            if (c.component().equals(Policy.OPERATOR_COMPONENT) && v != null) {
                v.committed(() -> v.clearPolicy(c.name(), true));
            } else if (c.component().equals(Admin.VHOST_LIMITS)) {
                a.vhostLimitsSet(c.vhost(), Map.of());
            }
            return null;
        }
    }
}
