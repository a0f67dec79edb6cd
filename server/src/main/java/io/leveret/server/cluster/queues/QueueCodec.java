package io.leveret.server.cluster.queues;

import java.util.ArrayList;
import java.util.List;

/**
 * The binary forms of a log entry (one or more commands) and of a snapshot of a whole {@link QueueMachine}. Each
 * starts with a version byte so that a later format can still read this one; integers are varints, so ids,
 * counts and the usual small limits take a byte or two.
 */
public final class QueueCodec {
    /** The first byte of a log entry in this format. */
    static final int ENTRY_VERSION = 1;
    /** The first byte of a snapshot in this format. */
    static final int SNAPSHOT_VERSION = 1;

    private static final int DECLARE = 1;
    private static final int ENQUEUE = 2;
    private static final int CHECKOUT = 3;
    private static final int SETTLE = 4;
    private static final int RETURN = 5;
    private static final int DISCARD = 6;
    private static final int CANCEL = 7;
    private static final int PURGE = 8;
    private static final int DELETE = 9;
    private static final int NODE_DOWN = 10;

    private QueueCodec() {
    }

    /** One log entry holding {@code commands}, applied in order. */
    public static byte[] encodeEntry(List<Command> commands) {
        Wire.Out out = new Wire.Out(64);
        out.writeByte(ENTRY_VERSION).writeVarLong(commands.size());
        for (Command command : commands) {
            write(out, command);
        }
        return out.toByteArray();
    }

    /** Bytes a command takes in an entry, for a batcher to measure with. */
    public static int encodedSize(Command command) {
        Wire.Out out = new Wire.Out(command instanceof Command.Enqueue e ? e.body().size() + 32 : 32);
        write(out, command);
        return out.size();
    }

    /** The commands of an entry; {@link IllegalArgumentException} if it is malformed or of an unknown version. */
    public static List<Command> decodeEntry(byte[] bytes, int offset, int length) {
        Wire.In in = new Wire.In(bytes, offset, length);
        int version = in.readByte();
        if (version != ENTRY_VERSION) {
            throw new IllegalArgumentException("a queue log entry of version " + version);
        }
        int count = in.readCount();
        List<Command> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            commands.add(read(in));
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("bytes after the last command of a queue log entry");
        }
        return commands;
    }

    public static List<Command> decodeEntry(byte[] bytes) {
        return decodeEntry(bytes, 0, bytes.length);
    }

    private static void write(Wire.Out out, Command command) {
        if (command instanceof Command.Declare c) {
            out.writeByte(DECLARE);
            writeName(out, c.queue());
            QueueConfig config = c.config();
            out.writeSignedVarLong(config.deliveryLimit()).writeSignedVarLong(config.maxLength())
                    .writeSignedVarLong(config.maxLengthBytes()).writeByte(config.overflow().ordinal())
                    .writeByte(config.deadLetter() ? 1 : 0);
        } else if (command instanceof Command.Enqueue c) {
            out.writeByte(ENQUEUE);
            writeName(out, c.queue());
            out.writeString(c.publisher()).writeVarLong(c.seq()).writeBytes(c.body().bytes());
        } else if (command instanceof Command.Checkout c) {
            out.writeByte(CHECKOUT);
            writeName(out, c.queue());
            writeConsumer(out, c.consumer());
            out.writeSignedVarLong(c.prefetch()).writeSignedVarLong(c.priority());
        } else if (command instanceof Command.Settle c) {
            writeIds(out, SETTLE, c.queue(), c.consumer(), c.ids());
        } else if (command instanceof Command.Return c) {
            writeIds(out, RETURN, c.queue(), c.consumer(), c.ids());
        } else if (command instanceof Command.Discard c) {
            writeIds(out, DISCARD, c.queue(), c.consumer(), c.ids());
        } else if (command instanceof Command.Cancel c) {
            out.writeByte(CANCEL);
            writeName(out, c.queue());
            writeConsumer(out, c.consumer());
            out.writeByte(c.returnUnacked() ? 1 : 0);
        } else if (command instanceof Command.Purge c) {
            out.writeByte(PURGE);
            writeName(out, c.queue());
        } else if (command instanceof Command.Delete c) {
            out.writeByte(DELETE);
            writeName(out, c.queue());
        } else if (command instanceof Command.NodeDown c) {
            out.writeByte(NODE_DOWN).writeString(c.node());
        } else {
            throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private static Command read(Wire.In in) {
        int tag = in.readByte();
        switch (tag) {
            case DECLARE: {
                QueueName queue = readName(in);
                return new Command.Declare(queue, readConfig(in));
            }
            case ENQUEUE: {
                QueueName queue = readName(in);
                return new Command.Enqueue(queue, in.readString(), in.readVarLong(), Body.of(in.readBytes()));
            }
            case CHECKOUT: {
                QueueName queue = readName(in);
                return new Command.Checkout(queue, readConsumer(in), in.readInt(), in.readInt());
            }
            case SETTLE: {
                QueueName queue = readName(in);
                return new Command.Settle(queue, readConsumer(in), readIds(in));
            }
            case RETURN: {
                QueueName queue = readName(in);
                return new Command.Return(queue, readConsumer(in), readIds(in));
            }
            case DISCARD: {
                QueueName queue = readName(in);
                return new Command.Discard(queue, readConsumer(in), readIds(in));
            }
            case CANCEL: {
                QueueName queue = readName(in);
                return new Command.Cancel(queue, readConsumer(in), readBoolean(in));
            }
            case PURGE:
                return new Command.Purge(readName(in));
            case DELETE:
                return new Command.Delete(readName(in));
            case NODE_DOWN:
                return new Command.NodeDown(in.readString());
            default:
                throw new IllegalArgumentException("unknown queue command tag " + tag);
        }
    }

    private static QueueConfig readConfig(Wire.In in) {
        int deliveryLimit = in.readInt();
        long maxLength = in.readSignedVarLong();
        long maxLengthBytes = in.readSignedVarLong();
        int overflow = in.readByte();
        if (overflow >= QueueConfig.Overflow.values().length) {
            throw new IllegalArgumentException("unknown overflow " + overflow);
        }
        return new QueueConfig(deliveryLimit, maxLength, maxLengthBytes, QueueConfig.Overflow.values()[overflow],
                readBoolean(in));
    }

    private static boolean readBoolean(Wire.In in) {
        int b = in.readByte();
        if (b > 1) {
            throw new IllegalArgumentException("a flag of " + b);
        }
        return b == 1;
    }

    private static void writeName(Wire.Out out, QueueName name) {
        out.writeString(name.vhost()).writeString(name.name());
    }

    private static QueueName readName(Wire.In in) {
        return new QueueName(in.readString(), in.readString());
    }

    private static void writeConsumer(Wire.Out out, ConsumerId consumer) {
        out.writeString(consumer.node()).writeSignedVarLong(consumer.channel()).writeString(consumer.tag());
    }

    private static ConsumerId readConsumer(Wire.In in) {
        return new ConsumerId(in.readString(), in.readInt(), in.readString());
    }

    /** Ids as zig-zag deltas from the one before: a run of acks costs about a byte each. */
    private static void writeIds(Wire.Out out, int tag, QueueName queue, ConsumerId consumer, long[] ids) {
        out.writeByte(tag);
        writeName(out, queue);
        writeConsumer(out, consumer);
        out.writeVarLong(ids.length);
        long previous = 0;
        for (long id : ids) {
            out.writeSignedVarLong(id - previous);
            previous = id;
        }
    }

    private static long[] readIds(Wire.In in) {
        long[] ids = new long[in.readCount()];
        long previous = 0;
        for (int i = 0; i < ids.length; i++) {
            previous += in.readSignedVarLong();
            ids[i] = previous;
        }
        return ids;
    }

    /**
     * The whole machine: every queue with its configuration, ready messages, consumers and what each holds, and
     * the publishers' highest sequence numbers. Only what is live; settled messages are gone from it.
     */
    public static byte[] encodeSnapshot(QueueMachine machine) {
        Wire.Out out = new Wire.Out(4096);
        out.writeByte(SNAPSHOT_VERSION).writeVarLong(machine.queueMap().size());
        for (ReplicatedQueue q : machine.queueMap().values()) {
            write(out, new Command.Declare(q.name, q.config));
            out.writeVarLong(q.nextId).writeByte(q.blocked ? 1 : 0);
            out.writeVarLong(q.publishers.size());
            q.publishers.forEach((publisher, state) -> out.writeString(publisher)
                    .writeVarLong(state[ReplicatedQueue.NEXT]).writeSignedVarLong(state[ReplicatedQueue.REFUSED]));
            out.writeVarLong(q.ready.size());
            for (QueuedMessage message : q.ready) {
                writeMessage(out, message);
            }
            List<ReplicatedQueue.Consumer> all = new ArrayList<>(q.consumers.values());
            out.writeVarLong(all.size());
            for (ReplicatedQueue.Consumer consumer : all) {
                writeConsumer(out, consumer.id);
                out.writeSignedVarLong(consumer.prefetch).writeSignedVarLong(consumer.priority)
                        .writeByte(consumer.cancelled ? 1 : 0);
                QueuedMessage[] held = consumer.checkedOut.sorted();
                out.writeVarLong(held.length);
                for (QueuedMessage message : held) {
                    writeMessage(out, message);
                }
            }
            out.writeVarLong(q.serviceOrder.size());
            for (ReplicatedQueue.Consumer consumer : q.serviceOrder) {
                out.writeVarLong(all.indexOf(consumer));
            }
        }
        return out.toByteArray();
    }

    /** Replaces what {@code machine} holds by the snapshot's state. */
    public static void decodeSnapshot(byte[] bytes, QueueMachine machine) {
        Wire.In in = new Wire.In(bytes);
        int version = in.readByte();
        if (version != SNAPSHOT_VERSION) {
            throw new IllegalArgumentException("a queue snapshot of version " + version);
        }
        QueueMachine loaded = new QueueMachine();
        int queues = in.readCount();
        for (int i = 0; i < queues; i++) {
            if (in.readByte() != DECLARE) {
                throw new IllegalArgumentException("a snapshot's queue does not start with its declaration");
            }
            QueueName name = readName(in);
            ReplicatedQueue q = new ReplicatedQueue(name, readConfig(in));
            q.nextId = in.readVarLong();
            q.blocked = readBoolean(in);
            int publishers = in.readCount();
            for (int p = 0; p < publishers; p++) {
                q.publishers.put(in.readString(), new long[] {in.readVarLong(), in.readSignedVarLong()});
            }
            int ready = in.readCount();
            for (int m = 0; m < ready; m++) {
                QueuedMessage message = readMessage(in);
                q.ready.addLast(message);
                q.readyBytes += message.body.size();
            }
            int consumers = in.readCount();
            List<ReplicatedQueue.Consumer> all = new ArrayList<>(consumers);
            for (int c = 0; c < consumers; c++) {
                ReplicatedQueue.Consumer consumer = new ReplicatedQueue.Consumer(readConsumer(in), in.readInt(),
                        in.readInt());
                consumer.cancelled = readBoolean(in);
                int held = in.readCount();
                for (int m = 0; m < held; m++) {
                    consumer.checkedOut.put(readMessage(in));
                }
                all.add(consumer);
                q.consumers.put(consumer.id, consumer);
            }
            int order = in.readCount();
            for (int o = 0; o < order; o++) {
                long index = in.readVarLong();
                if (index >= all.size()) {
                    throw new IllegalArgumentException("a service order naming consumer " + index + " of " + all.size());
                }
                q.serviceOrder.add(all.get((int) index));
            }
            loaded.queues.put(name, q);
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("bytes after the last queue of a snapshot");
        }
        machine.clear();
        machine.queues.putAll(loaded.queues);
    }

    private static void writeMessage(Wire.Out out, QueuedMessage message) {
        out.writeVarLong(message.id).writeVarLong(message.deliveryCount).writeBytes(message.body.bytes());
    }

    private static QueuedMessage readMessage(Wire.In in) {
        long id = in.readVarLong();
        long count = in.readVarLong();
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a delivery count of " + count);
        }
        return new QueuedMessage(id, (int) count, Body.of(in.readBytes()));
    }
}
