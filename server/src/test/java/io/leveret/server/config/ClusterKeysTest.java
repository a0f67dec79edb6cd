package io.leveret.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RabbitMQ's cluster keys: classic_config's node list, the node name, the distribution listener. */
class ClusterKeysTest {
    @TempDir
    Path dir;

    private BrokerConfig load(Map<String, String> env, String... lines) throws IOException {
        Path conf = Files.write(dir.resolve("leveret.conf"), List.of(lines));
        return ConfigLoader.load(new String[] {"--config", conf.toString()}, env);
    }

    private ConfigException fails(Map<String, String> env, String... lines) {
        return assertThrows(ConfigException.class, () -> load(env, lines));
    }

    @Test
    void noClusterKeysMeansASingleNodeNamedAfterTheHost() throws IOException {
        BrokerConfig config = load(Map.of());
        assertNull(config.cluster());
        assertEquals("leveret@" + java.net.InetAddress.getLocalHost().getHostName(), config.nodeName());
        assertEquals(BrokerConfig.defaults(), config);
    }

    @Test
    void aNodeListMakesAClusterWithRabbitMqsDefaults() throws IOException {
        BrokerConfig config = load(Map.of(),
                "nodename = leveret@127.0.0.3",
                "cluster_formation.peer_discovery_backend = classic_config",
                "cluster_formation.classic_config.nodes.1 = leveret@127.0.0.2",
                "cluster_formation.classic_config.nodes.2 = leveret@127.0.0.3",
                "cluster_formation.classic_config.nodes.3 = leveret@127.0.0.4");
        BrokerConfig.Cluster cluster = config.cluster();
        assertEquals(List.of("leveret@127.0.0.2", "leveret@127.0.0.3", "leveret@127.0.0.4"), cluster.nodes());
        assertEquals("leveret@127.0.0.3", config.nodeName());
        assertEquals(25672, cluster.port());
        assertNull(cluster.listenerInterface());
        assertEquals("leveret@127.0.0.2", cluster.name(), "no cluster_name: the first node in sort order");
        assertEquals("127.0.0.4", BrokerConfig.Cluster.hostOf("leveret@127.0.0.4"));
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
    }

    @Test
    void clusterNameTheModuleNameOfTheBackendAndTheDistributionListenerAreHonoured() throws IOException {
        BrokerConfig config = load(Map.of("LEVERET_NODENAME", "leveret@b"),
                "cluster_name = orders",
                "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_classic_config",
                "cluster_formation.classic_config.nodes.a = leveret@a",
                "cluster_formation.classic_config.nodes.b = leveret@b",
                "distribution.listener.interface = 127.0.0.9",
                "distribution.listener.port_range.min = 35672",
                "distribution.listener.port_range.max = 35682");
        assertEquals(new BrokerConfig.Cluster("orders", List.of("leveret@a", "leveret@b"), "127.0.0.9", 35672),
                config.cluster());
        assertEquals("leveret@b", config.nodeName(), "LEVERET_NODENAME names the node");
        assertEquals(1, config.warnings().size(), "port_range.max is RabbitMQ's and ignored");
        assertTrue(config.warnings().get(0).contains("distribution.listener.port_range.max"));
    }

    @Test
    void aBareNodeNameGetsTheHostName() throws IOException {
        String host = java.net.InetAddress.getLocalHost().getHostName();
        assertEquals("rabbit@" + host, load(Map.of("LEVERET_NODENAME", "rabbit")).nodeName());
    }

    @Test
    void badValuesStopBootNamingTheKey() {
        assertTrue(fails(Map.of(), "cluster_formation.peer_discovery_backend = dns").getMessage()
                .contains("'cluster_formation.peer_discovery_backend'"));
        assertTrue(fails(Map.of(), "cluster_formation.classic_config.nodes.1 = host-without-a-name").getMessage()
                .contains("'cluster_formation.classic_config.nodes.1'"));
        assertTrue(fails(Map.of(), "nodename = a@b@c").getMessage().contains("'nodename'"));
        assertTrue(fails(Map.of(), "distribution.listener.port_range.min = 70000").getMessage()
                .contains("'distribution.listener.port_range.min'"));
        assertTrue(fails(Map.of(), "distribution.listener.interface = not an address").getMessage()
                .contains("'distribution.listener.interface'"));
        assertTrue(fails(Map.of(), "distribution.listener.interface = 300.1.1.1").getMessage()
                .contains("'distribution.listener.interface'"));
    }

    @Test
    void thisNodeMustBeListedAndNoNodeTwice() {
        String missing = fails(Map.of(), "nodename = leveret@c",
                "cluster_formation.classic_config.nodes.1 = leveret@a",
                "cluster_formation.classic_config.nodes.2 = leveret@b").getMessage();
        assertTrue(missing.contains("'leveret@c'") && missing.contains("cluster_formation.classic_config.nodes."),
                missing);
        String twice = fails(Map.of(), "nodename = leveret@a",
                "cluster_formation.classic_config.nodes.1 = leveret@a",
                "cluster_formation.classic_config.nodes.2 = leveret@a").getMessage();
        assertTrue(twice.contains("'cluster_formation.classic_config.nodes.2'") && twice.contains("nodes.1"), twice);
    }

    @Test
    void otherClusterFormationKeysOfRabbitMqAreWarnedAboutNotRefused() throws IOException {
        BrokerConfig config = load(Map.of(), "cluster_formation.node_cleanup.only_log_warning = true");
        assertNull(config.cluster());
        assertEquals(1, config.warnings().size());
    }
}
