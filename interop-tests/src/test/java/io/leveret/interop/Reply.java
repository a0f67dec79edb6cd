package io.leveret.interop;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * What a client sees of a channel.close or connection.close from the broker: reply code, reply text and the
 * class/method id of the method that caused it. Comparing whole records gives one readable failure message.
 */
record Reply(boolean connectionLevel, int code, String text, int classId, int methodId) {

    static Reply channel(int code, String text, int classId, int methodId) {
        return new Reply(false, code, text, classId, methodId);
    }

    static Reply connection(int code, String text, int classId, int methodId) {
        return new Reply(true, code, text, classId, methodId);
    }

    static Reply of(ShutdownSignalException signal) {
        Method reason = signal.getReason();
        if (reason instanceof AMQP.Channel.Close close) {
            return new Reply(false, close.getReplyCode(), close.getReplyText(), close.getClassId(), close.getMethodId());
        }
        if (reason instanceof AMQP.Connection.Close close) {
            return new Reply(true, close.getReplyCode(), close.getReplyText(), close.getClassId(), close.getMethodId());
        }
        throw new AssertionError("closed without a close method from the broker: " + signal, signal);
    }
}
