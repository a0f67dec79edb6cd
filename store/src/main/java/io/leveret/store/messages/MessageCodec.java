package io.leveret.store.messages;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Payload encodings of the message log. Each payload starts with a kind byte; the format version lives in
 * the file header, so a later version can change any of these.
 * <pre>
 * MESSAGE   1 | u16 queueCount | (shortstr vhost, shortstr name)* | i32 propsLen | props | i32 bodyLen | body
 * TIMED     5 | i64 enqueuedAt | i64 ttl | then as MESSAGE from u16 queueCount on
 * ACK       2 | shortstr vhost | shortstr name | i64 segment | i32 offset
 * DELIVERED 3 | same as ACK                                                  (delivery count 0)
 * PURGE     4 | shortstr vhost | shortstr name | i64 segment | i32 offset   (every ref before that location)
 * COUNTED   6 | same as ACK | i32 deliveryCount                             (a DELIVERED mark with a count)
 * </pre>
 * TIMED is what {@link #writeMessage} writes: MESSAGE plus the times a queue needs to keep a message's
 * deadline across a restart (issue 5). MESSAGE records of older logs still decode, without those times.
 */
final class MessageCodec {
    static final byte MESSAGE = 1;
    static final byte ACK = 2;
    static final byte DELIVERED = 3;
    static final byte PURGE = 4;
    static final byte TIMED = 5;
    static final byte COUNTED = 6;
    /** Bytes TIMED adds to MESSAGE: two i64. */
    private static final int TIMES_LENGTH = 16;
    static final int MAX_QUEUES = 0xFFFF;

    private MessageCodec() {
    }

    static int messageLength(List<QueueName> queues, int propertiesLength, int bodyLength) {
        long length = 1 + TIMES_LENGTH + 2 + 4 + 4 + (long) propertiesLength + bodyLength;
        for (QueueName queue : queues) {
            length += 2 + utf8Length(queue.vhost()) + utf8Length(queue.name());
        }
        return length > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) length;
    }

    static void writeMessage(ByteBuffer out, List<QueueName> queues, MessageTimes times, byte[] properties,
                             ByteBuffer[] body) {
        writeMessageHead(out, queues, times, properties, remaining(body));
        for (ByteBuffer part : body) {
            out.put(part.duplicate());
        }
    }

    /** A message record up to its body, which is {@code bodyLength} bytes and follows it. */
    static void writeMessageHead(ByteBuffer out, List<QueueName> queues, MessageTimes times, byte[] properties,
                                 int bodyLength) {
        out.put(TIMED).putLong(times.enqueuedAt()).putLong(times.ttl()).putShort((short) queues.size());
        for (QueueName queue : queues) {
            putQueue(out, queue);
        }
        out.putInt(properties.length).put(properties);
        out.putInt(bodyLength);
    }

    static int remaining(ByteBuffer[] buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }

    static int refLength(QueueName queue) {
        return 1 + 2 + utf8Length(queue.vhost()) + utf8Length(queue.name()) + 8 + 4;
    }

    /** The payload length of a ref of {@code kind}: a COUNTED ref carries four more bytes. */
    static int refLength(byte kind, QueueName queue) {
        return refLength(queue) + (kind == COUNTED ? 4 : 0);
    }

    static void writeRef(ByteBuffer out, byte kind, QueueName queue, long segment, int offset) {
        out.put(kind);
        putQueue(out, queue);
        out.putLong(segment).putInt(offset);
    }

    /** A delivered mark: DELIVERED for a count of 0 (as before counts existed), else COUNTED. */
    static void writeDelivered(ByteBuffer out, QueueName queue, long segment, int offset, int count) {
        writeRef(out, count == 0 ? DELIVERED : COUNTED, queue, segment, offset);
        if (count != 0) {
            out.putInt(count);
        }
    }

    /** A decoded ACK, DELIVERED, COUNTED or PURGE payload; {@code count} is 0 but for COUNTED. */
    record Ref(byte kind, QueueName queue, long segment, int offset, int count) {
    }

    static Ref readRef(ByteBuffer payload, Map<QueueName, QueueName> interned) throws IOException {
        try {
            byte kind = payload.get();
            if (kind != ACK && kind != DELIVERED && kind != PURGE && kind != COUNTED) {
                throw new IOException("unknown acknowledgement record kind " + kind);
            }
            QueueName queue = intern(readQueue(payload), interned);
            long segment = payload.getLong();
            int offset = payload.getInt();
            int count = kind == COUNTED ? payload.getInt() : 0;
            if (count < 0) {
                throw new IOException("negative delivery count " + count);
            }
            return new Ref(kind, queue, segment, offset, count);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed acknowledgement record", e);
        }
    }

    /** The head of a message payload: its times and queues. */
    record Head(MessageTimes times, List<QueueName> queues) {
    }

    /** The times and queues of a MESSAGE or TIMED payload, without touching properties or body. */
    static Head readHead(ByteBuffer payload, Map<QueueName, QueueName> interned) throws IOException {
        try {
            byte kind = payload.get();
            MessageTimes times;
            if (kind == TIMED) {
                times = new MessageTimes(payload.getLong(), payload.getLong());
            } else if (kind == MESSAGE) {
                times = MessageTimes.UNKNOWN;
            } else {
                throw new IOException("unknown message record kind " + kind);
            }
            int count = Short.toUnsignedInt(payload.getShort());
            List<QueueName> queues = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                queues.add(intern(readQueue(payload), interned));
            }
            return new Head(times, queues);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IOException("malformed message record", e);
        }
    }

    static StoredMessage readMessage(ByteBuffer payload) throws IOException {
        List<QueueName> queues = readHead(payload, null).queues();
        try {
            ByteBuffer properties = slice(payload, payload.getInt());
            ByteBuffer body = slice(payload, payload.getInt());
            return new StoredMessage(List.copyOf(queues), properties, body);
        } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException("malformed message record", e);
        }
    }

    private static ByteBuffer slice(ByteBuffer payload, int length) {
        if (length < 0 || length > payload.remaining()) {
            throw new IllegalArgumentException("length " + length + " past the record's end");
        }
        ByteBuffer slice = payload.slice(payload.position(), length).asReadOnlyBuffer();
        payload.position(payload.position() + length);
        return slice;
    }

    private static void putQueue(ByteBuffer out, QueueName queue) {
        putShortString(out, queue.vhost());
        putShortString(out, queue.name());
    }

    private static QueueName readQueue(ByteBuffer in) {
        return new QueueName(readShortString(in), readShortString(in));
    }

    private static void putShortString(ByteBuffer out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.put((byte) bytes.length).put(bytes);
    }

    private static String readShortString(ByteBuffer in) {
        int length = Byte.toUnsignedInt(in.get());
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static QueueName intern(QueueName queue, Map<QueueName, QueueName> interned) {
        return interned == null ? queue : interned.computeIfAbsent(queue, q -> q);
    }

    private static int utf8Length(String value) {
        int length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c)) {
                length += 4;
                i++;
            } else {
                length += 3;
            }
        }
        return length;
    }
}
