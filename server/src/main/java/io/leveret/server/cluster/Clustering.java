package io.leveret.server.cluster;

import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.store.definitions.Change;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Starts this node's part of the cluster; the broker calls it only when the configuration lists nodes. */
public final class Clustering {
    /** Under data_dir: the metadata group's Raft log and snapshots. */
    public static final String METADATA_DIR = "metadata-raft";

    private Clustering() {
    }

    /**
     * Starts this node's member of the metadata group, formed by every node of {@code cluster}, each reached
     * at the HOST of its name on the shared distribution port.
     *
     * @param applied hears every committed change in log order (Ratis' apply thread)
     * @throws ConfigException naming the distribution keys if the Raft listener cannot bind
     */
    public static ClusterMembership start(String nodeName, BrokerConfig.Cluster cluster, Path dataDir,
                                          Consumer<Change> applied) throws IOException {
        try {
            return MetadataGroup.start(cluster.name(), nodeName,
                    MetadataGroup.addresses(cluster.nodes(), cluster.port()), cluster.listenerInterface(),
                    dataDir.resolve(METADATA_DIR), MetadataGroup.Tuning.DEFAULTS, applied);
        } catch (java.net.BindException e) {
            throw new ConfigException(e.getMessage() + " (keys 'distribution.listener.interface' and "
                    + "'distribution.listener.port_range.min')", e);
        }
    }
}
