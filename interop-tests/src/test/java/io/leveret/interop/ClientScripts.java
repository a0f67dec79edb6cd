package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the pika and amqplib scripts as child processes. A script prints one line per check and exits
 * non-zero on a failure; its whole output goes into the assertion message.
 *
 * <p>A missing client (python3-pika, node or the npm-installed amqplib) skips the suite, unless
 * {@code -Dinterop.requireClients=true} (CI), where it fails it.
 */
final class ClientScripts {
    static final String PYTHON = "/usr/bin/python3";
    static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private static Boolean pikaPresent;
    private static Boolean nodePresent;

    private ClientScripts() {
    }

    static Path pythonDir() {
        return Path.of(System.getProperty("interop.pythonDir", "src/test/python")).toAbsolutePath();
    }

    static Path nodeDir() {
        return Path.of(System.getProperty("interop.nodeDir", "target/node")).toAbsolutePath();
    }

    static boolean clientsRequired() {
        return Boolean.parseBoolean(System.getProperty("interop.requireClients", "false"));
    }

    /** Skips (or, when clients are required, fails) unless {@code /usr/bin/python3 -c 'import pika'} works. */
    static synchronized void requirePika() {
        if (pikaPresent == null) {
            pikaPresent = exitsZero(List.of(PYTHON, "-c", "import pika"));
        }
        require(pikaPresent, "python3-pika is not installed (apt-get install python3-pika)");
    }

    /** Skips (or fails) unless node runs and the build installed amqplib into {@link #nodeDir()}. */
    static synchronized void requireAmqplib() {
        if (nodePresent == null) {
            nodePresent = exitsZero(List.of("node", "--version"))
                    && Files.isRegularFile(nodeDir().resolve("node_modules/amqplib/package.json"));
        }
        require(nodePresent, "node or amqplib is missing (the build runs 'npm ci' in " + nodeDir() + ")");
    }

    /** Skips (or fails) unless RabbitMQ's rabbitmqadmin (Debian's rabbitmq-server package) is installed. */
    static void requireRabbitmqadmin() {
        require(Files.isExecutable(Path.of(RABBITMQADMIN)),
                "rabbitmqadmin is not installed (apt-get install rabbitmq-server)");
    }

    /** Debian's chromium and chromium-driver, which the web UI's browser tests drive. */
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    /** Skips (or fails) unless Debian's chromium and chromium-driver are installed. */
    static void requireChromium() {
        require(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "chromium or chromedriver is not installed (apt-get install chromium chromium-driver)");
    }

    /** Skips (or fails) unless Debian's firefox-esr is installed. */
    static void requireFirefox() {
        require(Files.isExecutable(Path.of(FirefoxRelay.FIREFOX)),
                "firefox-esr is not installed (apt-get install firefox-esr)");
    }

    /** Debian installs it here; the test runs this very file. */
    static final String RABBITMQADMIN = "/usr/bin/rabbitmqadmin";

    private static void require(boolean present, String why) {
        if (!present && clientsRequired()) {
            fail(why + ", and interop.requireClients=true");
        }
        Assumptions.assumeTrue(present, why);
    }

    private static boolean exitsZero(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a pika script from src/test/python with the broker URI as argv[1] and asserts it passes. */
    static String runPython(BrokerUnderTest broker, String script, String... args) {
        return runToSuccess(python(broker, script, args), pythonDir());
    }

    /** Runs an amqplib script from the installed node dir with the broker URI as argv[2]. */
    static String runNode(BrokerUnderTest broker, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", script, broker.uri()));
        cmd.addAll(List.of(args));
        return runToSuccess(cmd, nodeDir());
    }

    static List<String> python(BrokerUnderTest broker, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", script, broker.uri()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String runToSuccess(List<String> command, Path dir) {
        Running r = Running.start(command, dir);
        int code = r.awaitExit(SCRIPT_TIMEOUT);
        assertEquals(0, code, () -> String.join(" ", command) + " exited " + code + ":\n" + r.output());
        return r.output();
    }

    /** A script running in the background, its stdout and stderr collected as they arrive. */
    static final class Running implements AutoCloseable {
        private final Process process;
        private final StringBuilder output = new StringBuilder();
        private final Thread reader;

        private Running(Process process) {
            this.process = process;
            this.reader = new Thread(this::pump, "script-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Running start(List<String> command, Path dir) {
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
                pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
                return new Running(pb.start());
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + command, e);
            }
        }

        private void pump() {
            byte[] buf = new byte[4096];
            try (InputStream in = process.getInputStream()) {
                int n;
                while ((n = in.read(buf)) != -1) {
                    synchronized (output) {
                        output.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away; what we have is the output
            }
        }

        String output() {
            synchronized (output) {
                return output.toString();
            }
        }

        /** Waits until the output contains {@code text}; fails with the output so far if it doesn't in time. */
        void awaitOutput(String text, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (output) {
                while (output.indexOf(text) < 0) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                        fail("no '" + text + "' in output within " + timeout + ":\n" + output);
                    }
                    try {
                        output.wait(Math.min(left, 100));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        fail("interrupted");
                    }
                }
            }
        }

        /** The exit code; the process is killed and the test fails if it runs past the timeout. */
        int awaitExit(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    fail("script still running after " + timeout + ", killed:\n" + output());
                }
                reader.join(5000);
                assertTrue(!reader.isAlive(), "output reader finished");
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
