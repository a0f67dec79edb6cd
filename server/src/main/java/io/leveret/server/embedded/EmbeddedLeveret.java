package io.leveret.server.embedded;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against an {@link EmbeddedBroker}: one for the whole class, or a fresh one per test
 * with {@code perTest = true}. Fields and parameters marked {@link LeveretInject} receive it, its URI, its
 * port, or a ready {@code com.rabbitmq.client.ConnectionFactory}; parameters of type {@link EmbeddedBroker}
 * or {@code ConnectionFactory} need no mark.
 * <pre>{@code
 * @EmbeddedLeveret
 * class OrdersTest {
 *     @Test
 *     void ships(ConnectionFactory factory) throws Exception {
 *         try (Connection c = factory.newConnection()) { ... }
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EmbeddedLeveretExtension.class)
public @interface EmbeddedLeveret {
    /** A fresh broker for every test method instead of one for the class. */
    boolean perTest() default false;

    /** Vhosts to create, besides "/"; guest gets full permissions on each. */
    String[] vhosts() default {};

    /** Config keys as {@code key=value}, checked as {@code --set} checks them. */
    String[] settings() default {};
}
