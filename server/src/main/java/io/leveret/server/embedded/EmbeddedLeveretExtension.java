package io.leveret.server.embedded;

import com.rabbitmq.client.ConnectionFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 side of {@link EmbeddedLeveret}. The broker lives in the extension store of the class (or of
 * the test method, per test), so JUnit closes it when that scope ends, even when a test fails.
 */
public final class EmbeddedLeveretExtension implements BeforeAllCallback, BeforeEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedLeveretExtension.class);
    private static final String KEY = "broker";

    /** Closes the broker when JUnit closes the store it is kept in. */
    private record Running(EmbeddedBroker broker) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        EmbeddedLeveret settings = settings(context);
        if (settings.perTest()) {
            return;
        }
        EmbeddedBroker broker = start(settings);
        context.getStore(NAMESPACE).put(KEY, new Running(broker));
        injectFields(context.getRequiredTestClass(), null, broker, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        EmbeddedLeveret settings = settings(context);
        if (settings.perTest()) {
            context.getStore(NAMESPACE).put(KEY, new Running(start(settings)));
        }
        EmbeddedBroker broker = broker(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(instance.getClass(), instance, broker, false);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedBroker.class || type == ConnectionFactory.class
                || parameter.isAnnotated(LeveretInject.class) && injectable(type);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        EmbeddedBroker broker = broker(context);
        if (broker == null) {
            throw new ParameterResolutionException("no embedded broker here: a broker per test is started"
                    + " for test methods only, not for constructors or @BeforeAll methods");
        }
        return value(parameter.getParameter().getType(), broker);
    }

    private static EmbeddedLeveret settings(ExtensionContext context) {
        Optional<EmbeddedLeveret> found = context.getTestClass()
                .flatMap(c -> Optional.ofNullable(findAnnotation(c)));
        // Used through @ExtendWith alone: a broker per class with the defaults.
        return found.orElseGet(() -> Defaults.class.getAnnotation(EmbeddedLeveret.class));
    }

    private static EmbeddedLeveret findAnnotation(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            EmbeddedLeveret a = k.getAnnotation(EmbeddedLeveret.class);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    @EmbeddedLeveret
    private static final class Defaults {
    }

    private static EmbeddedBroker start(EmbeddedLeveret settings) {
        EmbeddedBrokerBuilder builder = EmbeddedBroker.builder();
        for (String vhost : settings.vhosts()) {
            builder.vhost(vhost).permission("guest", vhost, ".*", ".*", ".*");
        }
        for (String setting : settings.settings()) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@EmbeddedLeveret settings take key=value, not: " + setting);
            }
            builder.set(setting.substring(0, eq).strip(), setting.substring(eq + 1).strip());
        }
        return builder.start();
    }

    private static EmbeddedBroker broker(ExtensionContext context) {
        Running running = context.getStore(NAMESPACE).get(KEY, Running.class);
        return running == null ? null : running.broker();
    }

    private static void injectFields(Class<?> type, Object instance, EmbeddedBroker broker, boolean statics)
            throws IllegalAccessException {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!f.isAnnotationPresent(LeveretInject.class) || Modifier.isStatic(f.getModifiers()) != statics) {
                    continue;
                }
                if (!injectable(f.getType())) {
                    throw new ExtensionConfigurationException("@LeveretInject cannot fill " + f + " of type "
                            + f.getType().getName());
                }
                f.setAccessible(true);
                f.set(instance, value(f.getType(), broker));
            }
        }
    }

    private static boolean injectable(Class<?> type) {
        return type == EmbeddedBroker.class || type == ConnectionFactory.class || type == String.class
                || type == URI.class || type == int.class || type == Integer.class;
    }

    private static Object value(Class<?> type, EmbeddedBroker broker) {
        if (type == EmbeddedBroker.class) {
            return broker;
        }
        if (type == ConnectionFactory.class) {
            ConnectionFactory factory = new ConnectionFactory();
            try {
                factory.setUri(broker.uri());
            } catch (java.net.URISyntaxException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("the broker's own URI is not valid: " + broker.uri(), e);
            }
            return factory;
        }
        if (type == String.class) {
            return broker.uri();
        }
        if (type == URI.class) {
            return URI.create(broker.uri());
        }
        return broker.port();
    }
}
