package io.leveret.server.embedded;

import io.leveret.server.Broker;
import io.leveret.server.config.BrokerConfig;
import io.leveret.server.config.ConfigException;
import io.leveret.server.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A broker in this JVM, for tests and for applications that carry their own broker:
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.builder().vhost("orders").start()) {
 *     factory.setUri(broker.uri());
 * }
 * }</pre>
 * It listens on 127.0.0.1 at a free port (ask {@link #port()}), keeps its data in a temporary folder that
 * {@link #close()} deletes, and serves Prometheus on a free loopback port. {@code close()} leaves no thread,
 * socket or file of its own behind, so a test run can start hundreds.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Broker broker;
    private final BrokerConfig config;
    private final Path temporaryDataDir;
    private boolean closed;

    private EmbeddedBroker(Broker broker, BrokerConfig config, Path temporaryDataDir) {
        this.broker = broker;
        this.config = config;
        this.temporaryDataDir = temporaryDataDir;
    }

    public static EmbeddedBrokerBuilder builder() {
        return new EmbeddedBrokerBuilder();
    }

    /** A broker with everything at its embedded default: {@code builder().start()}. */
    public static EmbeddedBroker start() {
        return builder().start();
    }

    /**
     * Resolves the settings through the same key table and checks as the command line's {@code --set}
     * (the environment is not read: a test must not change with the shell it runs in), then starts.
     */
    static EmbeddedBroker start(Map<String, String> settings, Path dataDir, Path definitions,
                                List<EmbeddedBrokerBuilder.UserSpec> users, List<String> vhosts,
                                List<EmbeddedBrokerBuilder.PermissionSpec> permissions) {
        Path temporary = null;
        Path generated = null;
        try {
            Path dir = dataDir;
            if (dir == null) {
                temporary = Files.createTempDirectory("leveret-embedded-");
                dir = temporary;
            }
            List<String> args = new ArrayList<>();
            settings.forEach((key, value) -> {
                args.add("--set");
                args.add(key + "=" + value);
            });
            args.add("--set");
            args.add("data_dir=" + dir.toAbsolutePath());
            if (definitions != null) {
                args.add("--set");
                args.add("load_definitions=" + definitions.toAbsolutePath());
            }
            BrokerConfig config = ConfigLoader.load(args.toArray(String[]::new), Map.of());
            List<Path> more = List.of();
            if (!users.isEmpty() || !vhosts.isEmpty() || !permissions.isEmpty()) {
                generated = Files.createTempFile("leveret-embedded-", ".json");
                GeneratedDefinitions.write(generated, users, vhosts, permissions);
                more = List.of(generated);
            }
            Broker broker = Broker.start(config, more);
            return new EmbeddedBroker(broker, config, temporary);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temporary);
            if (e instanceof ConfigException c) {
                throw c;
            }
            throw e instanceof IOException io ? new UncheckedIOException("embedded broker did not start", io)
                    : (RuntimeException) e;
        } catch (InterruptedException e) {
            deleteQuietly(temporary);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the embedded broker was starting", e);
        } finally {
            deleteQuietly(generated);
        }
    }

    /** The AMQP port, bound on 127.0.0.1 unless {@code listeners.tcp.default} was set otherwise. */
    public int port() {
        return broker.ports().get(0);
    }

    /** The Prometheus endpoint's port. */
    public int prometheusPort() {
        return broker.prometheusPort();
    }

    /** The management HTTP API's port on 127.0.0.1, or -1 when {@code management.enabled=false}. */
    public int managementPort() {
        return broker.managementPort();
    }

    /** {@code amqp://default_user:default_pass@127.0.0.1:PORT/default_vhost}, ready for a client's setUri. */
    public String uri() {
        return uri(config.defaultUser(), config.defaultPass(), config.defaultVhost());
    }

    /** The URI for another user and vhost (as created by the builder's {@code user}, {@code vhost}). */
    public String uri(String user, String password, String vhost) {
        return "amqp://" + encode(user) + ":" + encode(password) + "@127.0.0.1:" + port() + "/" + encode(vhost);
    }

    /** The folder holding the store; deleted by {@link #close()} unless the builder was given one. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The resolved configuration it runs with. */
    public BrokerConfig config() {
        return config;
    }

    /** The broker itself, for what this class does not offer (statistics, TLS ports). */
    public Broker broker() {
        return broker;
    }

    /** Stops the broker (open connections are cut) and deletes a temporary data dir; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        broker.close();
        deleteQuietly(temporaryDataDir);
    }

    private static String encode(String s) {
        // URLEncoder is for forms: a space becomes '+', which a URI's userinfo and path would keep literally.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
