package io.leveret.interop;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The broker the suites talk to. With {@code -Dinterop.uri=amqp://user:pass@host:port/vhost} that is any
 * running broker; without it, the built {@code server/target/leveret.jar} is started once per test JVM on a
 * port it chooses itself (it writes the port to a file we wait for), with a throw-away data directory.
 *
 * <p>Suites that need a broker configured a particular way call {@link #startLeveret(String)} for a private
 * instance, and are skipped against an external broker.
 *
 * <p>A private broker can be stopped ({@link #stop()}: SIGTERM), killed ({@link #kill()}: SIGKILL) and started
 * again ({@link #start()}, {@link #restart()}) on the same data directory and configuration. The operating system
 * may hand out another port at each start, so {@link #uri()} and everything derived from it follow the newest
 * start: take a fresh {@link #factory()} after a restart.
 */
public final class BrokerUnderTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** How long a SIGTERM gets before {@link #stop()} falls back to SIGKILL. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static BrokerUnderTest shared;

    /** Rewritten by each start, read by every accessor: volatile, as a restart and a reader may be on different threads. */
    private volatile String uri;
    /** The management API's base URI ({@code http://host:port}), rewritten by each start like {@link #uri}. */
    private volatile String managementUri;
    private volatile Process process;
    private final Path workDir;
    private final Path jar;
    private final List<String> jvmOptions;
    /** Where a private broker is reached: 127.0.0.1, or its address in a {@link PrivateNetwork}. */
    private final String host;
    /** What the java command is run through, e.g. {@code ip netns exec <namespace>}; empty to run it directly. */
    private final List<String> launchPrefix;

    private BrokerUnderTest(String uri, Process process, Path workDir, Path jar, List<String> jvmOptions, String host,
                            List<String> launchPrefix) {
        this.uri = uri;
        this.process = process;
        this.workDir = workDir;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.host = host;
        this.launchPrefix = launchPrefix;
    }

    /** The broker every suite shares: external if {@code interop.uri} is set, else one Leveret for the JVM. */
    public static synchronized BrokerUnderTest shared() {
        if (shared == null) {
            String external = System.getProperty("interop.uri", "");
            if (!external.isBlank()) {
                shared = new BrokerUnderTest(external.trim(), null, null, null, List.of(), null, List.of());
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
        return startLeveret(extraConfig, List.of());
    }

    /**
     * As {@link #startLeveret(String)}, with {@code jvmOptions} after the defaults ({@code -Xmx512m}, paranoid
     * leak detection), so an option given here wins over a default; they apply to every later start too.
     */
    public static BrokerUnderTest startLeveret(String extraConfig, List<String> jvmOptions) {
        return startLeveret("127.0.0.1", List.of(), extraConfig, jvmOptions);
    }

    /**
     * As {@link #startLeveret(String, List)}, run through {@code launchPrefix} (for a host of a
     * {@link PrivateNetwork}: {@code ip netns exec <namespace>}, which execs java, so the process we hold is the
     * broker's own) and reached at {@code host}. The broker listens on every interface of its namespace.
     */
    public static BrokerUnderTest startLeveret(String host, List<String> launchPrefix, String extraConfig,
                                               List<String> jvmOptions) {
        try {
            Path jar = Path.of(System.getProperty("leveret.jar", "../server/target/leveret.jar")).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("no broker jar at " + jar + ": run 'mvn package' first, or pass -Dinterop.uri");
            }
            Path dir = Files.createTempDirectory("leveret-interop");
            Files.writeString(dir.resolve("leveret.conf"), "listeners.tcp.default = 0\n"
                    + "port_file = " + dir.resolve("port") + "\n"
                    + "management.tcp.port = 0\n"
                    + "management.port_file = " + dir.resolve("management.port") + "\n"
                    + "prometheus.tcp.port = 0\n"
                    + "prometheus.port_file = " + dir.resolve("prometheus.port") + "\n"
                    + "data_dir = " + dir.resolve("data") + "\n"
                    + extraConfig + "\n");
            BrokerUnderTest broker = new BrokerUnderTest(null, null, dir, jar, List.copyOf(jvmOptions), host,
                    List.copyOf(launchPrefix));
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a private broker again on its data directory and configuration, after {@link #stop()} or
     * {@link #kill()}; returns once it listens, with {@link #uri()} pointing at the port it bound this time.
     */
    public void start() {
        requirePrivate("start");
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("broker is still running (pid " + process.pid() + ")");
        }
        appendToLog("start again on " + dataDir());
        launch();
    }

    /**
     * A clean restart: SIGTERM, wait for the process to exit, start again on the same data directory. Fails
     * (and leaves the broker stopped) if the broker needed SIGKILL to go, since that would not be a clean stop.
     */
    public void restart() {
        requirePrivate("restart");
        appendToLog("restart: SIGTERM");
        if (!terminate()) {
            throw new IllegalStateException("broker did not exit within " + STOP_TIMEOUT + " of SIGTERM; it was killed");
        }
        start();
    }

    /** A crash: SIGKILL, no shutdown hooks, no flushing; returns once the process has exited. */
    public void kill() {
        requirePrivate("kill");
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("broker (pid " + p.pid() + ") still alive " + STOP_TIMEOUT + " after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        appendToLog("killed (SIGKILL), exit status " + p.exitValue());
    }

    /**
     * SIGSTOP: the broker freezes as a machine that stalls does (its sockets stay open, nothing answers) until
     * {@link #resume()}.
     */
    public void pause() {
        signal("STOP");
        appendToLog("paused (SIGSTOP)");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
        appendToLog("resumed (SIGCONT)");
    }

    private void signal(String name) {
        requirePrivate("signal");
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new IllegalStateException("broker is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A kill followed by a start on the same data directory. */
    public void killAndStart() {
        kill();
        start();
    }

    /** True while a broker this class started is running; false for an external one. */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The private broker's folder (config, port file, log, {@code data/}); null for an external broker. */
    public Path workDir() {
        return workDir;
    }

    /** Where the private broker keeps its definitions and messages; null for an external broker. */
    public Path dataDir() {
        return workDir == null ? null : workDir.resolve("data");
    }

    /** Stops a private broker (if running) and removes its folder, data and log included. */
    public void stopAndDelete() {
        stop();
        if (workDir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + workDir, e);
        }
    }

    /**
     * Starts the jar on {@link #workDir}'s config and waits for the port file. The stale port file of an earlier
     * start goes first, so the port read is the one this process bound. The log is appended to, so one file
     * tells the story of every start.
     */
    private void launch() {
        Path portFile = workDir.resolve("port");
        Path log = workDir.resolve("broker.log");
        try {
            Files.deleteIfExists(portFile);
            Files.deleteIfExists(workDir.resolve("management.port"));
            List<String> cmd = new ArrayList<>(launchPrefix);
            cmd.addAll(List.of(javaBinary(), "-Xmx512m", "-Dio.netty.leakDetection.level=paranoid"));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-jar", jar.toString(), "--config", workDir.resolve("leveret.conf").toString()));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            process = p;
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("broker exited with " + p.exitValue() + ":\n" + Files.readString(log));
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("broker did not start in " + START_TIMEOUT);
                }
                Thread.sleep(20);
            }
            int port = Integer.parseInt(Files.readString(portFile).trim());
            uri = "amqp://guest:guest@" + host + ":" + port + "/%2F";
            // The broker writes the management port before port_file, so it is there now unless a test's
            // config turned management off.
            Path mgmt = workDir.resolve("management.port");
            managementUri = Files.exists(mgmt) ? "http://" + host + ":" + Files.readString(mgmt).trim() : null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}; true if the broker exited on the SIGTERM alone. */
    private boolean terminate() {
        Process p = process;
        if (p == null) {
            return true;
        }
        p.destroy();
        try {
            if (p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                return true;
            }
            p.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void requirePrivate(String what) {
        if (workDir == null) {
            throw new UnsupportedOperationException("cannot " + what + " an external broker (" + uri + ")");
        }
    }

    /** A marker line between runs in the broker's log; the broker is not running while we write it. */
    private void appendToLog(String event) {
        try {
            Files.writeString(workDir.resolve("broker.log"), "---- interop-tests: " + event + " ----\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the log is for humans reading a failure; losing a marker line must not fail the test
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code amqp://user:pass@host:port/vhost}, vhost URL-encoded ({@code %2F} for "/"). */
    public String uri() {
        return uri;
    }

    /**
     * The management HTTP API's base URI, {@code http://host:port} without a trailing slash. For an external
     * broker it is {@code -Dinterop.management.uri}, by default the AMQP host on the AMQP port + 10000 (which
     * is where the reference RabbitMQ script puts it). Null for a private broker with management off.
     */
    public String managementUri() {
        if (workDir != null) {
            return managementUri;
        }
        String given = System.getProperty("interop.management.uri", "").trim();
        if (!given.isEmpty()) {
            return given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
        }
        return "http://" + host() + ":" + (port() + 10000);
    }

    public String host() {
        return URI.create(uri).getHost();
    }

    /**
     * The Prometheus endpoint's base, {@code http://host:port} (append {@code /metrics}): the property
     * {@code interop.prometheus.uri} if set; for an external broker otherwise the AMQP port + 10020 (15692 for
     * 5672, RabbitMQ's defaults, and what the reference script uses); for ours the port it wrote to its file.
     */
    public String prometheusUri() {
        String given = System.getProperty("interop.prometheus.uri", "");
        if (!given.isBlank()) {
            return given.trim().replaceAll("/+$", "");
        }
        if (workDir == null) {
            return "http://" + host() + ":" + (port() + 10020);
        }
        try {
            return "http://" + host + ":" + Files.readString(workDir.resolve("prometheus.port")).trim();
        } catch (IOException e) {
            throw new IllegalStateException("no Prometheus port file in " + workDir, e);
        }
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

    /**
     * Stops a broker this class started (SIGTERM, then SIGKILL after 10 s); no-op for an external one or one that
     * has already exited. {@link #start()} brings a private one back on the same data directory.
     */
    public void stop() {
        terminate();
    }
}
