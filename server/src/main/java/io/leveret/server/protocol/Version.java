package io.leveret.server.protocol;

/** The versions the broker reports, in connection.start's server-properties and in exported definitions. */
public final class Version {
    /**
     * The RabbitMQ release whose observable behaviour Leveret matches. It is what {@code version} says, because
     * clients (the RabbitMQ Java client, Hop, Spring AMQP's admin) decide from it which broker features to use.
     */
    public static final String RABBITMQ = "3.10.8";
    /** Leveret's own version ({@code leveret_version}, and {@code product_version} in definitions). */
    public static final String LEVERET = "0.1.0";

    private Version() {
    }
}
