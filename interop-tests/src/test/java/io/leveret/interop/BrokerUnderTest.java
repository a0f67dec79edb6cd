package io.leveret.interop;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker the suites talk to. With {@code -Dinterop.uri=amqp://user:pass@host:port/vhost} that is any
 * running broker; without it, the built {@code server/target/leveret.jar} is started once per test JVM on a
 * port it chooses itself (it writes the port to a file we wait for), with a throw-away data directory.
 *
 * <p>Suites that need a broker configured a particular way call {@link #startLeveret(String)} for a private
 * instance, and are skipped against an external broker.
 */
public final class BrokerUnderTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static BrokerUnderTest shared;

    private final String uri;
    private final Process process;
    private final Path workDir;

    private BrokerUnderTest(String uri, Process process, Path workDir) {
        this.uri = uri;
        this.process = process;
        this.workDir = workDir;
    }

    /** The broker every suite shares: external if {@code interop.uri} is set, else one Leveret for the JVM. */
    public static synchronized BrokerUnderTest shared() {
        if (shared == null) {
            String external = System.getProperty("interop.uri", "");
            if (!external.isBlank()) {
                shared = new BrokerUnderTest(external.trim(), null, null);
            } else {
                shared = startLeveret("");
                BrokerUnderTest s = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(s::stop, "stop-leveret"));
            }
        }
        return shared;
    }

    /** True when the suites run against a broker given by URI rather than one they started. */
    public static boolean isExternal() {
        return !System.getProperty("interop.uri", "").isBlank();
    }

    /**
     * Starts a private Leveret with {@code extraConfig} (rabbitmq.conf lines) added to the test defaults.
     * The caller stops it.
     */
    public static BrokerUnderTest startLeveret(String extraConfig) {
        try {
            Path jar = Path.of(System.getProperty("leveret.jar", "../server/target/leveret.jar")).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no broker jar at " + jar + ": run 'mvn package' first, or pass -Dinterop.uri");
            }
            Path dir = Files.createTempDirectory("leveret-interop");
            Path portFile = dir.resolve("port");
            Path conf = dir.resolve("leveret.conf");
            Files.writeString(conf, "listeners.tcp.default = 0\n"
                    + "port_file = " + portFile + "\n"
                    + "data_dir = " + dir.resolve("data") + "\n"
                    + extraConfig + "\n");
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx512m",
                    "-Dio.netty.leakDetection.level=paranoid", "-jar", jar.toString(), "--config", conf.toString()));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("broker.log").toFile())
                    .start();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("broker exited with " + p.exitValue() + ":\n"
                            + Files.readString(dir.resolve("broker.log")));
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("broker did not start in " + START_TIMEOUT);
                }
                Thread.sleep(20);
            }
            int port = Integer.parseInt(Files.readString(portFile).trim());
            return new BrokerUnderTest("amqp://guest:guest@127.0.0.1:" + port + "/%2F", p, dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code amqp://user:pass@host:port/vhost}, vhost URL-encoded ({@code %2F} for "/"). */
    public String uri() {
        return uri;
    }

    public String host() {
        return URI.create(uri).getHost();
    }

    public int port() {
        int p = URI.create(uri).getPort();
        return p == -1 ? 5672 : p;
    }

    public String user() {
        String info = URI.create(uri).getRawUserInfo();
        return info == null ? "guest" : URLDecoder.decode(info.split(":", 2)[0], StandardCharsets.UTF_8);
    }

    public String password() {
        String info = URI.create(uri).getRawUserInfo();
        return info == null || !info.contains(":") ? "guest"
                : URLDecoder.decode(info.split(":", 2)[1], StandardCharsets.UTF_8);
    }

    public String vhost() {
        String path = URI.create(uri).getRawPath();
        return path == null || path.length() <= 1 ? "/" : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
    }

    /** A Java-client connection factory for this broker. */
    public ConnectionFactory factory() {
        try {
            ConnectionFactory f = new ConnectionFactory();
            f.setUri(uri);
            f.setAutomaticRecoveryEnabled(false);
            f.setTopologyRecoveryEnabled(false);
            return f;
        } catch (Exception e) {
            throw new IllegalStateException("bad interop.uri " + uri, e);
        }
    }

    /** The broker's log so far (empty for an external broker). */
    public String log() {
        try {
            return workDir == null ? "" : Files.readString(workDir.resolve("broker.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops a broker this class started (SIGTERM, then SIGKILL after 10 s); no-op for an external one. */
    public void stop() {
        if (process == null) {
            return;
        }
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
