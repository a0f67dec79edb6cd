package io.leveret.server.protocol;

import io.leveret.codec.CodecLimits;
import io.leveret.codec.ConnectionMethod;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;
import io.leveret.server.security.Sasl;
import io.leveret.server.security.UserDatabase;
import java.net.SocketAddress;

/**
 * The parts of the connection handshake (spec 2.2.4) that need none of a connection's state: what the
 * server announces in connection.start, the login decision, the checks of tune-ok, and RabbitMQ's answers
 * to a method out of turn. {@link AmqpConnection} drives the handshake's states.
 */
final class Handshake {
    private Handshake() {
    }

    /** connection.start's server-properties; a 0-8 peer gets no capabilities, as from RabbitMQ. */
    static FieldTable serverProperties(BrokerServices services, boolean amqp08) {
        FieldTable capabilities = amqp08 ? FieldTable.EMPTY : FieldTable.builder()
                .put("publisher_confirms", true)
                .put("exchange_exchange_bindings", true)
                .put("basic.nack", true)
                .put("consumer_cancel_notify", true)
                .put("connection.blocked", true)
                .put("consumer_priorities", true)
                .put("authentication_failure_close", true)
                .put("per_consumer_qos", true)
                .put("direct_reply_to", true)
                .build();
        return FieldTable.builder()
                .put("capabilities", capabilities)
                .put("cluster_name", services.clusterName().isEmpty() ? services.nodeName() : services.clusterName())
                .put("copyright", "Copyright (c) the Leveret authors")
                .put("information", "Licensed under the Apache License 2.0")
                .put("platform", "Java " + Runtime.version().feature())
                .put("product", "Leveret")
                .put("version", Version.RABBITMQ)
                .put("leveret_version", Version.LEVERET)
                .build();
    }

    /**
     * Why a login with {@code mechanism} and credentials {@code c} (null: malformed or no client certificate)
     * from {@code remote} is refused, for the log; null if it is accepted.
     */
    static String refusal(String mechanism, Sasl.Credentials c, UserDatabase users, SocketAddress remote) {
        if (c == null) {
            return "malformed response or no client certificate";
        }
        boolean known = mechanism.equals(Sasl.EXTERNAL)
                ? users.user(c.user()) != null
                : users.authenticate(c.user(), c.password());
        if (!known) {
            return "user '" + c.user() + "' - invalid credentials";
        }
        // RabbitMQ's check_user_loopback: the same refusal to the client, the reason in the log.
        return users.mayConnectFrom(c.user(), remote) ? null : "user '" + c.user() + "' can only connect via localhost";
    }

    /** RabbitMQ's checks of tune-ok's values: not below the minimum, not above what we offered. */
    static void checkTuneOk(ProtocolSettings s, ConnectionMethod.TuneOk m) {
        checkNegotiated("frame_max", CodecLimits.FRAME_MIN_SIZE, s.frameMax(), m.frameMax(), m);
        checkNegotiated("channel_max", 1, s.channelMax(), m.channelMax(), m);
    }

    private static void checkNegotiated(String field, long min, long serverValue, long clientValue, Method m) {
        if (clientValue != 0 && clientValue < min) {
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "negotiated " + field + " = " + clientValue
                    + " is lower than the minimum allowed value (" + min + ")", m);
        }
        if (serverValue != 0 && (clientValue == 0 || clientValue > serverValue)) {
            String detail = field.equals("channel_max") && clientValue == 0 ? " (no limit)" : "";
            throw new ConnectionException(ReplyCode.NOT_ALLOWED, "negotiated " + field + " = " + clientValue
                    + detail + " is higher than the maximum allowed value (" + serverValue + ")", m);
        }
    }

    /** RabbitMQ's answer to a method on channel 0 that the connection's state has no use for. */
    static ConnectionException unexpectedMethod(Method m, String rabbitState) {
        return new ConnectionException(ReplyCode.CHANNEL_ERROR, "unexpected method in connection state " + rabbitState, m);
    }

    /** {@code m} as the one method the handshake expects now, or RabbitMQ's 503 naming both. */
    static <T extends Method> T expect(Method m, Class<T> type, String name) {
        if (!type.isInstance(m)) {
            throw new ConnectionException(ReplyCode.COMMAND_INVALID,
                    "expected '" + name + "', got '" + m.name().replace('-', '_') + "'", m);
        }
        return type.cast(m);
    }

}
