package io.leveret.store.definitions;

import io.leveret.store.Blob;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary encodings of definitions and changes, in the journal and in MapDB. Every encoding starts
 * with a version byte, so a later Leveret can read this one and this one refuses a later one. Strings
 * and blobs are {@code i32 length, bytes}; lengths are checked against what is left before allocating.
 * Records are written at {@link #VERSION}; every older version is still read (version 1 had no user limits).
 * <pre>
 * change:    version | tag | (definition of a put | identity strings of a delete)
 * vhost:     version | name
 * exchange:  version | vhost | name | type | flags(durable 1, autoDelete 2, internal 4) | arguments
 * queue:     version | vhost | name | flags(durable 1, exclusive 2, autoDelete 4) | arguments | type | node
 *            (versions 1 and 2 end after the arguments: a classic queue; version 3 after the type: no home node)
 * binding:   version | vhost | source | destination | kind(0 queue, 1 exchange) | routingKey | arguments
 * user:      version | name | passwordHash | i32 tagCount | tags | i32 limitCount | (name | i32 value)*
 *            (version 1 ends after the tags)
 * permission:version | user | vhost | configure | write | read
 * policy:    version | vhost | name | pattern | applyTo | i32 priority | definition
 * topic permission: version | user | vhost | exchange | write | read
 * parameter: version | vhost | component | name | value
 * </pre>
 */
final class DefinitionCodec {
    /** The version written; 2 added the user's limits, 3 the queue's type, 4 a queue's home node. */
    static final byte VERSION = 4;
    /** The oldest version read. */
    static final byte OLDEST_VERSION = 1;

    private DefinitionCodec() {
    }

    // ---- changes ----

    static byte[] encode(Change change) {
        Out out = new Out();
        out.version();
        change.accept(new ChangeEncoder(out));
        return out.bytes();
    }

    /** Writes each kind of change under its own tag (the journal's format: tags never change meaning). */
    private record ChangeEncoder(Out out) implements Change.Handler<Out> {
        @Override
        public Out putVhost(Change.PutVhost c) {
            return out.tag(1).nested(encode(c.vhost()));
        }

        @Override
        public Out deleteVhost(Change.DeleteVhost c) {
            return out.tag(2).string(c.name());
        }

        @Override
        public Out putExchange(Change.PutExchange c) {
            return out.tag(3).nested(encode(c.exchange()));
        }

        @Override
        public Out deleteExchange(Change.DeleteExchange c) {
            return out.tag(4).string(c.vhost()).string(c.name());
        }

        @Override
        public Out putQueue(Change.PutQueue c) {
            return out.tag(5).nested(encode(c.queue()));
        }

        @Override
        public Out deleteQueue(Change.DeleteQueue c) {
            return out.tag(6).string(c.vhost()).string(c.name());
        }

        @Override
        public Out putBinding(Change.PutBinding c) {
            return out.tag(7).nested(encode(c.binding()));
        }

        @Override
        public Out deleteBinding(Change.DeleteBinding c) {
            return out.tag(8).nested(encode(c.binding()));
        }

        @Override
        public Out putUser(Change.PutUser c) {
            return out.tag(9).nested(encode(c.user()));
        }

        @Override
        public Out deleteUser(Change.DeleteUser c) {
            return out.tag(10).string(c.name());
        }

        @Override
        public Out putPermission(Change.PutPermission c) {
            return out.tag(11).nested(encode(c.permission()));
        }

        @Override
        public Out deletePermission(Change.DeletePermission c) {
            return out.tag(12).string(c.user()).string(c.vhost());
        }

        @Override
        public Out putPolicy(Change.PutPolicy c) {
            return out.tag(13).nested(encode(c.policy()));
        }

        @Override
        public Out deletePolicy(Change.DeletePolicy c) {
            return out.tag(14).string(c.vhost()).string(c.name());
        }

        @Override
        public Out putTopicPermission(Change.PutTopicPermission c) {
            return out.tag(15).nested(encode(c.permission()));
        }

        @Override
        public Out deleteTopicPermission(Change.DeleteTopicPermission c) {
            return out.tag(16).string(c.user()).string(c.vhost()).string(c.exchange());
        }

        @Override
        public Out putParameter(Change.PutParameter c) {
            return out.tag(17).nested(encode(c.parameter()));
        }

        @Override
        public Out deleteParameter(Change.DeleteParameter c) {
            return out.tag(18).string(c.vhost()).string(c.component()).string(c.name());
        }
    }

    static Change decodeChange(byte[] bytes) throws IOException {
        In in = new In(bytes);
        int tag = in.tag();
        Change change = switch (tag) {
            case 1 -> new Change.PutVhost(decodeVhost(in.nested()));
            case 2 -> new Change.DeleteVhost(in.string());
            case 3 -> new Change.PutExchange(decodeExchange(in.nested()));
            case 4 -> new Change.DeleteExchange(in.string(), in.string());
            case 5 -> new Change.PutQueue(decodeQueue(in.nested()));
            case 6 -> new Change.DeleteQueue(in.string(), in.string());
            case 7 -> new Change.PutBinding(decodeBinding(in.nested()));
            case 8 -> new Change.DeleteBinding(decodeBinding(in.nested()));
            case 9 -> new Change.PutUser(decodeUser(in.nested()));
            case 10 -> new Change.DeleteUser(in.string());
            case 11 -> new Change.PutPermission(decodePermission(in.nested()));
            case 12 -> new Change.DeletePermission(in.string(), in.string());
            case 13 -> new Change.PutPolicy(decodePolicy(in.nested()));
            case 14 -> new Change.DeletePolicy(in.string(), in.string());
            case 15 -> new Change.PutTopicPermission(decodeTopicPermission(in.nested()));
            case 16 -> new Change.DeleteTopicPermission(in.string(), in.string(), in.string());
            case 17 -> new Change.PutParameter(decodeParameter(in.nested()));
            case 18 -> new Change.DeleteParameter(in.string(), in.string(), in.string());
            default -> throw new IOException("unknown change tag " + tag);
        };
        in.end();
        return change;
    }

    // ---- definitions ----

    static byte[] encode(VhostDefinition d) {
        return new Out().version().string(d.name()).bytes();
    }

    static VhostDefinition decodeVhost(byte[] bytes) throws IOException {
        In in = new In(bytes);
        return in.end(new VhostDefinition(in.string()));
    }

    static byte[] encode(ExchangeDefinition d) {
        return new Out().version().string(d.vhost()).string(d.name()).string(d.type())
                .flags(d.durable(), d.autoDelete(), d.internal()).blob(d.arguments()).bytes();
    }

    static ExchangeDefinition decodeExchange(byte[] bytes) throws IOException {
        In in = new In(bytes);
        String vhost = in.string();
        String name = in.string();
        String type = in.string();
        int flags = in.flags();
        return in.end(new ExchangeDefinition(vhost, name, type, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
                in.blob()));
    }

    static byte[] encode(QueueDefinition d) {
        return new Out().version().string(d.vhost()).string(d.name())
                .flags(d.durable(), d.exclusive(), d.autoDelete()).blob(d.arguments()).string(d.type())
                .string(d.node()).bytes();
    }

    static QueueDefinition decodeQueue(byte[] bytes) throws IOException {
        In in = new In(bytes);
        String vhost = in.string();
        String name = in.string();
        int flags = in.flags();
        Blob arguments = in.blob();
        String type = in.version() >= 3 ? in.string() : QueueDefinition.CLASSIC;
        String node = in.version() >= 4 ? in.string() : "";
        return in.end(new QueueDefinition(vhost, name, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, arguments,
                type, node));
    }

    static byte[] encode(BindingDefinition d) {
        return new Out().version().string(d.vhost()).string(d.source()).string(d.destination())
                .tag(d.destinationKind().ordinal()).string(d.routingKey()).blob(d.arguments()).bytes();
    }

    static BindingDefinition decodeBinding(byte[] bytes) throws IOException {
        In in = new In(bytes);
        String vhost = in.string();
        String source = in.string();
        String destination = in.string();
        int kind = in.tag();
        if (kind >= BindingDefinition.DestinationKind.values().length) {
            throw new IOException("unknown binding destination kind " + kind);
        }
        return in.end(new BindingDefinition(vhost, source, destination, BindingDefinition.DestinationKind.values()[kind],
                in.string(), in.blob()));
    }

    static byte[] encode(UserDefinition d) {
        Out out = new Out().version().string(d.name()).blob(d.passwordHash()).integer(d.tags().size());
        d.tags().forEach(out::string);
        out.integer(d.limits().size());
        d.limits().forEach((limit, value) -> out.string(limit).integer(value));
        return out.bytes();
    }

    static UserDefinition decodeUser(byte[] bytes) throws IOException {
        In in = new In(bytes);
        String name = in.string();
        Blob hash = in.blob();
        int count = in.length();
        List<String> tags = new ArrayList<>(Math.min(count, 64));
        for (int i = 0; i < count; i++) {
            tags.add(in.string());
        }
        Map<String, Integer> limits = new TreeMap<>();
        if (in.version() >= 2) {
            int limitCount = in.length();
            for (int i = 0; i < limitCount; i++) {
                limits.put(in.string(), in.integer());
            }
        }
        return in.end(new UserDefinition(name, hash, tags, limits));
    }

    static byte[] encode(PermissionDefinition d) {
        return new Out().version().string(d.user()).string(d.vhost()).string(d.configure()).string(d.write())
                .string(d.read()).bytes();
    }

    static PermissionDefinition decodePermission(byte[] bytes) throws IOException {
        In in = new In(bytes);
        return in.end(new PermissionDefinition(in.string(), in.string(), in.string(), in.string(), in.string()));
    }

    static byte[] encode(PolicyDefinition d) {
        return new Out().version().string(d.vhost()).string(d.name()).string(d.pattern()).string(d.applyTo())
                .integer(d.priority()).blob(d.definition()).bytes();
    }

    static PolicyDefinition decodePolicy(byte[] bytes) throws IOException {
        In in = new In(bytes);
        return in.end(new PolicyDefinition(in.string(), in.string(), in.string(), in.string(), in.integer(), in.blob()));
    }

    static byte[] encode(TopicPermissionDefinition d) {
        return new Out().version().string(d.user()).string(d.vhost()).string(d.exchange()).string(d.write())
                .string(d.read()).bytes();
    }

    static TopicPermissionDefinition decodeTopicPermission(byte[] bytes) throws IOException {
        In in = new In(bytes);
        return in.end(new TopicPermissionDefinition(in.string(), in.string(), in.string(), in.string(), in.string()));
    }

    static byte[] encode(ParameterDefinition d) {
        return new Out().version().string(d.vhost()).string(d.component()).string(d.name()).blob(d.value()).bytes();
    }

    static ParameterDefinition decodeParameter(byte[] bytes) throws IOException {
        In in = new In(bytes);
        return in.end(new ParameterDefinition(in.string(), in.string(), in.string(), in.blob()));
    }

    /** An identity key: the given strings, each length-prefixed, so no two keys collide. */
    static byte[] key(String... parts) {
        Out out = new Out();
        for (String part : parts) {
            out.string(part);
        }
        return out.bytes();
    }

    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream data = new DataOutputStream(bytes);

        Out version() {
            return tag(VERSION);
        }

        Out tag(int value) {
            try {
                data.writeByte(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out flags(boolean a, boolean b, boolean c) {
            return tag((a ? 1 : 0) | (b ? 2 : 0) | (c ? 4 : 0));
        }

        Out integer(int value) {
            try {
                data.writeInt(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Out nested(byte[] value) {
            integer(value.length);
            bytes.writeBytes(value);
            return this;
        }

        Out string(String value) {
            return nested(value.getBytes(StandardCharsets.UTF_8));
        }

        Out blob(Blob value) {
            return nested(value.toByteArray());
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private static final class In {
        private final ByteBuffer buffer;
        private final int version;

        In(byte[] bytes) throws IOException {
            buffer = ByteBuffer.wrap(bytes);
            version = tag();
            if (version < OLDEST_VERSION || version > VERSION) {
                throw new IOException("definition record version " + version + " is not one this Leveret reads ("
                        + OLDEST_VERSION + " to " + VERSION + ")");
            }
        }

        /** The version the record was written at. */
        int version() {
            return version;
        }

        int tag() throws IOException {
            try {
                return Byte.toUnsignedInt(buffer.get());
            } catch (BufferUnderflowException e) {
                throw new IOException("definition record ends early", e);
            }
        }

        int flags() throws IOException {
            int flags = tag();
            if ((flags & ~7) != 0) {
                throw new IOException("unknown flags " + flags);
            }
            return flags;
        }

        int integer() throws IOException {
            try {
                return buffer.getInt();
            } catch (BufferUnderflowException e) {
                throw new IOException("definition record ends early", e);
            }
        }

        int length() throws IOException {
            int length = integer();
            if (length < 0 || length > buffer.remaining()) {
                throw new IOException("length " + length + " runs past the record's " + buffer.remaining() + " bytes");
            }
            return length;
        }

        byte[] nested() throws IOException {
            byte[] value = new byte[length()];
            buffer.get(value);
            return value;
        }

        String string() throws IOException {
            return new String(nested(), StandardCharsets.UTF_8);
        }

        Blob blob() throws IOException {
            return Blob.of(nested());
        }

        void end() throws IOException {
            if (buffer.hasRemaining()) {
                throw new IOException(buffer.remaining() + " unexpected bytes after a definition record");
            }
        }

        <T> T end(T value) throws IOException {
            end();
            return value;
        }
    }
}
