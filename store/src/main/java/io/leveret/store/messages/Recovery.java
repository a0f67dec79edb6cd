package io.leveret.store.messages;

import io.leveret.store.file.Durable;
import io.leveret.store.file.FileHeader;
import io.leveret.store.file.FrameScanner;
import io.leveret.store.file.Frames;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the message log's state at open: reads the ack files, then scans every segment's frames in
 * order (bodies pass through a bounded buffer, never kept), and yields per queue the un-acknowledged
 * messages in publish order. A torn or corrupt tail is cut off and logged; it can only hold records
 * whose callbacks never ran, because a callback runs after the force that covers its record.
 * Finally it rewrites the ack files as one file that states only what still matters, and deletes the
 * segments nothing references. Every step leaves a directory the next recovery reads correctly.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What a recovery hands to the running store. */
    record Result(Map<QueueName, List<RecoveredMessage>> queues, RefCounts refs, long nextSegment,
                  TreeMap<Long, Set<Long>> ackFiles, long nextAckFile) {
    }

    private record Ref(QueueName queue, int offset) {
    }

    /**
     * Scan limits fixed by the format, never by configuration: a store reopened with a smaller
     * {@code maxMessageBytes} must not mistake its own big records for damage. A segment frame's length
     * is also checked against the file's size before anything is allocated.
     */
    private static final int MAX_SEGMENT_PAYLOAD = Integer.MAX_VALUE - 64;
    private static final int MAX_ACK_PAYLOAD = 1024;

    private final Path directory;
    private final Map<QueueName, QueueName> interned = new HashMap<>();
    private final Map<Long, Set<Ref>> acked = new HashMap<>();
    /** Per segment, the refs marked delivered, each with the highest delivery count recorded. */
    private final Map<Long, Map<Ref, Integer>> delivered = new HashMap<>();
    private final Map<QueueName, Location> purged = new HashMap<>();

    private Recovery(Path directory) {
        this.directory = directory;
    }

    static Result run(Path directory) throws IOException {
        return new Recovery(directory).run();
    }

    private Result run() throws IOException {
        TreeMap<Long, Path> segments = LogFiles.list(directory, LogFiles.SEGMENT);
        TreeMap<Long, Path> ackFiles = LogFiles.list(directory, LogFiles.ACKS);
        for (Path file : ackFiles.values()) {
            readAcks(file, segments.keySet());
        }

        Map<QueueName, List<RecoveredMessage>> queues = new LinkedHashMap<>();
        RefCounts refs = new RefCounts();
        List<Long> unreferenced = new ArrayList<>();
        Map<Long, List<Ref>> dead = new TreeMap<>();
        Map<Long, Map<Ref, Integer>> liveDelivered = new TreeMap<>();
        long messages = 0;
        for (Map.Entry<Long, Path> entry : segments.entrySet()) {
            long segment = entry.getKey();
            List<Ref> deadHere = new ArrayList<>();
            Map<Ref, Integer> deliveredHere = new LinkedHashMap<>();
            int[] live = new int[1];
            Set<Ref> ackedHere = acked.getOrDefault(segment, Set.of());
            Map<Ref, Integer> deliveredCounts = delivered.getOrDefault(segment, Map.of());
            boolean readable = scan(entry.getValue(), LogFiles.SEGMENT_MAGIC, MAX_SEGMENT_PAYLOAD, (offset, length, payload) -> {
                Location location = new Location(segment, (int) offset, length);
                MessageCodec.Head head = MessageCodec.readHead(payload, interned);
                for (QueueName queue : head.queues()) {
                    Ref ref = new Ref(queue, (int) offset);
                    Location purgedUpTo = purged.get(queue);
                    if ((purgedUpTo != null && location.isBefore(purgedUpTo)) || ackedHere.contains(ref)) {
                        deadHere.add(ref);
                        continue;
                    }
                    Integer count = deliveredCounts.get(ref);
                    if (count != null) {
                        deliveredHere.put(ref, count);
                    }
                    queues.computeIfAbsent(queue, q -> new ArrayList<>()).add(new RecoveredMessage(
                            location, count != null, count == null ? 0 : count, head.times()));
                    refs.add(queue, segment);
                    live[0]++;
                }
            });
            if (!readable || live[0] == 0) {
                unreferenced.add(segment);
            } else {
                dead.put(segment, deadHere);
                liveDelivered.put(segment, deliveredHere);
                messages += live[0];
            }
        }
        acked.clear();
        delivered.clear();

        long nextAckFile = ackFiles.isEmpty() ? 1 : ackFiles.lastKey() + 1;
        TreeMap<Long, Set<Long>> keptAckFiles = new TreeMap<>();
        Set<Long> referenced = rewriteAcks(nextAckFile, dead, liveDelivered);
        if (!referenced.isEmpty()) {
            keptAckFiles.put(nextAckFile, referenced);
        }
        for (Path old : ackFiles.values()) {
            Files.deleteIfExists(old);
        }
        for (long segment : unreferenced) {
            Files.deleteIfExists(segments.get(segment));
        }
        Durable.syncDirectory(directory);
        LOG.info("recovered {} message references in {} queues from {} segments ({} reclaimed) in {}",
                messages, queues.size(), segments.size() - unreferenced.size(), unreferenced.size(), directory);
        long nextSegment = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        return new Result(queues, refs, nextSegment, keptAckFiles, nextAckFile + 1);
    }

    private void readAcks(Path file, Set<Long> segments) throws IOException {
        scan(file, LogFiles.ACKS_MAGIC, MAX_ACK_PAYLOAD, (offset, length, payload) -> {
            MessageCodec.Ref ref = MessageCodec.readRef(payload, interned);
            switch (ref.kind()) {
                case MessageCodec.ACK -> {
                    if (segments.contains(ref.segment())) {
                        acked.computeIfAbsent(ref.segment(), s -> new HashSet<>()).add(new Ref(ref.queue(), ref.offset()));
                    }
                }
                case MessageCodec.DELIVERED, MessageCodec.COUNTED -> {
                    if (segments.contains(ref.segment())) {
                        delivered.computeIfAbsent(ref.segment(), s -> new HashMap<>())
                                .merge(new Ref(ref.queue(), ref.offset()), ref.count(), Math::max);
                    }
                }
                default -> purged.merge(ref.queue(), new Location(ref.segment(), ref.offset(), 0),
                        (a, b) -> a.isBefore(b) ? b : a);
            }
        });
    }

    /**
     * Reads one file's frames, cutting off a torn tail. Returns false for a file too short to have a
     * header: it was being created when the broker stopped and holds nothing anyone was promised.
     */
    private boolean scan(Path file, int magic, int maxPayload, FrameScanner.Visitor visitor) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try {
                FileHeader.read(channel, file, magic, LogFiles.VERSION);
            } catch (EOFException torn) {
                LOG.warn("{} is shorter than its header; it was being created at the stop and is removed", file);
                return false;
            }
            FrameScanner.Result result = FrameScanner.scan(channel, FileHeader.SIZE, maxPayload, visitor);
            if (result.torn()) {
                LOG.warn("{}: {} at offset {}; cutting off {} bytes after {} good records "
                                + "(an unfinished write: none of it was ever confirmed)",
                        file, result.stopReason(), result.validEnd(), result.droppedBytes(), result.records());
                channel.truncate(result.validEnd());
                channel.force(true);
            }
            return true;
        }
    }

    /**
     * Writes one ack file with the acks and delivered marks (with their counts) of the live segments; returns
     * those segments.
     */
    private Set<Long> rewriteAcks(long number, Map<Long, List<Ref>> dead, Map<Long, Map<Ref, Integer>> liveDelivered)
            throws IOException {
        Set<Long> referenced = new HashSet<>();
        Path file = LogFiles.path(directory, number, LogFiles.ACKS);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new FileHeader(LogFiles.ACKS_MAGIC, LogFiles.VERSION, number).write(channel);
            channel.position(FileHeader.SIZE);
            ByteBuffer out = ByteBuffer.allocate(64 * 1024);
            for (Map.Entry<Long, List<Ref>> entry : dead.entrySet()) {
                for (Ref ref : entry.getValue()) {
                    int start = reserve(channel, out, MessageCodec.refLength(MessageCodec.ACK, ref.queue()));
                    MessageCodec.writeRef(out, MessageCodec.ACK, ref.queue(), entry.getKey(), ref.offset());
                    Frames.seal(out, start);
                    referenced.add(entry.getKey());
                }
            }
            for (Map.Entry<Long, Map<Ref, Integer>> entry : liveDelivered.entrySet()) {
                for (Map.Entry<Ref, Integer> marked : entry.getValue().entrySet()) {
                    Ref ref = marked.getKey();
                    int start = reserve(channel, out, MessageCodec.refLength(MessageCodec.COUNTED, ref.queue()));
                    MessageCodec.writeDelivered(out, ref.queue(), entry.getKey(), ref.offset(), marked.getValue());
                    Frames.seal(out, start);
                    referenced.add(entry.getKey());
                }
            }
            drain(channel, out);
            channel.force(false);
        }
        if (referenced.isEmpty()) {
            Files.delete(file);
        }
        Durable.syncDirectory(directory);
        return referenced;
    }

    /** Drains {@code out} if a frame with {@code payload} bytes would not fit; returns where the frame starts. */
    private static int reserve(FileChannel channel, ByteBuffer out, int payload) throws IOException {
        if (out.remaining() < Frames.OVERHEAD + payload) {
            drain(channel, out);
        }
        int start = out.position();
        out.position(start + Frames.OVERHEAD);
        return start;
    }

    private static void drain(FileChannel channel, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }
}
