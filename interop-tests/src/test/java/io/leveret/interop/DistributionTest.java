package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive as a user gets it: unpacked into an empty folder, bin/leveret started (data dir and port
 * through the environment and --set), persistent messages published, SIGTERM, started again, messages back.
 */
class DistributionTest {
    private static final int MESSAGES = 200;

    @Test
    void unpackRunStopRunAgain(@TempDir Path dir) throws Exception {
        PrivateLeveret.assumeLocal();
        Path archive = Path.of(System.getProperty("leveret.dist", "../server/target/leveret.tar.gz"));
        assertTrue(Files.isRegularFile(archive), "build the archive first (mvn package): " + archive);
        Process tar = new ProcessBuilder("tar", "xzf", archive.toAbsolutePath().toString(), "-C", dir.toString())
                .inheritIO().start();
        assertEquals(0, tar.waitFor());
        Path home;
        try (var s = Files.list(dir)) {
            home = s.filter(p -> p.getFileName().toString().startsWith("leveret-")).findFirst().orElseThrow();
        }
        for (String f : List.of("bin/leveret", "bin/leveretctl", "conf/leveret.conf", "conf/leveret.service",
                "lib/leveret.jar", "LICENSE", "README")) {
            assertTrue(Files.exists(home.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(home.resolve("bin/leveret")));

        Process first = start(home);
        int port = awaitPort(home, first);
        // Left open on purpose: the broker closes it (320) when it stops.
        Connection open = factory(port).newConnection();
        Channel ch = open.createChannel();
        ch.queueDeclare("dist-kept", true, false, false, null);
        ch.confirmSelect();
        for (int i = 0; i < MESSAGES; i++) {
            ch.basicPublish("", "dist-kept", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    ("d" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(10_000);
        first.destroy(); // SIGTERM, to java itself: the script execs it
        assertTrue(first.waitFor(10, TimeUnit.SECONDS), "stopped after SIGTERM");
        assertEquals(0, first.exitValue(), log(home));
        assertTrue(!open.isOpen(), "the client was told");

        Process second = start(home);
        try {
            int again = awaitPort(home, second);
            try (Connection c = factory(again).newConnection(); Channel get = c.createChannel()) {
                for (int i = 0; i < MESSAGES; i++) {
                    GetResponse r = get.basicGet("dist-kept", true);
                    assertNotNull(r, "message " + i);
                    assertEquals("d" + i, new String(r.getBody(), StandardCharsets.UTF_8));
                }
            }
        } finally {
            second.destroy();
            if (!second.waitFor(10, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
        assertEquals(0, second.exitValue(), log(home));
    }

    private static Process start(Path home) throws IOException {
        Files.deleteIfExists(home.resolve("port"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/leveret").toString(),
                "--set", "listeners.tcp.default=127.0.0.1:0", "--set", "port_file=" + home.resolve("port"),
                "--set", "prometheus.tcp.port=0")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("broker.log").toFile()));
        pb.environment().put("LEVERET_DATA_DIR", home.resolve("data").toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        pb.environment().remove("LEVERET_CONFIG");
        return pb.start();
    }

    private static int awaitPort(Path home, Process p) throws Exception {
        Path portFile = home.resolve("port");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(portFile) || Files.readString(portFile).isBlank()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("bin/leveret did not start:\n" + log(home));
            }
            Thread.sleep(20); // polling the port file, the broker's own signal that it serves
        }
        return Integer.parseInt(Files.readString(portFile).trim());
    }

    private static ConnectionFactory factory(int port) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(port);
        f.setAutomaticRecoveryEnabled(false);
        return f;
    }

    private static String log(Path home) {
        try {
            return Files.readString(home.resolve("broker.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
