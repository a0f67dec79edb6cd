package io.leveret.server.protocol;

import io.leveret.codec.FieldTable;

/**
 * A snapshot of one open connection, taken on its loop, for the management API.
 *
 * @param connection  the live connection (to close it)
 * @param connectedAt when connection.open was accepted, in epoch milliseconds
 */
public record ConnectionView(AmqpConnection connection, String user, String vhost, String peerHost, int peerPort,
                             String host, int port, String authMechanism, boolean ssl, FieldTable clientProperties,
                             int channels, int channelMax, int frameMax, int heartbeat, long connectedAt) {

    /** RabbitMQ's connection name: {@code peer:port -> host:port}. */
    public String name() {
        return peerHost + ":" + peerPort + " -> " + host + ":" + port;
    }
}
