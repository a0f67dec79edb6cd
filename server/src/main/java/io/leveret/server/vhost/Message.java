package io.leveret.server.vhost;

import io.leveret.codec.BasicProperties;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * A published message, shared by every queue it was routed to: each queue holds one reference.
 * The raw property bytes are kept as they arrived so deliveries send them on without encoding them again;
 * the body is the bytes from the socket (slices, not copies).
 */
public final class Message extends AbstractReferenceCounted {
    private final String exchange;
    private final String routingKey;
    private final BasicProperties properties;
    private final ByteBuf rawProperties;
    private final ByteBuf body;
    /** Set (by the store's writer thread) once the message log has this message on disk. */
    private volatile boolean onDisk;
    /** The copies of a persistent publish in durable queues, which its consumers count down; set before any queue sees it. */
    private DurableCopies durableCopies;

    public Message(String exchange, String routingKey, BasicProperties properties, ByteBuf rawProperties, ByteBuf body) {
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.properties = properties;
        this.rawProperties = rawProperties;
        this.body = body;
    }

    /**
     * The same message with other properties, encoded into {@code into} (which the new message owns): shares
     * the body (taking a reference to it).
     */
    public Message withProperties(BasicProperties newProperties, ByteBuf into) {
        newProperties.encode(into);
        return new Message(exchange, routingKey, newProperties, into, body.retain());
    }

    /** True if the message carries BCC keys, which route it but are never delivered (sender-selected distribution). */
    public boolean hasBcc() {
        return properties.headers() != null && properties.headers().containsKey("BCC");
    }

    /** This message without its BCC header, the properties encoded into {@code into}; releases this one. */
    public Message withoutBcc(ByteBuf into) {
        Message out = withProperties(properties.withHeaders(properties.headers().toBuilder().remove("BCC").build()), into);
        release();
        return out;
    }

    /**
     * The same body published again (dead-lettering, alternate routes) to {@code newExchange} with
     * {@code newRoutingKey} and other properties, encoded into {@code into}; takes a reference to the body.
     */
    public Message republished(String newExchange, String newRoutingKey, BasicProperties newProperties,
                               ByteBuf into) {
        newProperties.encode(into);
        return new Message(newExchange, newRoutingKey, newProperties, into, body.retain());
    }

    /** The message log has it on disk: a queue may drop the body and read it back when needed. */
    public boolean onDisk() {
        return onDisk;
    }

    void markOnDisk() {
        onDisk = true;
    }

    /** Set by the publisher before the message is handed to its queues. */
    void durableCopies(DurableCopies copies) {
        this.durableCopies = copies;
    }

    /** A durable queue's consumer took this message for good (an ack, or a no-ack delivery). */
    void consumedFromDurableQueue() {
        DurableCopies copies = durableCopies;
        if (copies != null) {
            copies.consumed();
        }
    }

    public String exchange() {
        return exchange;
    }

    public String routingKey() {
        return routingKey;
    }

    public BasicProperties properties() {
        return properties;
    }

    /** The property flags and values as they arrived; callers slice, they never release it. */
    public ByteBuf rawProperties() {
        return rawProperties;
    }

    /** The body; callers slice, they never release it. */
    public ByteBuf body() {
        return body;
    }

    public int bodySize() {
        return body.readableBytes();
    }

    @Override
    protected void deallocate() {
        rawProperties.release();
        body.release();
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        body.touch(hint);
        return this;
    }
}
