package io.leveret.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes a leak report fail the build instead of only being logged: registered for every test class
 * through junit-platform.properties, it records what Netty's (paranoid) leak detector reports and fails
 * the class after which a leak shows up. It must install its factory before the first ByteBuf class is
 * initialised, hence the static block.
 */
public final class LeakDetection implements AfterAllCallback {
    /** A touch hint that marks LeakDetectionTest's own leak, recorded but not logged as an error. */
    static final String DELIBERATE = "deliberate leak";
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
                return new Recording<>(resource, samplingInterval);
            }

            // Still the abstract method of the factory in Netty 4.1, though deprecated; maxActive is unused there.
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                    long maxActive) {
                return new Recording<>(resource, samplingInterval);
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " leaked buffer(s) found after " + context.getDisplayName()
                    + ":\n" + String.join("\n", leaks));
        }
    }

    /**
     * Leaks are reported when a collected, unreleased buffer is noticed on the next allocation; so collect
     * garbage and allocate a few times (no sleeping: each round is a GC and an allocation).
     */
    static List<String> collect() {
        for (int i = 0; i < 5; i++) {
            System.gc();
            ByteBuf probe = Unpooled.buffer(1);
            probe.release();
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(1);
            pooled.release();
        }
        synchronized (LEAKS) {
            List<String> copy = List.copyOf(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {
        Recording(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            if (!records.contains(DELIBERATE)) {
                super.reportTracedLeak(resourceType, records);
            }
            synchronized (LEAKS) {
                LEAKS.add(resourceType + records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            super.reportUntracedLeak(resourceType);
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " (untraced)");
            }
        }
    }
}
