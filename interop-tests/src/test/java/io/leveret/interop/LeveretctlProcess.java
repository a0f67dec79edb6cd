package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built jar's {@code ctl} as a separate process, as an operator's shell would, and collects what it printed. */
final class LeveretctlProcess {
    private LeveretctlProcess() {
    }

    /** What one run printed and how it ended. */
    record Result(int exitCode, String out, String err) {
        List<String> lines() {
            // every line ends in a newline: the piece after the last one is empty and not a line
            String[] pieces = out.split("\n", -1);
            return Arrays.asList(pieces).subList(0, pieces.length - 1);
        }

        Result ok() {
            assertEquals(0, exitCode, () -> "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
            return this;
        }
    }

    static Result run(List<String> args) {
        Path jar = Path.of(System.getProperty("leveret.jar", "../server/target/leveret.jar")).toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), "ctl"));
        command.addAll(args);
        return exec(command, 60);
    }

    /** Runs {@code command} with an empty stdin (so nothing waits for a password) and collects what it printed. */
    static Result exec(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("ctl", ".out");
            Path err = Files.createTempFile("ctl", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
