package io.leveret.codec;

import io.netty.buffer.ByteBuf;

/**
 * An AMQP method: one record per method of the spec, grouped by class into sealed interfaces
 * ({@link ConnectionMethod}, {@link QueueMethod}, ...). Generated from amqp-rabbitmq-0.9.1.json by
 * {@code codec/src/build/generate-methods.py}.
 */
public sealed interface Method permits ConnectionMethod, ChannelMethod, AccessMethod, ExchangeMethod,
        QueueMethod, BasicMethod, TxMethod, ConfirmMethod {

    /** The AMQP class id (10 connection, 20 channel, ...). */
    int amqpClassId();

    /** The method id within its class. */
    int amqpMethodId();

    /** The registry key: {@code (classId << 16) | methodId}. */
    default int key() {
        return (amqpClassId() << 16) | amqpMethodId();
    }

    /** The spec's name, such as {@code queue.declare}. */
    String name();

    /** True when content (a header and body frames) follows this method. */
    boolean hasContent();

    /** Writes the method's arguments (not the class and method ids). */
    void encodeArguments(ByteBuf out);

    /** Writes class id, method id and the arguments: the payload of a method frame. */
    default void encode(ByteBuf out) {
        out.writeShort(amqpClassId());
        out.writeShort(amqpMethodId());
        encodeArguments(out);
    }
}
