package io.leveret.server.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter for {@link EmbeddedLeveret}'s broker. The type says what is injected:
 * {@link EmbeddedBroker}; {@code com.rabbitmq.client.ConnectionFactory} (a new one, set to the broker's URI);
 * {@code String} or {@link java.net.URI} (the AMQP URI for guest on "/"); {@code int} or {@code Integer} (the port).
 * A static field is set once per class (only with a broker per class); an instance field before each test.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface LeveretInject {
}
