package io.leveret.codec;

import io.netty.buffer.ByteBuf;

/**
 * The 14 properties of the basic class (spec 1.8, "basic" properties), each null when absent.
 * On the wire: a 16-bit flag word (bit 15 = content-type ... bit 2 = cluster-id), then the present values.
 */
public record BasicProperties(
        String contentType,
        String contentEncoding,
        FieldTable headers,
        Integer deliveryMode,
        Integer priority,
        String correlationId,
        String replyTo,
        String expiration,
        String messageId,
        Long timestamp,
        String type,
        String userId,
        String appId,
        String clusterId) {

    public static final BasicProperties EMPTY =
            new BasicProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** delivery_mode 2 marks a persistent message. */
    public boolean persistent() {
        return deliveryMode != null && deliveryMode == 2;
    }

    public BasicProperties withHeaders(FieldTable newHeaders) {
        return new BasicProperties(contentType, contentEncoding, newHeaders, deliveryMode, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withExpiration(String newExpiration) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId,
                replyTo, newExpiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    /**
     * Reads the flag word and the present properties. A flag word with the continuation bit (bit 0) or an
     * unassigned bit set, or a truncated value, is a 502 SYNTAX_ERROR.
     */
    public static BasicProperties decode(ByteBuf in, int maxTableDepth) {
        int flags = Wire.readShort(in);
        if (flags == 0) {
            return EMPTY;
        }
        if ((flags & 0x3) != 0) {
            throw new CodecException(ReplyCode.SYNTAX_ERROR,
                    String.format("unsupported basic property flags 0x%04x", flags));
        }
        return new BasicProperties(
                (flags & 0x8000) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x4000) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x2000) != 0 ? Wire.readTable(in, maxTableDepth) : null,
                (flags & 0x1000) != 0 ? Wire.readOctet(in) : null,
                (flags & 0x0800) != 0 ? Wire.readOctet(in) : null,
                (flags & 0x0400) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0200) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0100) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0080) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0040) != 0 ? Wire.readLonglong(in) : null,
                (flags & 0x0020) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0010) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0008) != 0 ? Wire.readShortstr(in) : null,
                (flags & 0x0004) != 0 ? Wire.readShortstr(in) : null);
    }

    /** Writes the flag word and the present properties. */
    public void encode(ByteBuf out) {
        int flagsIndex = out.writerIndex();
        out.writeShort(0);
        int flags = 0;
        if (contentType != null) { flags |= 0x8000; Wire.writeShortstr(out, contentType); }
        if (contentEncoding != null) { flags |= 0x4000; Wire.writeShortstr(out, contentEncoding); }
        if (headers != null) { flags |= 0x2000; Wire.writeTable(out, headers); }
        if (deliveryMode != null) { flags |= 0x1000; Wire.writeOctet(out, deliveryMode); }
        if (priority != null) { flags |= 0x0800; Wire.writeOctet(out, priority); }
        if (correlationId != null) { flags |= 0x0400; Wire.writeShortstr(out, correlationId); }
        if (replyTo != null) { flags |= 0x0200; Wire.writeShortstr(out, replyTo); }
        if (expiration != null) { flags |= 0x0100; Wire.writeShortstr(out, expiration); }
        if (messageId != null) { flags |= 0x0080; Wire.writeShortstr(out, messageId); }
        if (timestamp != null) { flags |= 0x0040; Wire.writeLonglong(out, timestamp); }
        if (type != null) { flags |= 0x0020; Wire.writeShortstr(out, type); }
        if (userId != null) { flags |= 0x0010; Wire.writeShortstr(out, userId); }
        if (appId != null) { flags |= 0x0008; Wire.writeShortstr(out, appId); }
        if (clusterId != null) { flags |= 0x0004; Wire.writeShortstr(out, clusterId); }
        out.setShort(flagsIndex, flags);
    }
}
