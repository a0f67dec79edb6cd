package io.leveret.interop;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Leveret of a test's own, with JVM arguments (a small heap) and config lines of its choosing, in a
 * folder it may reuse across restarts. {@link BrokerUnderTest#startLeveret} covers the common case; this
 * adds JVM arguments, the TLS port and restarts on the same data_dir. Tests using it are skipped when the
 * suites run against an external broker.
 */
final class PrivateLeveret implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final int port;
    private final int tlsPort;

    private PrivateLeveret(Process process, Path dir, int port, int tlsPort) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** Skips the calling test when the suites run against a broker given by URI. */
    static void assumeLocal() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(), "needs a Leveret with its own configuration");
    }

    static Path jar() {
        return Path.of(System.getProperty("leveret.jar", "../server/target/leveret.jar")).toAbsolutePath();
    }

    static PrivateLeveret start(List<String> jvmArgs, String config) throws IOException {
        return start(Files.createTempDirectory("leveret-private"), jvmArgs, config);
    }

    /** Starts on {@code dir} (its data_dir is dir/data, so a second start there is a restart). */
    static PrivateLeveret start(Path dir, List<String> jvmArgs, String config) throws IOException {
        Path portFile = dir.resolve("port");
        Path tlsPortFile = dir.resolve("port.tls");
        Files.deleteIfExists(portFile);
        Files.deleteIfExists(tlsPortFile);
        Files.deleteIfExists(dir.resolve("management.port"));
        Path conf = dir.resolve("leveret.conf");
        Files.writeString(conf, "listeners.tcp.default = 0\n"
                + "port_file = " + portFile + "\n"
                + "management.tcp.port = 0\n"
                + "management.port_file = " + dir.resolve("management.port") + "\n"
                + "prometheus.tcp.port = 0\n"
                + "data_dir = " + dir.resolve("data") + "\n"
                + config + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        // Leak detection first, so that a test's own JVM options can override it.
        cmd.add("-Dio.netty.leakDetection.level=paranoid");
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", jar().toString(), "--config",
                conf.toString()));
        Path log = dir.resolve("broker.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try {
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("broker exited with " + p.exitValue() + ":\n" + Files.readString(log));
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("broker did not start in " + START_TIMEOUT + ":\n"
                            + Files.readString(log));
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(e);
        }
        int tls = Files.exists(tlsPortFile) ? Integer.parseInt(Files.readString(tlsPortFile).trim()) : -1;
        return new PrivateLeveret(p, dir, Integer.parseInt(Files.readString(portFile).trim()), tls);
    }

    int port() {
        return port;
    }

    /** The management API's port, or -1 when the test's config turned management off. */
    int managementPort() {
        try {
            Path f = dir.resolve("management.port");
            return Files.exists(f) ? Integer.parseInt(Files.readString(f).trim()) : -1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int tlsPort() {
        return tlsPort;
    }

    Path dir() {
        return dir;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("broker.log"));
        } catch (IOException e) {
            return "";
        }
    }

    String uri(String user, String password, String vhost) {
        return "amqp://" + user + ":" + password + "@127.0.0.1:" + port + "/"
                + java.net.URLEncoder.encode(vhost, java.nio.charset.StandardCharsets.UTF_8);
    }

    ConnectionFactory factory(String user, String password, String vhost) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(vhost);
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        return f;
    }

    /** SIGTERM, and the exit status once it has stopped (-1 if it still runs after {@code seconds}). */
    int terminate(int seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
