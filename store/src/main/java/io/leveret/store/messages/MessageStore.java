package io.leveret.store.messages;

import io.leveret.store.StoreOptions;
import io.leveret.store.file.Frames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Persistent messages in an append-only log of fixed-size segment files, with acknowledgements kept
 * apart. A message routed to several durable queues is written once and referenced by each.
 *
 * <p>How a broker uses it:
 * <ul>
 *   <li>boot: {@link #recover()} once → per queue, the un-acked messages in publish order;</li>
 *   <li>publish of a persistent message to durable queues: {@link #append} → keep the returned
 *       {@link Location} (not the body) and confirm when the callback says it is durable;</li>
 *   <li>delivery: optionally {@link #markDelivered}, so it comes back redelivered after a crash;</li>
 *   <li>ack (or reject without requeue, or expiry): {@link #ack};</li>
 *   <li>queue delete or purge: {@link #dropQueue};</li>
 *   <li>delivering a message whose body it no longer holds: {@link #read}.</li>
 * </ul>
 * All methods are thread-safe. Writes happen on the store's own thread; one {@code force} covers every
 * write waiting at that moment (group commit), and callbacks run only after it returned.
 */
public final class MessageStore implements AutoCloseable {
    private final Path directory;
    private final StoreOptions options;
    private final Intake intake;
    private final SegmentReaders readers;
    private final Thread writerThread;
    private final Writer writer;
    private Map<QueueName, List<RecoveredMessage>> recovered;

    private MessageStore(Path directory, StoreOptions options, Recovery.Result recovery) {
        this.directory = directory;
        this.options = options;
        this.recovered = recovery.queues();
        this.intake = new Intake(recovery.nextSegment(), options.segmentBytes());
        this.readers = new SegmentReaders(directory);
        AckLog acks = new AckLog(directory, options.ackFileBytes(), recovery.ackFiles(), recovery.nextAckFile());
        this.writer = new Writer(directory, intake, acks, recovery.refs(), readers, recovery.nextSegment());
        this.writerThread = new Thread(writer, "leveret-message-writer");
        this.writerThread.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the message log in {@code directory} and recovers its state. The caller
     * owns the directory exclusively; {@link io.leveret.store.Store#open} takes care of that.
     */
    public static MessageStore open(Path directory, StoreOptions options) throws IOException {
        Files.createDirectories(directory);
        MessageStore store = new MessageStore(directory, options, Recovery.run(directory));
        store.writerThread.start();
        return store;
    }

    /**
     * Hands over what recovery found: per queue, its un-acknowledged messages in publish order. Call it
     * once at boot; the store keeps no copy, so a second call throws.
     */
    public synchronized Map<QueueName, List<RecoveredMessage>> recover() {
        if (recovered == null) {
            throw new IllegalStateException("recover() was already called");
        }
        Map<QueueName, List<RecoveredMessage>> result = recovered;
        recovered = null;
        return result;
    }

    /**
     * Drops, at boot, the recovered messages of every queue not in {@code queues} — those whose queue was
     * deleted but whose messages were not dropped before a crash. Call before {@link #recover()}.
     */
    public synchronized void dropQueuesOtherThan(Set<QueueName> queues) {
        if (recovered == null) {
            throw new IllegalStateException("recover() was already called");
        }
        for (QueueName queue : List.copyOf(recovered.keySet())) {
            if (!queues.contains(queue)) {
                recovered.remove(queue);
                dropQueue(queue);
            }
        }
    }

    /**
     * Appends one message for {@code queues}, returning its location at once; the record is written by
     * the writer thread and {@code callback} is told when it is durable (or why not — then nack).
     * {@code body} is read later, on the writer thread: leave its content alone until the callback ran.
     *
     * @throws IllegalArgumentException for no queues, more than 65535, or properties + body over
     *                                  {@link StoreOptions#maxMessageBytes()}
     * @throws IllegalStateException if the store is closed
     */
    public Location append(List<QueueName> queues, byte[] properties, ByteBuffer body, WriteCallback callback) {
        return append(queues, MessageTimes.now(), properties, body, callback);
    }

    /**
     * {@link #append(List, byte[], ByteBuffer, WriteCallback)} with the {@code times} recovery hands back in
     * {@link RecoveredMessage#times()}.
     */
    public Location append(List<QueueName> queues, MessageTimes times, byte[] properties, ByteBuffer body,
                           WriteCallback callback) {
        return append(queues, times, properties, new ByteBuffer[] {body}, callback);
    }

    /**
     * {@link #append(List, MessageTimes, byte[], ByteBuffer, WriteCallback)} for a body in several buffers (a
     * composite one's parts, in order): they are written as they are, never merged into one. Leave their content
     * alone until the callback ran.
     */
    public Location append(List<QueueName> queues, MessageTimes times, byte[] properties, ByteBuffer[] body,
                           WriteCallback callback) {
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(times, "times");
        if (queues.isEmpty() || queues.size() > MessageCodec.MAX_QUEUES) {
            throw new IllegalArgumentException("a message is stored for 1 to 65535 queues, not " + queues.size());
        }
        long bodyLength = 0;
        for (ByteBuffer part : body) {
            bodyLength += part.remaining();
        }
        if (properties.length + bodyLength > options.maxMessageBytes()) {
            throw new IllegalArgumentException("message of " + (properties.length + bodyLength)
                    + " bytes is over the store's limit of " + options.maxMessageBytes());
        }
        List<QueueName> copy = List.copyOf(queues);
        int frame = Frames.OVERHEAD + MessageCodec.messageLength(copy, properties.length, (int) bodyLength);
        return intake.append(frame, copy, times, properties, body, callback);
    }

    /**
     * Records that {@code queue} is done with the message. Not forced on its own: a crash may lose the
     * last acks, and those messages come back (AMQP's at-least-once). Use {@link #sync()} where an ack
     * must be durable, e.g. tx.commit.
     */
    public void ack(QueueName queue, Location location) {
        intake.add(new Op.Ack(queue, location));
    }

    /** Records that the message was handed to a consumer, so after a crash it is recovered redelivered. */
    public void markDelivered(QueueName queue, Location location) {
        markDelivered(queue, location, 0);
    }

    /**
     * {@link #markDelivered(QueueName, Location)}, also recording the broker's delivery count for the message
     * (x-delivery-limit); recovery yields the highest count recorded as {@link RecoveredMessage#deliveryCount()}.
     */
    public void markDelivered(QueueName queue, Location location, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("negative delivery count " + count);
        }
        intake.add(new Op.Delivered(queue, location, count));
    }

    /** Drops every message reference {@code queue} holds now (queue.delete, queue.purge). */
    public void dropQueue(QueueName queue) {
        intake.purge(queue);
    }

    /** Completes once everything accepted before this call is on disk. */
    public CompletableFuture<Void> sync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        intake.add(new Op.Sync(done));
        return done;
    }

    /**
     * Reads a message back: its frame is checked and decoded; nothing is cached. Call it only for a
     * location whose append completed and that is not yet acked.
     */
    public StoredMessage read(Location location) throws IOException {
        return readers.read(location);
    }

    /**
     * Reads the first {@code count} of {@code locations} at once, as {@link #read(Location)} each would: a run
     * of neighbouring records (a queue's backlog, in order) costs one positional read. {@code results[i]} is
     * the message at {@code locations[i]} or, if it could not be read, null with {@code failures[i]} saying
     * why. Reads nothing but the records asked for and what lies between them.
     */
    public void read(Location[] locations, int count, StoredMessage[] results, IOException[] failures) {
        if (count > locations.length || count > results.length || count > failures.length) {
            throw new IllegalArgumentException(count + " reads asked for with room for fewer");
        }
        readers.read(locations, count, results, failures);
    }

    /** Bytes accepted but not yet written: for a broker's memory alarm. */
    public long pendingBytes() {
        return intake.pendingBytes();
    }

    /** Records not written because consumers took them first ({@link WriteCallback#wanted()}) since open. */
    public long droppedRecords() {
        return writer.dropped();
    }

    /** Group commits done since open (one force of each touched file each): a metric, and a test's witness. */
    public long groupCommits() {
        return writer.forces();
    }

    public Path directory() {
        return directory;
    }

    /** Writes and forces everything accepted so far, then stops the writer thread. */
    @Override
    public void close() {
        intake.close();
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.close();
    }
}
