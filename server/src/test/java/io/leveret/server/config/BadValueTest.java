package io.leveret.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key's bad values stop boot, with a message naming the key, the value and its source. */
class BadValueTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            heartbeat             | abc          | an integer 0..65535
            heartbeat             | -1           | an integer 0..65535
            heartbeat             | 65536        | an integer 0..65535
            heartbeat             | 1.5          | an integer 0..65535
            heartbeat             | ""           | an integer 0..65535
            channel_max           | 70000        | an integer 0..65535
            channel_max           | x            | an integer 0..65535
            frame_max             | 100          | 0 (no limit) or a size in bytes 4096..2147483647 (or with a unit: KB, MB, GB)
            frame_max             | 4095         | 0 (no limit) or a size in bytes 4096..2147483647 (or with a unit: KB, MB, GB)
            frame_max             | 2GB          | 0 (no limit) or a size in bytes 4096..2147483647 (or with a unit: KB, MB, GB)
            frame_max             | big          | 0 (no limit) or a size in bytes 4096..2147483647 (or with a unit: KB, MB, GB)
            max_message_size      | 536870913    | a size in bytes 1..536870912 (or with a unit: KB, MB, GB)
            max_message_size      | 0            | a size in bytes 1..536870912 (or with a unit: KB, MB, GB)
            max_message_size      | 1TB          | a size in bytes 1..536870912 (or with a unit: KB, MB, GB)
            max_message_size      | 99999999999999999999 | a size in bytes 1..536870912 (or with a unit: KB, MB, GB)
            handshake_timeout     | 0            | an integer 1..2147483647 (milliseconds) or 'infinity'
            handshake_timeout     | 10s          | an integer 1..2147483647 (milliseconds) or 'infinity'
            listeners.tcp.default | 65536        | a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672
            listeners.tcp.default | amqp         | a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672
            listeners.tcp.default | :5672        | a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672
            listeners.tcp.other   | localhost:x  | a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672
            listeners.tcp.other   | localhost:-1 | a port 0..65535, or host:port such as 127.0.0.1:5672 or [::1]:5672
            data_dir              | ""           | a file system path
            default_user          | ""           | a non-empty string
            default_vhost         | ""           | a non-empty string
            """)
    void badValueInFileNamesKeyValueFileAndLine(String key, String value, String expected) throws IOException {
        Path conf = Files.write(dir.resolve("x.conf"), List.of("# first line", key + " = " + value));
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--config", conf.toString()}, Map.of()));
        assertEquals("bad value '" + value + "' for key '" + key + "' in " + conf + " line 2: expected " + expected,
                e.getMessage());
    }

    @Test
    void badValueInEnvironmentNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[0], Map.of("LEVERET_HEARTBEAT", "abc")));
        assertEquals("bad value 'abc' for key 'heartbeat' in environment variable LEVERET_HEARTBEAT: "
                + "expected an integer 0..65535", e.getMessage());
    }

    @Test
    void badValueOnCommandLineNamesTheArgument() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--set", "frame_max=100"}, Map.of()));
        assertEquals("bad value '100' for key 'frame_max' in command line --set frame_max=100: expected 0 (no limit) "
                + "or a size in bytes 4096..2147483647 (or with a unit: KB, MB, GB)", e.getMessage());
    }

    @Test
    void aBadValueOverriddenByAHigherSourceDoesNotStopBoot() throws IOException {
        Path conf = Files.write(dir.resolve("x.conf"), List.of("heartbeat = abc"));
        assertEquals(5, ConfigLoader.load(new String[] {"--config", conf.toString(), "--set", "heartbeat=5"},
                Map.of()).heartbeat());
    }
}
