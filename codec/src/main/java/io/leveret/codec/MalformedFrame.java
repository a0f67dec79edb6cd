package io.leveret.codec;

/**
 * Bad input, as the decoder reports it: the connection must be closed with {@code replyCode} (a hard
 * error) and {@code replyText}. After emitting one of these the decoder discards everything else.
 */
public record MalformedFrame(int channel, int replyCode, String replyText, int classId, int methodId)
        implements Frame {
}
