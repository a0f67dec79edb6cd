package io.leveret.server.protocol;

import io.leveret.codec.Method;

/** A hard error: the connection is closed with this code and text. */
public final class ConnectionException extends AmqpException {

    public ConnectionException(int replyCode, String detail, Method method) {
        super(replyCode, detail, classOf(method), methodOf(method));
    }

    public ConnectionException(int replyCode, String detail, int classId, int methodId) {
        super(replyCode, detail, classId, methodId);
    }
}
