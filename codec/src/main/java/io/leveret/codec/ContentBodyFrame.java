package io.leveret.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** A content body frame (type 3): a retained slice of the bytes as they arrived, never a copy. */
public final class ContentBodyFrame extends DefaultByteBufHolder implements Frame {
    private final int channel;

    public ContentBodyFrame(int channel, ByteBuf content) {
        super(content);
        this.channel = channel;
    }

    @Override
    public int channel() {
        return channel;
    }

    @Override
    public ContentBodyFrame replace(ByteBuf content) {
        return new ContentBodyFrame(channel, content);
    }

    @Override
    public ContentBodyFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public ContentBodyFrame retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ContentBodyFrame touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "ContentBodyFrame(channel=" + channel + ", " + content().readableBytes() + " bytes)";
    }
}
