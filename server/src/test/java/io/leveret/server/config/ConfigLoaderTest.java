package io.leveret.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("leveret.conf"), List.of(lines));
    }

    private static BrokerConfig load(Map<String, String> env, String... args) {
        return ConfigLoader.load(args, env);
    }

    @Test
    void defaultsAreRabbitMqs() {
        BrokerConfig config = BrokerConfig.defaults();
        assertEquals(List.of(new Listener(null, 5672)), config.listeners());
        assertEquals(Path.of("./data"), config.dataDir());
        assertNull(config.portFile());
        assertEquals(60, config.heartbeat());
        assertEquals(131072, config.frameMax());
        assertEquals(2047, config.channelMax());
        assertEquals("guest", config.defaultUser());
        assertEquals("guest", config.defaultPass());
        assertEquals("/", config.defaultVhost());
        assertEquals(134217728L, config.maxMessageSize());
        assertEquals(10000, config.handshakeTimeoutMillis());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void noArgumentsAndNoEnvironmentGiveTheDefaults() {
        assertEquals(BrokerConfig.defaults(), load(Map.of()));
    }

    @Test
    void fileWithCommentsBlankLinesAndWhitespace() throws IOException {
        Path conf = file(
                "# a comment",
                "",
                "   # an indented comment",
                "  heartbeat   =   30  ",
                "\t",
                "default_pass = s3cr=t#not-a-comment",
                "data_dir=/var/lib/leveret",
                "port_file = " + dir.resolve("port"),
                "default_vhost = prod",
                "frame_max = 128KB",
                "handshake_timeout = infinity");
        BrokerConfig config = load(Map.of(), "--config", conf.toString());
        assertEquals(30, config.heartbeat());
        assertEquals("s3cr=t#not-a-comment", config.defaultPass());
        assertEquals(Path.of("/var/lib/leveret"), config.dataDir());
        assertEquals(dir.resolve("port"), config.portFile());
        assertEquals("prod", config.defaultVhost());
        assertEquals(131072, config.frameMax());
        assertEquals(Integer.MAX_VALUE, config.handshakeTimeoutMillis());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void specialValues() throws IOException {
        Path conf = file("frame_max = 0", "channel_max = 0", "heartbeat = 0", "max_message_size = 512MB",
                "listeners.tcp.default = 0");
        BrokerConfig config = load(Map.of(), "--config", conf.toString());
        assertEquals(0, config.frameMax(), "0 = no limit, AMQP 4.2.3");
        assertEquals(65535, config.channelMax(), "0 = no limit, stored as the 16-bit maximum");
        assertEquals(0, config.heartbeat());
        assertEquals(536870912L, config.maxMessageSize());
        assertEquals(List.of(new Listener(null, 0)), config.listeners());
    }

    @Test
    void listenersAsPortsHostsAndFamilyMembersInFileOrder() throws IOException {
        Path conf = file(
                "listeners.tcp.local = 127.0.0.1:5673",
                "listeners.tcp.v6 = [::1]:5673",
                "listeners.tcp.bare_v6 = ::1:5674",
                "listeners.tcp.default = 5672",
                "listeners.tcp.host = localhost:5675");
        BrokerConfig config = load(Map.of(), "--config", conf.toString());
        assertEquals(List.of(new Listener("127.0.0.1", 5673), new Listener("::1", 5673), new Listener("::1", 5674),
                Listener.allInterfaces(5672), new Listener("localhost", 5675)), config.listeners());
        assertEquals("[::1]:5673", config.listeners().get(1).toString());
    }

    @Test
    void anExplicitListenerReplacesTheDefaultOneAsInRabbitMq() throws IOException {
        Path conf = file("listeners.tcp.1 = 127.0.0.1:5672");
        assertEquals(List.of(new Listener("127.0.0.1", 5672)),
                load(Map.of(), "--config", conf.toString()).listeners());
    }

    @Test
    void twoListenersOnTheSameFixedAddressStopBoot() throws IOException {
        Path conf = file("listeners.tcp.a = 5673", "listeners.tcp.b = 5673", "listeners.tcp.c = 0",
                "listeners.tcp.d = 0");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), "--config", conf.toString()));
        assertTrue(e.getMessage().contains("listeners.tcp.b") && e.getMessage().contains("listeners.tcp.a"),
                e.getMessage());
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path conf = file("heartbeat = 10", "channel_max = 10", "frame_max = 10000", "listeners.tcp.default = 5001");
        Map<String, String> env = Map.of(
                "LEVERET_CONFIG", conf.toString(),
                "LEVERET_HEARTBEAT", "20",
                "LEVERET_CHANNEL_MAX", " 20 ",
                "LEVERET_LISTENERS_TCP_DEFAULT", "5002");
        BrokerConfig config = load(env, "--set", "heartbeat=30", "--set", "listeners.tcp.default = 5003");
        assertEquals(30, config.heartbeat(), "command line over environment");
        assertEquals(20, config.channelMax(), "environment over file");
        assertEquals(10000, config.frameMax(), "file over default");
        assertEquals(List.of(Listener.allInterfaces(5003)), config.listeners());
        assertEquals(134217728L, config.maxMessageSize(), "default");
    }

    @Test
    void environmentSetsListenerFamilyMembersAndOursKeys() {
        BrokerConfig config = load(Map.of(
                "LEVERET_LISTENERS_TCP_LOCAL", "127.0.0.1:0",
                "LEVERET_DATA_DIR", "/tmp/x",
                "PATH", "/usr/bin"));
        assertEquals(List.of(new Listener("127.0.0.1", 0)), config.listeners());
        assertEquals(Path.of("/tmp/x"), config.dataDir());
    }

    @Test
    void commandLineConfigBeatsEnvironmentConfig() throws IOException {
        Path chosen = file("heartbeat = 7");
        Path ignored = Files.write(dir.resolve("other.conf"), List.of("heartbeat = 8"));
        assertEquals(7, load(Map.of("LEVERET_CONFIG", ignored.toString()), "--config=" + chosen).heartbeat());
    }

    @Test
    void anEmptyOverrideUnsetsThePortFile() throws IOException {
        Path conf = file("port_file = /tmp/port");
        assertNull(load(Map.of(), "--config", conf.toString(), "--set", "port_file=").portFile());
    }

    @Test
    void unknownKeyInFileStopsBootNamingKeyAndLine() throws IOException {
        Path conf = file("heartbeat = 5", "", "heartbeet = 5");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), "--config", conf.toString()));
        assertTrue(e.getMessage().startsWith("unknown key 'heartbeet' in " + conf + " line 3"), e.getMessage());
    }

    @Test
    void unknownKeyOnCommandLineStopsBoot() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), "--set", "nope=1"));
        assertTrue(e.getMessage().startsWith("unknown key 'nope' in command line --set nope=1"), e.getMessage());
    }

    @Test
    void managementKeysAreHonoured() throws IOException {
        BrokerConfig defaults = BrokerConfig.defaults();
        assertEquals(new BrokerConfig.Management(true, null, 15672, null), defaults.management());
        Path conf = file("management.tcp.port = 0", "management.tcp.ip = 127.0.0.1", "management.enabled = false",
                "management.port_file = /tmp/mgmt.port");
        BrokerConfig config = load(Map.of(), "--config", conf.toString());
        assertEquals(new BrokerConfig.Management(false, "127.0.0.1", 0, Path.of("/tmp/mgmt.port")), config.management());
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
        assertThrows(ConfigException.class, () -> load(Map.of(), "--set", "management.tcp.port=65536"));
    }

    @Test
    void rabbitMqKeysNotSupportedYetAreWarnedAboutAndIgnored() throws IOException {
        Path conf = file(
                "loopback_users.guest = false",
                "loopback_users = none",
                "listeners.ssl.default = 5671",
                "ssl_options.cacertfile = /x/ca.pem",
                "vm_memory_high_watermark.relative = 0.6",
                "log.console.level = info",
                "management.ssl.port = 15671",
                "consumer_timeout = 1800000",
                "heartbeat = 15");
        BrokerConfig config = load(Map.of(), "--config", conf.toString(), "--set", "cluster_name=c1");
        assertEquals(15, config.heartbeat());
        assertEquals(2, config.warnings().size(), config.warnings().toString());
        // management.tcp.* and management.enabled are honoured; the rest of management.* is still warned about.
        assertEquals("ignoring key 'management.ssl.port' in " + conf
                + " line 7: a RabbitMQ setting Leveret does not support yet", config.warnings().get(0));
        assertEquals("c1", config.clusterName());
    }

    @Test
    void aRepeatedKeyInTheFileWarnsAndTheLaterValueWins() throws IOException {
        Path conf = file("heartbeat = 5", "heartbeat = 6");
        BrokerConfig config = load(Map.of(), "--config", conf.toString());
        assertEquals(6, config.heartbeat());
        assertEquals(List.of("key 'heartbeat' in " + conf + " line 2 repeats " + conf + " line 1; the later value wins"),
                config.warnings());
    }

    @Test
    void unknownLeveretEnvironmentVariableIsWarnedAbout() {
        BrokerConfig config = load(Map.of("LEVERET_HOME", "/opt/leveret"));
        assertEquals(List.of("ignoring environment variable LEVERET_HOME: it names no Leveret setting"),
                config.warnings());
    }

    @Test
    void missingConfigFileIsAClearError() {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), "--config", missing.toString()));
        assertEquals("cannot read config file " + missing + ": no such file", e.getMessage());
        ConfigException fromEnv = assertThrows(ConfigException.class,
                () -> load(Map.of("LEVERET_CONFIG", missing.toString())));
        assertEquals(e.getMessage(), fromEnv.getMessage());
    }

    @Test
    void aLineWithoutEqualsSignIsAnError() throws IOException {
        Path conf = file("heartbeat 60");
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), "--config", conf.toString()));
        assertEquals("cannot parse 'heartbeat 60' in " + conf + " line 1: expected 'key = value'", e.getMessage());
    }

    @Test
    void badCommandLinesAreErrors() {
        assertThrows(ConfigException.class, () -> load(Map.of(), "--port", "5672"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "--config"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "--set", "heartbeat"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "--set", "=5"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "--config", "a", "--config", "b"));
        assertThrows(ConfigException.class, () -> load(Map.of(), "--help"));
        assertTrue(ConfigLoader.helpRequested(new String[] {"--set", "heartbeat=1", "--help"}));
        assertTrue(ConfigLoader.usage().contains("--config FILE"));
    }

    @Test
    void theResultIsImmutable() {
        BrokerConfig config = load(Map.of("LEVERET_HOME", "x"));
        assertThrows(UnsupportedOperationException.class, () -> config.listeners().clear());
        assertThrows(UnsupportedOperationException.class, () -> config.warnings().clear());
    }
}
