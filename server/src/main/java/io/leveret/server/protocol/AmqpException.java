package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;

/**
 * An AMQP error found while handling a method: a soft error closes the channel ({@link ChannelException}),
 * a hard error the connection ({@link ConnectionException}). Only the dispatchers catch these.
 * The reply text reads like RabbitMQ's: {@code NOT_FOUND - no queue 'q1' in vhost '/'}.
 */
public abstract sealed class AmqpException extends RuntimeException permits ChannelException, ConnectionException {
    private final int replyCode;
    private final int classId;
    private final int methodId;

    AmqpException(int replyCode, String detail, int classId, int methodId) {
        super(ReplyCode.name(replyCode) + " - " + detail, null, false, false);
        this.replyCode = replyCode;
        this.classId = classId;
        this.methodId = methodId;
    }

    public int replyCode() {
        return replyCode;
    }

    /** The text for the close method: a short string, so past 255 bytes cut to 252 and "..." (as RabbitMQ). */
    public String replyText() {
        String t = getMessage();
        byte[] b = t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (b.length <= 255) {
            return t;
        }
        String cut = new String(b, 0, 252, java.nio.charset.StandardCharsets.UTF_8);
        while (cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 252) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "...";
    }

    public int classId() {
        return classId;
    }

    public int methodId() {
        return methodId;
    }

    static int classOf(Method m) {
        return m == null ? 0 : m.amqpClassId();
    }

    static int methodOf(Method m) {
        return m == null ? 0 : m.amqpMethodId();
    }
}
