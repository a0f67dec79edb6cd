package io.leveret.codec;

/**
 * The 8 octets a client opens with (spec 4.2.2). {@code supported} is true for {@code AMQP 0 0 9 1} and the
 * headers RabbitMQ also accepts ({@code AMQP 1 1 0 9}; {@code AMQP 1 1 8 0}, flagged {@code amqp08}); for
 * anything else the server answers with its own header and closes the socket.
 */
public record ProtocolHeader(boolean supported, boolean amqp08) implements Frame {
    /** "AMQP" 0 0 9 1. */
    public static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    /** A 0-9-1 header (supported) or one we do not speak. */
    public ProtocolHeader(boolean supported) {
        this(supported, false);
    }

    @Override
    public int channel() {
        return 0;
    }
}
