package io.leveret.server.protocol;

import io.leveret.codec.ExchangeMethod;
import io.leveret.codec.FieldValue;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.DelayedExchange;
import io.leveret.server.vhost.Deduplication;

/** Checks of exchange.declare arguments that the exchange types and plugins we provide make, with their texts. */
final class ExchangeArguments {
    private ExchangeArguments() {
    }

    /** Checks a declare that creates an exchange; throws the AMQP error the reference broker would. */
    static void validate(ExchangeMethod.Declare d) {
        if (d.type().equals(DelayedExchange.TYPE)) {
            delayedType(d);
        }
        if (Deduplication.enabled(d.arguments())) {
            deduplication(d);
        }
    }

    /** The deduplication plugin's validate of an exchange's cache arguments, with its texts. */
    private static void deduplication(ExchangeMethod.Declare d) {
        if (Deduplication.positive(d.arguments(), Deduplication.CACHE_SIZE) <= 0) {
            throw ChannelException.preconditionFailed(d,
                    "Missing or invalid argument, 'x-cache-size' must be an integer greater than 0");
        }
        if (Deduplication.positive(d.arguments(), Deduplication.CACHE_TTL) == 0) {
            throw ChannelException.preconditionFailed(d,
                    "Invalid argument, 'x-cache-ttl' must be an integer greater than 0");
        }
        FieldValue p = d.arguments().field(Deduplication.CACHE_PERSISTENCE);
        if (p != null && (p.type() != 'S' || !(p.stringValue().equals("disk") || p.stringValue().equals("memory")))) {
            throw ChannelException.preconditionFailed(d,
                    "Invalid argument, 'x-cache-persistence' must be either 'disk' or 'memory'");
        }
        if (p != null && p.stringValue().equals("disk")) {
            // Refused rather than silently kept in memory: the cache would not survive a restart as asked.
            throw ChannelException.preconditionFailed(d,
                    "Invalid argument, 'x-cache-persistence' 'disk' is not supported by Leveret (only 'memory')");
        }
    }

    /**
     * The delayed message plugin's validate: x-delayed-type must be a string (406 otherwise), naming an
     * exchange type the broker knows (RabbitMQ's check_type: 503, a connection error, as for the type of a
     * declare). We route delayed messages by the four built-in types only.
     */
    private static void delayedType(ExchangeMethod.Declare d) {
        FieldValue v = d.arguments().field(DelayedExchange.DELAYED_TYPE);
        if (v == null || v.type() != 'S') {
            throw ChannelException.preconditionFailed(d,
                    "Invalid argument, 'x-delayed-type' must be an existing exchange type");
        }
        if (DelayedExchange.routingType(d.arguments()) == null) {
            throw new ConnectionException(ReplyCode.COMMAND_INVALID, "unknown exchange type '" + v.stringValue() + "'", d);
        }
    }
}
