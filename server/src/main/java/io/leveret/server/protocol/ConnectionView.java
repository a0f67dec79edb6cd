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
                             int channels, int channelMax, int frameMax, int heartbeat, long connectedAt,
                             java.util.List<ChannelView> channelViews) {

    /** One channel: its number, the unacknowledged deliveries, its consumer prefetch and its consumers. */
    public record ChannelView(int number, int unacked, int prefetch, java.util.List<ConsumerView> consumers) {
    }

    /** One consumer on a channel. */
    public record ConsumerView(String tag, String queue, boolean ackRequired, boolean exclusive, int prefetch,
                               FieldTable arguments) {
    }

    /** RabbitMQ's connection name: {@code peer:port -> host:port}. */
    public String name() {
        return peerHost + ":" + peerPort + " -> " + host + ":" + port;
    }
}
