package io.leveret.server.protocol;

/**
 * What the protocol layer needs from the broker's configuration.
 *
 * @param channelMax             offered in connection.tune (0 = no limit, i.e. 65535)
 * @param frameMax               offered in connection.tune (0 = no limit)
 * @param heartbeat              seconds, offered in connection.tune
 * @param maxMessageSize         bodies above this are refused with 406, as RabbitMQ's max_message_size
 * @param handshakeTimeoutMillis a connection not open after this long is dropped
 */
public record ProtocolSettings(int channelMax, int frameMax, int heartbeat, long maxMessageSize,
                               int handshakeTimeoutMillis) {
}
