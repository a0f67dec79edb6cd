package io.leveret.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@code com.rabbitmq.perf.PerfTest} in a child JVM (its main calls System.exit) with output to a log
 * file, then reads the log back.
 */
final class PerfTestRunner {
    private static final String MAIN = "com.rabbitmq.perf.PerfTest";

    private final String classpath;
    private final List<String> jvmOptions;
    private volatile Process running;

    /** A finished run: PerfTest's exit status and what it printed. */
    record Run(int exitCode, List<String> lines) {
        /** PerfTest prints exceptions on failure but may still exit 0 (a consumer that lost its channel). */
        boolean errorsInLog() {
            return lines.stream().map(l -> l.toLowerCase(Locale.ROOT))
                    .anyMatch(l -> l.contains("exception") || l.contains("error"));
        }
    }

    PerfTestRunner(Path classpathFile, List<String> jvmOptions) throws IOException {
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException("no PerfTest classpath at " + classpathFile
                    + ": run the harness through the bench profile (README, Performance)");
        }
        this.classpath = Files.readString(classpathFile).trim();
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Runs PerfTest against {@code uri} with {@code args}; {@code log} receives its output. */
    Run run(String uri, List<String> args, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, MAIN, "-h", uri));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        running = p;
        try {
            int rc = p.waitFor();
            // malformed bytes (a "µ" in another charset) become U+FFFD instead of failing the read
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return new Run(rc, text.lines().toList());
        } finally {
            running = null;
        }
    }

    /** Ends a PerfTest still running (the harness is being stopped). */
    void stopRunning() {
        Process p = running;
        if (p != null) {
            p.destroyForcibly();
        }
    }
}
