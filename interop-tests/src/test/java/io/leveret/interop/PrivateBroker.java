package io.leveret.interop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * A private Leveret for each test, handed in as a {@link BrokerUnderTest} parameter, for suites that stop, kill
 * and restart the broker. Skipped against an external broker ({@code -Dinterop.uri}): it cannot be restarted from
 * here. A test that passes leaves nothing behind; one that fails keeps the broker's folder (config, data, log) and
 * prints its path and the end of its log, so the data directory that broke recovery can be examined. A Netty leak
 * report in the broker's log fails a test that otherwise passed.
 */
final class PrivateBroker implements BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PrivateBroker.class);
    /** How much of the log a failure prints; the whole log stays on disk. */
    private static final int LOG_TAIL_CHARS = 20_000;
    /** Brokers of tests still running: a test JVM that dies mid-test must not leave a broker behind. */
    private static final Set<BrokerUnderTest> RUNNING = ConcurrentHashMap.newKeySet();

    /** JVM options for the broker of one test, after the defaults (so they win over them). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface JvmOptions {
        String[] value();
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(BrokerUnderTest::kill), "kill-private-brokers"));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(),
                "restarts and kills the broker, which a suite can only do to a Leveret it started itself");
        List<String> jvm = context.getTestMethod().map(m -> m.getAnnotation(JvmOptions.class))
                .map(o -> List.of(o.value())).orElse(List.of());
        BrokerUnderTest broker = BrokerUnderTest.startLeveret("", jvm);
        RUNNING.add(broker);
        context.getStore(NAMESPACE).put(BrokerUnderTest.class, broker);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        BrokerUnderTest broker = context.getStore(NAMESPACE).remove(BrokerUnderTest.class, BrokerUnderTest.class);
        if (broker == null) {
            return;
        }
        RUNNING.remove(broker);
        broker.stop();
        Throwable failure = context.getExecutionException().orElse(null);
        boolean leaked = broker.log().contains("LEAK:");
        if (!leaked && (failure == null || failure instanceof TestAbortedException)) {
            broker.stopAndDelete();
            return;
        }
        String log = broker.log();
        String tail = log.length() <= LOG_TAIL_CHARS ? log : "[... " + (log.length() - LOG_TAIL_CHARS) + " chars]\n"
                + log.substring(log.length() - LOG_TAIL_CHARS);
        System.out.println("FAILED " + context.getDisplayName() + ": kept the private broker's folder "
                + broker.workDir() + " (data in " + broker.dataDir() + ", log in broker.log); its log ends:\n" + tail);
        if (leaked && failure == null) {
            throw new AssertionError("the broker reported a Netty buffer leak (LEAK:) in " + broker.workDir().resolve("broker.log"));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == BrokerUnderTest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(BrokerUnderTest.class, BrokerUnderTest.class);
    }
}
