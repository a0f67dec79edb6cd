package io.leveret.server.cluster;

import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.Definitions;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the rest of the broker sees of the cluster, in its own types: the nodes and their state, and the
 * metadata group's one way in. No Ratis type appears here, so that a single node, which never starts a
 * cluster, never loads a Ratis class either ({@link Clustering} is the only door to the implementation).
 */
public interface ClusterMembership extends AutoCloseable {

    /**
     * One configured node as this one sees it.
     *
     * @param name    NAME@HOST
     * @param running this node, or a peer that answered a Raft request just now
     * @param leader  the metadata group's current leader, as this node knows it
     */
    record NodeState(String name, boolean running, boolean leader) {
    }

    /**
     * Hears each committed change, in log order. After a restart it hears again what its log holds after the
     * latest snapshot, so it is told each change's position in the log ({@code index}) to know what it has.
     */
    @FunctionalInterface
    interface Listener {
        /**
         * @param fromHere true if this node submitted it with {@link #submit} (the submitter has made the change in
         *                 its own memory already); false for another node's and for {@link #submitForAll}'s
         * @param index    the change's position in the replicated log
         */
        void committed(Change change, boolean fromHere, long index);

        /**
         * The replicated model as of {@code index}, from a snapshot: at boot, this member's own latest one (the
         * changes up to it are not heard again); later, the leader's, installed because this member was too far
         * behind for the leader's log. The changes up to it are not heard one by one.
         */
        default void replaced(Definitions model, long index) {
        }
    }

    /** This node's name. */
    String self();

    /** The configured nodes, in configuration order. */
    List<String> nodeNames();

    /** Every configured node and whether it runs; may wait up to a probe timeout per unreachable peer. */
    List<NodeState> nodes();

    /** The metadata group's leader as this node knows it, or null while there is none. */
    String leader();

    /**
     * Commits a definitions change through the metadata group; completes once committed and applied on this
     * node. Fails with {@link IllegalArgumentException} if the change does not fit the replicated model and with
     * {@link ClusterUnavailableException} if no majority commits it in time.
     */
    CompletableFuture<Void> submit(Change change);

    /**
     * As {@link #submit}, for a change no node has made in memory yet (first-boot seeding, a definitions file
     * read at boot): every node's listener, this one's too, hears it as another node's.
     */
    CompletableFuture<Void> submitForAll(Change change);

    /**
     * Completes once this node has applied every change the group had committed when asked; fails with
     * {@link ClusterUnavailableException} if no majority answers within the submit timeout.
     */
    CompletableFuture<Void> caughtUp();

    /** True if this node's Raft storage was created at this start: its first boot as a member of the group. */
    boolean firstBoot();

    /** The replicated definitions as applied on this node so far. */
    Definitions definitions();

    @Override
    void close();
}
