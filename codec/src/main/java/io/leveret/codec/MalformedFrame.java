package io.leveret.codec;

/**
 * Bad input, as the decoder reports it: the connection must be closed with {@code replyCode} (a hard
 * error) and {@code replyText}.
 *
 * @param fatal true when the byte stream itself is lost (a frame too large, a bad end octet): the decoder
 *              discards everything after it. False when the bad frame was well delimited (an unknown frame
 *              type, arguments that do not decode, a frame on the wrong kind of channel): decoding goes on,
 *              so that the peer's connection.close-ok can still be read, as RabbitMQ does.
 */
public record MalformedFrame(int channel, int replyCode, String replyText, int classId, int methodId, boolean fatal)
        implements Frame {

    /** A fatal error: nothing after it is read. */
    public MalformedFrame(int channel, int replyCode, String replyText, int classId, int methodId) {
        this(channel, replyCode, replyText, classId, methodId, true);
    }
}
