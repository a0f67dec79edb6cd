package io.leveret.bench;

import java.util.OptionalLong;

/**
 * A broker the matrix runs against.
 *
 * @param label short name in the output lines and the table ("leveret", "rabbitmq-3.10.8")
 * @param uri   AMQP URI PerfTest and the admin connection use
 * @param pid   the broker's process on this machine, for resident memory and CPU; empty if not known
 */
public record Target(String label, String uri, OptionalLong pid) {

    /** The URI with its password hidden, for printing. */
    public static String mask(String uri) {
        return uri.replaceAll("(://[^:/@]*):[^@/]*@", "$1:***@");
    }

    /** A label from the broker's product and version: lower case, no spaces ("RabbitMQ 3.10.8" -> "rabbitmq-3.10.8"). */
    public static String labelOf(String product) {
        String s = product.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._+-]+", "-");
        return s.isEmpty() ? "broker" : s;
    }
}
