package io.leveret.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** log.console.level and log.file / log.file.level together, through SLF4J as the broker's code logs. */
class LogSinksTest {
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream realErr;
    @TempDir
    Path dir;

    @BeforeEach
    void captureStandardError() {
        realErr = System.err;
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() throws IOException {
        System.setErr(realErr);
        LogSinks.reset();
    }

    private List<String> consoleLines() {
        return console.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void theBrokersLoggersAreOurs() {
        assertInstanceOf(LeveretLogger.class, LoggerFactory.getLogger("io.leveret.x"));
    }

    @Test
    void consoleAndFileBothWriteEachAtItsOwnLevel() throws IOException {
        Path file = dir.resolve("leveret.log");
        LogSinks.configure(LogSinks.threshold("warning"), file, LogSinks.threshold("debug"));
        Logger log = LoggerFactory.getLogger("io.leveret.test.Both");
        log.debug("debug {}", 1);
        log.info("info {}", 2);
        log.warn("warn {} {}", 3, "x");
        log.error("error", new IllegalStateException("boom"));

        List<String> fileLines = Files.readAllLines(file);
        assertTrue(fileLines.get(0).matches("\\d+ \\[.+] DEBUG io\\.leveret\\.test\\.Both - debug 1"), fileLines.get(0));
        assertTrue(fileLines.get(1).endsWith("] INFO io.leveret.test.Both - info 2"), fileLines.get(1));
        assertTrue(fileLines.get(2).endsWith("] WARN io.leveret.test.Both - warn 3 x"), fileLines.get(2));
        assertTrue(fileLines.get(3).endsWith("] ERROR io.leveret.test.Both - error"), fileLines.get(3));
        assertEquals("java.lang.IllegalStateException: boom", fileLines.get(4));

        List<String> err = consoleLines();
        assertTrue(err.get(0).endsWith("] WARN io.leveret.test.Both - warn 3 x"), err.toString());
        assertTrue(err.get(1).endsWith("] ERROR io.leveret.test.Both - error"), err.toString());
        assertEquals("java.lang.IllegalStateException: boom", err.get(2));
        assertFalse(err.stream().anyMatch(l -> l.contains("info 2") || l.contains("debug 1")), err.toString());
    }

    @Test
    void theEnabledChecksFollowTheMoreVerboseDestination() throws IOException {
        Logger log = LoggerFactory.getLogger("io.leveret.test.Levels");
        LogSinks.configure(LogSinks.threshold("info"), null, LogSinks.threshold("debug"));
        assertFalse(log.isDebugEnabled(), "no file: the file's level does not count");
        assertTrue(log.isInfoEnabled());
        LogSinks.configure(LogSinks.threshold("none"), dir.resolve("f.log"), LogSinks.threshold("debug"));
        assertTrue(log.isDebugEnabled());
        assertFalse(log.isTraceEnabled());
        log.info("only in the file");
        assertTrue(consoleLines().isEmpty(), "console level none");
        LogSinks.configure(LogSinks.threshold("error"), dir.resolve("f.log"), LogSinks.threshold("none"));
        assertFalse(log.isWarnEnabled());
        log.error("on the console only");
        assertEquals(1, consoleLines().size());
        assertEquals(1, Files.readAllLines(dir.resolve("f.log")).size(), "the file kept its earlier line, appended to");
    }

    @Test
    void aFileThatCannotBeOpenedIsAnError() {
        assertThrows(IOException.class,
                () -> LogSinks.configure(LogSinks.threshold("info"), dir.resolve("no/such/dir/x.log"), 0));
    }

    @Test
    void rabbitMqLevelNames() {
        assertEquals(List.of(10, 20, 20, 30, 40, 40, LogSinks.OFF), List.of("debug", "info", "notice", "warning",
                "error", "critical", "none").stream().map(LogSinks::threshold).toList());
    }
}
