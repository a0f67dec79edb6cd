package io.leveret.codec;

/**
 * Bad input found while decoding: carries the AMQP reply code the connection must close with
 * (501 FRAME_ERROR, 502 SYNTAX_ERROR, 505 UNEXPECTED_FRAME, 540 NOT_IMPLEMENTED) and the
 * class/method being decoded, if known. Thrown inside the codec only; the decoder turns it into a
 * {@link MalformedFrame}.
 */
public final class CodecException extends RuntimeException {
    private final int replyCode;
    private final int classId;
    private final int methodId;

    public CodecException(int replyCode, String message) {
        this(replyCode, message, 0, 0);
    }

    public CodecException(int replyCode, String message, int classId, int methodId) {
        super(message, null, false, false);
        this.replyCode = replyCode;
        this.classId = classId;
        this.methodId = methodId;
    }

    public int replyCode() {
        return replyCode;
    }

    public int classId() {
        return classId;
    }

    public int methodId() {
        return methodId;
    }

    CodecException in(int classId, int methodId) {
        return this.classId != 0 ? this : new CodecException(replyCode, getMessage(), classId, methodId);
    }
}
