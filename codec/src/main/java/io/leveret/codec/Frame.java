package io.leveret.codec;

/**
 * What the decoder produces and the encoder consumes: the four frame types of spec 4.2.3, plus the
 * protocol header that opens a connection and the typed error that ends a bad one.
 */
public sealed interface Frame permits ProtocolHeader, MethodFrame, ContentHeaderFrame, ContentBodyFrame,
        HeartbeatFrame, MalformedFrame {

    int FRAME_METHOD = 1;
    int FRAME_HEADER = 2;
    int FRAME_BODY = 3;
    int FRAME_HEARTBEAT = 8;
    int FRAME_END = 0xCE;
    /** type (1) + channel (2) + size (4) before the payload, and the end octet after it. */
    int FRAME_OVERHEAD = 8;

    /** The channel the frame travels on; 0 for the connection itself. */
    int channel();
}
