package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A content header frame (type 2). {@link #content()} holds the raw property bytes (flag word and values)
 * exactly as they arrived, so that a delivery can send them on without encoding them again;
 * {@link #properties()} is their decoded form.
 */
public final class ContentHeaderFrame extends DefaultByteBufHolder implements Frame {
    private final int channel;
    private final int classId;
    private final long bodySize;
    private final BasicProperties properties;

    public ContentHeaderFrame(int channel, int classId, long bodySize, BasicProperties properties, ByteBuf rawProperties) {
        super(rawProperties);
        this.channel = channel;
        this.classId = classId;
        this.bodySize = bodySize;
        this.properties = properties;
    }

    @Override
    public int channel() {
        return channel;
    }

    public int classId() {
        return classId;
    }

    public long bodySize() {
        return bodySize;
    }

    public BasicProperties properties() {
        return properties;
    }

    @Override
    public ContentHeaderFrame replace(ByteBuf content) {
        return new ContentHeaderFrame(channel, classId, bodySize, properties, content);
    }

    @Override
    public ContentHeaderFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public ContentHeaderFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ContentHeaderFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "ContentHeaderFrame(channel=" + channel + ", class=" + classId + ", bodySize=" + bodySize
                + ", " + properties + ")";
    }
}
