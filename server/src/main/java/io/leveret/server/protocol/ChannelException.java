package io.leveret.server.protocol;

import io.leveret.codec.Method;
import io.leveret.codec.ReplyCode;

/** A soft error: the channel is closed with this code and text, the connection goes on. */
public final class ChannelException extends AmqpException {

    public ChannelException(int replyCode, String detail, Method method) {
        super(replyCode, detail, classOf(method), methodOf(method));
    }

    public static ChannelException notFound(Method m, String detail) {
        return new ChannelException(ReplyCode.NOT_FOUND, detail, m);
    }

    public static ChannelException preconditionFailed(Method m, String detail) {
        return new ChannelException(ReplyCode.PRECONDITION_FAILED, detail, m);
    }

    public static ChannelException accessRefused(Method m, String detail) {
        return new ChannelException(ReplyCode.ACCESS_REFUSED, detail, m);
    }

    public static ChannelException resourceLocked(Method m, String detail) {
        return new ChannelException(ReplyCode.RESOURCE_LOCKED, detail, m);
    }
}
