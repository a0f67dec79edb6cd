package io.leveret.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without cluster keys a broker is a single node as before: no Ratis class is loaded and no Ratis thread
 * starts. The broker runs from a class loader of its own, which records every Ratis class its classes ask for
 * (other tests in this JVM may have loaded Ratis already, so the JVM's own loaded classes prove nothing).
 */
class SingleNodeLoadsNoRatisTest {

    /** Defines io.leveret.server classes itself (so their references come back here) and records Ratis names. */
    private static final class RecordingLoader extends ClassLoader {
        final Set<String> ratis = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.apache.ratis.")) {
                ratis.add(name);
            }
            if (!name.startsWith("io.leveret.server.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
    }

    private static boolean looksLikeRatis(String thread) {
        String t = thread.toLowerCase(Locale.ROOT);
        return t.contains("grpc") || t.contains("raft") || t.contains("@group-") || t.contains("statemachine")
                || t.startsWith("timer") || t.contains("leveret-cluster");
    }

    private Object start(ClassLoader loader, Path dir, String... sets) throws Exception {
        Class<?> configLoader = loader.loadClass("io.leveret.server.config.ConfigLoader");
        Method load = configLoader.getMethod("load", String[].class, Map.class);
        Object config = load.invoke(null, sets, Map.of());
        Class<?> broker = loader.loadClass("io.leveret.server.Broker");
        return broker.getMethod("start", loader.loadClass("io.leveret.server.config.BrokerConfig"))
                .invoke(null, config);
    }

    private static String[] singleNode(Path dir) {
        return new String[] {"--set", "data_dir=" + dir, "--set", "listeners.tcp.default=127.0.0.1:0",
                "--set", "management.tcp.ip=127.0.0.1", "--set", "management.tcp.port=0",
                "--set", "prometheus.tcp.ip=127.0.0.1", "--set", "prometheus.tcp.port=0",
                "--set", "log.console.level=warning"};
    }

    @Test
    void aBrokerWithoutClusterKeysLoadsNoRatisClassAndStartsNoRatisThread(@TempDir Path dir) throws Exception {
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        Set<String> before = threadNames();
        Object broker = start(loader, dir, singleNode(dir));
        try {
            Set<String> started = new HashSet<>(threadNames());
            started.removeAll(before);
            assertFalse(started.isEmpty(), "the broker started threads of its own: the check can see them");
            assertEquals(Set.of(), started.stream().filter(SingleNodeLoadsNoRatisTest::looksLikeRatis)
                    .collect(Collectors.toSet()), "threads started: " + started);
            assertEquals(Set.of(), loader.ratis, "Ratis classes asked for by a single node");
        } finally {
            broker.getClass().getMethod("close").invoke(broker);
        }
    }

    @Test
    void theSameLoaderSeesRatisWhenTheConfigurationListsNodes(@TempDir Path dir) throws Exception {
        // The check above can fail: with a node list, the very same way of starting loads Ratis.
        RecordingLoader loader = new RecordingLoader(getClass().getClassLoader());
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] single = singleNode(dir);
        String[] clustered = java.util.Arrays.copyOf(single, single.length + 8);
        System.arraycopy(new String[] {"--set", "nodename=leveret@127.0.0.1",
                "--set", "cluster_formation.classic_config.nodes.1=leveret@127.0.0.1",
                "--set", "distribution.listener.interface=127.0.0.1",
                "--set", "distribution.listener.port_range.min=" + port}, 0, clustered, single.length, 8);
        Object broker = start(loader, dir, clustered);
        try {
            assertTrue(loader.ratis.stream().anyMatch(n -> n.startsWith("org.apache.ratis.server.")), loader.ratis
                    .toString());
        } finally {
            broker.getClass().getMethod("close").invoke(broker);
        }
    }
}
