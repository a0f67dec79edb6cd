package io.leveret.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The Leveret under benchmark: the built jar on a port the OS picks (written to a port file we wait for), with
 * a throw-away data directory. Its log goes to {@code broker.log} in the run's output folder.
 */
final class LeveretProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path workDir;
    private final String uri;
    /** Closed by the run's end or by Ctrl-C's shutdown hook, whichever comes first. */
    private final AtomicBoolean closed = new AtomicBoolean();

    private LeveretProcess(Process process, Path workDir, String uri) {
        this.process = process;
        this.workDir = workDir;
        this.uri = uri;
    }

    static LeveretProcess start(Path jar, List<String> jvmOptions, Path log) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no broker jar at " + jar + ": run the bench profile with -am (README)");
        }
        Path dir = Files.createTempDirectory("leveret-bench");
        Path portFile = dir.resolve("port");
        Files.writeString(dir.resolve("leveret.conf"), "listeners.tcp.default = 127.0.0.1:0\n"
                + "management.enabled = false\n"
                + "port_file = " + portFile + "\n"
                + "prometheus.tcp.ip = 127.0.0.1\nprometheus.tcp.port = 0\n"
                + "data_dir = " + dir.resolve("data") + "\n");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "--config", dir.resolve("leveret.conf").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
            if (!p.isAlive()) {
                deleteTree(dir);
                throw new IllegalStateException("broker exited with " + p.exitValue() + ", see " + log);
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                deleteTree(dir);
                throw new IllegalStateException("broker did not start in " + START_TIMEOUT + ", see " + log);
            }
            Thread.sleep(20);
        }
        int port = Integer.parseInt(Files.readString(portFile).trim());
        return new LeveretProcess(p, dir, "amqp://guest:guest@127.0.0.1:" + port + "/%2F");
    }

    String uri() {
        return uri;
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM, SIGKILL if it has not exited after ten seconds; then the data directory goes. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(workDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            System.err.println("[bench] could not delete " + dir + ": " + e.getMessage());
        }
    }
}
