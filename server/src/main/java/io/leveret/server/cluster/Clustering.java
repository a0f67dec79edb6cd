package io.leveret.server.cluster;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.store.definitions.Change;
import java.io.IOException;
import java.nio.file.Path;

/** Starts this node's part of the cluster; the broker calls it only when the configuration lists nodes. */
public final class Clustering {
    /** Under data_dir: the metadata group's Raft log and snapshots. */
    public static final String METADATA_DIR = "metadata-raft";

    private Clustering() {
    }

    private static MetadataGroup.Tuning tuning(BrokerConfig.Cluster cluster) {
        MetadataGroup.Tuning d = MetadataGroup.Tuning.DEFAULTS;
        return new MetadataGroup.Tuning(java.time.Duration.ofMillis(cluster.metadataTimeoutMillis()),
                d.snapshotEvery(), d.segmentBytes(), d.electionTimeout(), d.probeTimeout());
    }

    /**
     * Starts this node's member of the metadata group, formed by every node of {@code cluster}, each reached
     * at the HOST of its name on the shared distribution port.
     *
     * @param applied hears every committed change in log order (Ratis' apply thread)
     * @throws ConfigException naming the distribution keys if the Raft listener cannot bind
     */
    public static ClusterMembership start(String nodeName, BrokerConfig.Cluster cluster, Path dataDir,
                                          ClusterMembership.Listener applied) throws IOException {
        try {
            return MetadataGroup.start(cluster.name(), nodeName,
                    MetadataGroup.addresses(cluster.nodes(), cluster.port()), cluster.listenerInterface(),
                    dataDir.resolve(METADATA_DIR), tuning(cluster), applied);
        } catch (java.net.BindException e) {
            throw new ConfigException(e.getMessage() + " (keys 'distribution.listener.interface' and "
                    + "'distribution.listener.port_range.min')", e);
        }
    }

    /**
     * How this node hands a definitions change to the cluster: {@code cluster.submit}, with its failures in
     * words a client can be given: {@link ClusterUnavailableException} "failed to declare queue 'q' in vhost '/'
     * because the operation timed out" (RabbitMQ's text when its metadata store has no majority), and
     * {@link ChangeRefusedException} with the replicated model's reason.
     */
    public static java.util.function.Function<Change,
            java.util.concurrent.CompletableFuture<Void>> submitter(ClusterMembership cluster) {
        return change -> cluster.submit(change).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            RuntimeException out = cause instanceof IllegalArgumentException
                    ? new ChangeRefusedException(cause.getMessage(), cause)
                    : new ClusterUnavailableException("failed to " + operation(change)
                            + " because the operation timed out", cause);
            return java.util.concurrent.CompletableFuture.failedFuture(out);
        });
    }

    /** What a change does, as RabbitMQ's error texts name it: "declare queue 'q' in vhost '/'". */
    static String operation(Change change) {
        return change.accept(new Change.Handler<String>() {
            public String putVhost(Change.PutVhost c) {
                return "add vhost '" + c.vhost().name() + "'";
            }

            public String deleteVhost(Change.DeleteVhost c) {
                return "delete vhost '" + c.name() + "'";
            }

            public String putExchange(Change.PutExchange c) {
                return "declare exchange '" + c.exchange().name() + "' in vhost '" + c.exchange().vhost() + "'";
            }

            public String deleteExchange(Change.DeleteExchange c) {
                return "delete exchange '" + c.name() + "' in vhost '" + c.vhost() + "'";
            }

            public String putQueue(Change.PutQueue c) {
                return "declare queue '" + c.queue().name() + "' in vhost '" + c.queue().vhost() + "'";
            }

            public String deleteQueue(Change.DeleteQueue c) {
                return "delete queue '" + c.name() + "' in vhost '" + c.vhost() + "'";
            }

            public String putBinding(Change.PutBinding c) {
                return "add binding from exchange '" + c.binding().source() + "' in vhost '" + c.binding().vhost()
                        + "'";
            }

            public String deleteBinding(Change.DeleteBinding c) {
                return "remove binding from exchange '" + c.binding().source() + "' in vhost '"
                        + c.binding().vhost() + "'";
            }

            public String putUser(Change.PutUser c) {
                return "add user '" + c.user().name() + "'";
            }

            public String deleteUser(Change.DeleteUser c) {
                return "delete user '" + c.name() + "'";
            }

            public String putPermission(Change.PutPermission c) {
                return "set permissions of user '" + c.permission().user() + "' in vhost '" + c.permission().vhost()
                        + "'";
            }

            public String deletePermission(Change.DeletePermission c) {
                return "clear permissions of user '" + c.user() + "' in vhost '" + c.vhost() + "'";
            }

            public String putPolicy(Change.PutPolicy c) {
                return "set policy '" + c.policy().name() + "' in vhost '" + c.policy().vhost() + "'";
            }

            public String deletePolicy(Change.DeletePolicy c) {
                return "clear policy '" + c.name() + "' in vhost '" + c.vhost() + "'";
            }

            public String putTopicPermission(Change.PutTopicPermission c) {
                return "set topic permissions of user '" + c.permission().user() + "' in vhost '"
                        + c.permission().vhost() + "'";
            }

            public String deleteTopicPermission(Change.DeleteTopicPermission c) {
                return "clear topic permissions of user '" + c.user() + "' in vhost '" + c.vhost() + "'";
            }

            public String putParameter(Change.PutParameter c) {
                return "set parameter '" + c.parameter().name() + "' in vhost '" + c.parameter().vhost() + "'";
            }

            public String deleteParameter(Change.DeleteParameter c) {
                return "clear parameter '" + c.name() + "' in vhost '" + c.vhost() + "'";
            }
        });
    }
}
