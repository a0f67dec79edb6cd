package io.leveret.server.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static Settings resolve(Map<String, String> env, String... args) throws CtlException {
        return Settings.resolve(Invocation.parse(args), env);
    }

    @Test
    void defaultsAreLocalhostAndGuest() throws CtlException {
        Settings s = resolve(Map.of(), "list_users");
        assertEquals("http://localhost:15672", s.target());
        assertEquals("guest", s.username());
        assertEquals("guest", s.password());
        assertEquals(Duration.ofSeconds(60), s.timeout());
    }

    @Test
    void nodeNameGivesTheHost() throws CtlException {
        assertEquals("http://broker1:15672", resolve(Map.of(), "-n", "rabbit@broker1", "list_users").target());
        assertEquals("http://localhost:15672", resolve(Map.of(), "-n", "rabbit", "list_users").target());
    }

    @Test
    void optionBeatsEnvironmentBeatsNodeName() throws CtlException {
        Map<String, String> env = Map.of("LEVERETCTL_URL", "http://env:1/", "LEVERETCTL_USERNAME", "eu",
                "LEVERETCTL_PASSWORD", "ep");
        Settings fromEnv = resolve(env, "-n", "rabbit@localhost", "list_users");
        assertEquals("http://env:1", fromEnv.target());
        assertEquals("eu", fromEnv.username());
        assertEquals("ep", fromEnv.password());
        Settings fromOptions = resolve(env, "--url", "http://opt:2", "--username", "ou", "--password", "op", "list_users");
        assertEquals("http://opt:2", fromOptions.target());
        assertEquals("ou", fromOptions.username());
        assertEquals("op", fromOptions.password());
    }

    @Test
    void badUrlOrTimeoutIsAUsageError() {
        assertEquals(CtlException.USAGE, assertThrows(CtlException.class,
                () -> resolve(Map.of(), "--url", "ftp://x", "list_users")).exitCode());
        assertEquals(CtlException.USAGE, assertThrows(CtlException.class,
                () -> resolve(Map.of(), "-t", "soon", "list_users")).exitCode());
    }

    @Test
    void timeoutIsInSeconds() throws CtlException {
        assertEquals(Duration.ofMillis(2500), resolve(Map.of(), "-t", "2.5", "list_users").timeout());
    }
}
