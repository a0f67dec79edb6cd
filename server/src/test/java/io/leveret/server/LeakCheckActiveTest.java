package io.leveret.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;

/**
 * The server's tests run under the codec's LeakDetection (from its test-jar; codec's LeakDetectionTest proves
 * it catches a leak): this fails if the extension ever drops off the server's test classpath.
 */
class LeakCheckActiveTest {
    @Test
    void leakDetectionIsRegisteredForEveryTestClass() {
        assertTrue(ServiceLoader.load(Extension.class).stream()
                        .anyMatch(p -> p.type().getName().equals("io.leveret.codec.LeakDetection")),
                "io.leveret.codec.LeakDetection is not registered as a JUnit extension");
    }
}
