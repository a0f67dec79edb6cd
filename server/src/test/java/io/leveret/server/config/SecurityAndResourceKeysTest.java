package io.leveret.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The keys of issue 4: TLS, users and permissions, limits and alarms, definitions, logging. */
class SecurityAndResourceKeysTest {
    @TempDir
    Path dir;

    private BrokerConfig load(String... lines) throws IOException {
        Path conf = Files.write(dir.resolve("leveret.conf"), List.of(lines));
        return ConfigLoader.load(new String[] {"--config", conf.toString()}, Map.of());
    }

    @Test
    void defaultsAreRabbitMqs() {
        BrokerConfig c = BrokerConfig.defaults();
        assertTrue(c.tls().listeners().isEmpty());
        assertFalse(c.tls().verifyPeer());
        assertEquals(List.of("administrator"), c.security().defaultUserTags());
        assertEquals(".*", c.security().defaultConfigure());
        assertEquals(Set.of("guest"), c.security().loopbackUsers());
        assertEquals(List.of("PLAIN", "AMQPLAIN"), c.security().authMechanisms());
        assertEquals(Integer.MAX_VALUE, c.resources().connectionMax());
        assertEquals(0.4, c.resources().memoryRelative());
        assertEquals(-1, c.resources().memoryAbsolute());
        assertEquals(0.5, c.resources().pagingRatio());
        assertEquals(50L << 20, c.resources().diskFreeAbsolute());
        assertNull(c.loadDefinitions());
        assertEquals("info", c.log().consoleLevel());
        assertEquals("", c.clusterName());
    }

    @Test
    void tlsKeys() throws IOException {
        BrokerConfig c = load("listeners.ssl.default = 127.0.0.1:5671", "ssl_options.cacertfile = /etc/ca.pem",
                "ssl_options.certfile = /etc/s.pem", "ssl_options.keyfile = /etc/s.key",
                "ssl_options.verify = verify_peer", "ssl_options.fail_if_no_peer_cert = true");
        assertEquals(List.of(new Listener("127.0.0.1", 5671)), c.tls().listeners());
        assertEquals(Path.of("/etc/ca.pem"), c.tls().caCertFile());
        assertTrue(c.tls().verifyPeer());
        assertTrue(c.tls().failIfNoPeerCert());
        assertTrue(c.warnings().isEmpty(), c.warnings().toString());
        ConfigException e = assertThrows(ConfigException.class, () -> load("ssl_options.verify = verify_maybe"));
        assertTrue(e.getMessage().contains("expected one of verify_none, verify_peer"), e.getMessage());
    }

    @Test
    void familiesReplaceTheirDefaults() throws IOException {
        BrokerConfig c = load("default_user_tags.monitoring = true", "default_user_tags.management = false",
                "loopback_users.alice = true", "auth_mechanisms.1 = EXTERNAL", "auth_mechanisms.2 = PLAIN");
        assertEquals(List.of("monitoring"), c.security().defaultUserTags());
        assertEquals(Set.of("alice"), c.security().loopbackUsers());
        assertEquals(List.of("EXTERNAL", "PLAIN"), c.security().authMechanisms());
        assertEquals(Set.of(), load("loopback_users = none").security().loopbackUsers());
        assertEquals(Set.of(), load("loopback_users.guest = false").security().loopbackUsers());
        assertThrows(ConfigException.class, () -> load("auth_mechanisms.1 = CRAM-MD5"));
    }

    @Test
    void limitsAndAlarms() throws IOException {
        BrokerConfig c = load("connection_max = 10", "vm_memory_high_watermark.absolute = 256MB",
                "disk_free_limit.relative = 1.5");
        assertEquals(10, c.resources().connectionMax());
        assertEquals(256L << 20, c.resources().memoryAbsolute());
        assertEquals(1.5, c.resources().diskFreeRelative());
        assertEquals(Integer.MAX_VALUE, load("connection_max = infinity").resources().connectionMax());
        assertEquals(0.6, load("vm_memory_high_watermark.relative = 0.6").resources().memoryRelative());
        ConfigException e = assertThrows(ConfigException.class, () -> load("vm_memory_high_watermark.relative = 2"));
        assertTrue(e.getMessage().startsWith("bad value '2' for key 'vm_memory_high_watermark.relative'"),
                e.getMessage());
        assertThrows(ConfigException.class, () -> load("connection_max = lots"));
        assertEquals(0.75, load("vm_memory_high_watermark_paging_ratio = 0.75").resources().pagingRatio());
        assertThrows(ConfigException.class, () -> load("vm_memory_high_watermark_paging_ratio = 1.5"));
    }

    @Test
    void definitionsLoggingAndName() throws IOException {
        BrokerConfig c = load("load_definitions = /etc/defs.json", "log.file = /var/log/leveret.log",
                "log.file.level = warning", "log.console.level = debug", "cluster_name = prod");
        assertEquals(Path.of("/etc/defs.json"), c.loadDefinitions());
        assertEquals(Path.of("/var/log/leveret.log"), c.log().file());
        assertEquals("warning", c.log().fileLevel());
        assertEquals("debug", c.log().consoleLevel());
        assertEquals("prod", c.clusterName());
        assertThrows(ConfigException.class, () -> load("log.console.level = loud"));
    }

    @Test
    void environmentReachesTheNewKeys() {
        BrokerConfig c = ConfigLoader.load(new String[0], Map.of("LEVERET_CONNECTION_MAX", "3",
                "LEVERET_SSL_OPTIONS_VERIFY", "verify_peer"));
        assertEquals(3, c.resources().connectionMax());
        assertTrue(c.tls().verifyPeer());
    }
}
