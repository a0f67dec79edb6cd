package io.leveret.server.vhost;

import io.leveret.codec.BasicProperties;
import io.leveret.codec.CodecLimits;
import io.leveret.codec.FieldTable;
import io.leveret.codec.Wire;
import io.leveret.store.Blob;
import io.leveret.store.definitions.BindingDefinition;
import io.leveret.store.definitions.Change;
import io.leveret.store.definitions.DefinitionStore;
import io.leveret.store.definitions.ExchangeDefinition;
import io.leveret.store.definitions.QueueDefinition;
import io.leveret.store.messages.Location;
import io.leveret.store.messages.MessageStore;
import io.leveret.store.messages.MessageTimes;
import io.leveret.store.messages.QueueName;
import io.leveret.store.messages.StoredMessage;
import io.leveret.store.messages.WriteCallback;
import io.leveret.store.spill.SpillDirectory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The broker's durable side as the virtual hosts see it: durable definitions go to the definition store,
 * persistent messages in durable queues to the message log. Also the translation between our objects
 * (field tables, messages) and the store's opaque bytes, so the store never learns the wire format.
 */
public final class Persistence implements AutoCloseable {
    /** Where definition changes go: the definition store's {@code apply}, or a test's stand-in for it. */
    private final java.util.function.Function<Change, CompletableFuture<Void>> definitions;
    private final MessageStore messages;
    private final SpillDirectory spill;
    private final PagingBudget pagingBudget;
    private final DiskIo diskIo;
    private volatile String node = "";
    private volatile java.util.function.Predicate<String> nodeRunning = name -> true;

    /**
     * {@code spill}: where queues page transient bodies out of memory; null keeps them all in memory. Bodies
     * are paged out and back on the calling thread ({@link DiskIo#callingThread()}): for queues that run on
     * the caller's thread.
     */
    public Persistence(DefinitionStore definitions, MessageStore messages, SpillDirectory spill) {
        this(definitions, messages, spill, PagingBudget.unlimited());
    }

    /** {@code pagingBudget}: the bodies all queues together keep in memory before they page out. */
    public Persistence(DefinitionStore definitions, MessageStore messages, SpillDirectory spill,
                       PagingBudget pagingBudget) {
        this(definitions, messages, spill, pagingBudget, DiskIo.callingThread());
    }

    /**
     * {@code diskIo}: where queues and delayed exchanges read and write bodies; it is this object's from now
     * on, and {@link #close()} stops it.
     */
    public Persistence(DefinitionStore definitions, MessageStore messages, SpillDirectory spill,
                       PagingBudget pagingBudget, DiskIo diskIo) {
        this(definitions::apply, messages, spill, pagingBudget, diskIo);
    }

    /** {@code definitions} applies a definition change durably, as {@link DefinitionStore#apply} does. */
    Persistence(java.util.function.Function<Change, CompletableFuture<Void>> definitions, MessageStore messages,
                SpillDirectory spill, PagingBudget pagingBudget) {
        this(definitions, messages, spill, pagingBudget, DiskIo.callingThread());
    }

    private Persistence(java.util.function.Function<Change, CompletableFuture<Void>> definitions,
                        MessageStore messages, SpillDirectory spill, PagingBudget pagingBudget, DiskIo diskIo) {
        this.definitions = definitions;
        this.messages = messages;
        this.spill = spill;
        this.pagingBudget = pagingBudget;
        this.diskIo = diskIo;
    }

    public MessageStore messages() {
        return messages;
    }

    /** The bodies all queues together keep in memory. */
    PagingBudget pagingBudget() {
        return pagingBudget;
    }

    /** Where bodies are read and written, off the network loops. */
    DiskIo diskIo() {
        return diskIo;
    }

    /** Lets the disk work already asked for finish, then stops its threads. Call once the event loops stopped. */
    @Override
    public void close() {
        diskIo.close();
    }

    /** Scratch space for transient bodies; null when there is none. */
    SpillDirectory spill() {
        return spill;
    }

    /**
     * Writes a message once for all of {@code queues}; {@code done} runs on the store's writer thread once it
     * is on disk (failure null) or cannot be. The message is kept alive until then.
     */
    public Location append(Message m, List<QueueName> queues, Consumer<Throwable> done) {
        return append(m, queues, System.currentTimeMillis(), done);
    }

    /**
     * {@link #append(Message, List, Consumer)} for a publish: {@code due} is answered by the write or, sooner, by
     * consumers taking the message off every one of {@code queues}, and then the log need not write it at all.
     */
    public Location append(Message m, List<QueueName> queues, DurableCopies due) {
        m.durableCopies(due);
        return write(m, queues, System.currentTimeMillis(), due::written, due);
    }

    /**
     * {@link #append(Message, List, Consumer)} for a message that enters its queues at {@code enqueuedAt}
     * (ms since the epoch; later than now for a delayed message): the log keeps that time and the message's
     * own TTL, so that its deadline holds across a restart.
     */
    public Location append(Message m, List<QueueName> queues, long enqueuedAt, Consumer<Throwable> done) {
        return write(m, queues, enqueuedAt, done, null);
    }

    /** {@code copies}: null, or what tells the log that consumers took every copy and the record is not needed. */
    private Location write(Message m, List<QueueName> queues, long enqueuedAt, Consumer<Throwable> done,
                           DurableCopies copies) {
        m.retain();
        try {
            MessageTimes times = new MessageTimes(enqueuedAt, ownTtl(m.properties().expiration()));
            return messages.append(queues, times, envelope(m), m.body().nioBuffers(), new WriteCallback() {
                @Override
                public void completed(Throwable failure) {
                    if (failure == null) {
                        m.markOnDisk();
                    }
                    m.release();
                    done.accept(failure);
                }

                @Override
                public boolean wanted() {
                    return copies == null || !copies.consumedEverywhere();
                }

                @Override
                public void dropped() {
                    m.release();
                    done.accept(null);
                }
            });
        } catch (RuntimeException e) {
            m.release();
            throw e;
        }
    }

    /** The TTL an {@code expiration} property gives a message, in ms; -1 for none (or one not a number). */
    static long ownTtl(String expiration) {
        if (expiration == null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(expiration));
        } catch (NumberFormatException e) {
            // Publishers check expirations (406 otherwise): only a broker-made message could get here.
            return -1;
        }
    }

    /** Applies a change; the future completes once it is durable (changes complete in order). */
    CompletableFuture<Void> apply(Change change) {
        return definitions.apply(change);
    }

    /** A field table as the store keeps it: its wire encoding (empty for an empty table). */
    public static Blob blob(FieldTable table) {
        if (table.isEmpty()) {
            return Blob.EMPTY;
        }
        ByteBuf buf = Unpooled.buffer();
        try {
            Wire.writeTable(buf, table);
            return Blob.of(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    /** The field table a {@link #blob} holds. */
    public static FieldTable table(Blob blob) {
        if (blob.length() == 0) {
            return FieldTable.EMPTY;
        }
        ByteBuf buf = Unpooled.wrappedBuffer(blob.toByteArray());
        return Wire.readTable(buf, CodecLimits.DEFAULT_MAX_TABLE_DEPTH);
    }

    static ExchangeDefinition definition(VirtualHost vhost, Exchange e) {
        return new ExchangeDefinition(vhost.name(), e.name(), e.type(), e.durable(), e.autoDelete(), e.internal(),
                blob(e.arguments()));
    }

    static QueueDefinition definition(VirtualHost vhost, Queue q) {
        Persistence p = vhost.persistence();
        String home = q.remoteHome() != null ? q.remoteHome() : p == null ? "" : p.node;
        return new QueueDefinition(vhost.name(), q.name(), q.durable(), false, q.autoDelete(), blob(q.arguments()),
                q.type().wireName(), home);
    }

    /**
     * In a cluster, this node's name, recorded as the home of the queues declared here (set once, at boot,
     * before any vhost is made); empty on a single node.
     */
    public void node(String name, java.util.function.Predicate<String> running) {
        this.node = name;
        this.nodeRunning = running;
    }

    /** In a cluster, whether node {@code name} runs as this node last saw it; true on a single node. */
    public boolean nodeRunning(String name) {
        return nodeRunning.test(name);
    }

    /** This node's name in a cluster, or empty. */
    public String node() {
        return node;
    }

    static BindingDefinition definition(VirtualHost vhost, Binding b) {
        BindingDefinition.DestinationKind kind = b.destination() instanceof Queue
                ? BindingDefinition.DestinationKind.QUEUE : BindingDefinition.DestinationKind.EXCHANGE;
        return new BindingDefinition(vhost.name(), b.source().name(), b.destination().name(), kind, b.routingKey(),
                blob(b.arguments()));
    }

    /** A binding is durable when both of its ends are (RabbitMQ). */
    static boolean durable(Binding b) {
        boolean destination = b.destination() instanceof Queue q ? q.durable() : ((Exchange) b.destination()).durable();
        return b.source().durable() && destination;
    }

    /**
     * What the message log keeps beside the body: exchange and routing key (a redelivery needs them),
     * then the property bytes exactly as they arrived.
     */
    static byte[] envelope(Message m) {
        ByteBuf buf = Unpooled.buffer(m.exchange().length() + m.routingKey().length() + 2
                + m.rawProperties().readableBytes());
        try {
            Wire.writeShortstr(buf, m.exchange());
            Wire.writeShortstr(buf, m.routingKey());
            buf.writeBytes(m.rawProperties(), m.rawProperties().readerIndex(), m.rawProperties().readableBytes());
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    /** A message read back from the log. */
    static Message message(StoredMessage stored) {
        return message(Unpooled.wrappedBuffer(stored.properties()), Unpooled.wrappedBuffer(stored.body()));
    }

    /** A message from its {@link #envelope} and body, taking over both buffers. */
    static Message message(ByteBuf env, ByteBuf body) {
        String exchange = Wire.readShortstr(env);
        String routingKey = Wire.readShortstr(env);
        ByteBuf raw = env.retainedSlice();
        BasicProperties props = BasicProperties.decode(env.duplicate(), CodecLimits.DEFAULT_MAX_TABLE_DEPTH);
        env.release();
        return new Message(exchange, routingKey, props, raw, body);
    }
}
