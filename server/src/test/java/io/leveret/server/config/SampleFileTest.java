package io.leveret.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** conf/leveret.conf and the key table must agree: every key documented, nothing undocumented. */
class SampleFileTest {

    /** Surefire runs with the module folder as working directory. */
    private static final Path SAMPLE = Path.of("../conf/leveret.conf");
    /** A documented setting: "# key = default", exactly one space each side; examples are indented further. */
    private static final Pattern SETTING_LINE = Pattern.compile("# ([a-z0-9_.]+) = ?(.*)");

    private static List<String> lines;
    /** key -> index of its line. */
    private static final Map<String, Integer> documented = new LinkedHashMap<>();

    @BeforeAll
    static void read() throws IOException {
        lines = Files.readAllLines(SAMPLE);
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = SETTING_LINE.matcher(lines.get(i));
            if (m.matches()) {
                assertEquals(null, documented.put(m.group(1), i), "documented twice: " + m.group(1));
            }
        }
    }

    @Test
    void everyKeyIsDocumentedWithItsDefaultAndItsOneLineDoc() {
        for (Setting<?> setting : Settings.ALL) {
            Integer index = documented.get(setting.defaultKey());
            assertNotNull(index, "conf/leveret.conf does not document " + setting.defaultKey());
            assertEquals("# " + setting.doc(), lines.get(index - 1), "doc line above " + setting.defaultKey());
            int line = index;
            // A family with several default members lists them on consecutive lines.
            for (Map.Entry<String, String> d : setting.defaults().entrySet()) {
                String expectedLine = ("# " + d.getKey() + " = " + d.getValue()).strip();
                assertEquals(expectedLine, lines.get(line++), "default of " + setting.name());
            }
        }
    }

    @Test
    void noUndocumentedOrUnknownKeyIsListed() {
        for (String key : documented.keySet()) {
            Setting<?> setting = Settings.find(key);
            assertNotNull(setting, "conf/leveret.conf lists '" + key + "', which the key table does not have");
            assertTrue(setting.defaults().containsKey(key), "list a family under its default members: " + key);
        }
        assertEquals(Settings.ALL.stream().mapToInt(s -> s.defaults().size()).sum(), documented.size());
    }

    @Test
    void theSampleUncommentedLoadsToTheBuiltInDefaults(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        List<String> uncommented = new ArrayList<>();
        documented.values().forEach(i -> uncommented.add(lines.get(i).substring(2)));
        Path conf = Files.write(dir.resolve("uncommented.conf"), uncommented);
        assertEquals(BrokerConfig.defaults(), ConfigLoader.load(new String[] {"--config", conf.toString()}, Map.of()));
    }

    @Test
    void theSampleAsShippedLoadsCleanly() {
        BrokerConfig config = ConfigLoader.load(new String[] {"--config", SAMPLE.toString()}, Map.of());
        assertEquals(BrokerConfig.defaults(), config);
        assertTrue(config.warnings().isEmpty());
    }
}
