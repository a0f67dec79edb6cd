package io.leveret.codec;

/**
 * The 8 octets a client opens with (spec 4.2.2). {@code supported} is true only for {@code AMQP 0 0 9 1};
 * for anything else the server answers with its own header and closes the socket.
 */
public record ProtocolHeader(boolean supported) implements Frame {
    /** "AMQP" 0 0 9 1. */
    public static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    @Override
    public int channel() {
        return 0;
    }
}
