package io.leveret.store.messages;

import io.leveret.store.file.Durable;
import io.leveret.store.file.FileHeader;
import io.leveret.store.file.Frames;
import io.leveret.store.file.IoDelay;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The acknowledgement log: acks, delivered marks and queue purges, in rotating files. A file is
 * deleted once every segment its records point into is gone, because then none of its records can
 * change what recovery finds. Confined to the writer thread.
 */
final class AckLog implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path directory;
    private final long fileBytes;
    private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
    /** Per file number, the segments its records refer to; the current file included. */
    private final TreeMap<Long, Set<Long>> referenced;
    private long next;
    private FileChannel channel;
    private long current = -1;
    private long size;
    private boolean dirty;
    private boolean created;

    AckLog(Path directory, long fileBytes, TreeMap<Long, Set<Long>> closedFiles, long nextNumber) {
        this.directory = directory;
        this.fileBytes = fileBytes;
        this.referenced = closedFiles;
        this.next = nextNumber;
    }

    void write(byte kind, QueueName queue, long segment, int offset) throws IOException {
        write(kind, queue, segment, offset, Set.of(segment));
    }

    void write(byte kind, QueueName queue, long segment, int offset, Set<Long> segments) throws IOException {
        int start = reserve(MessageCodec.refLength(kind, queue));
        MessageCodec.writeRef(out, kind, queue, segment, offset);
        Frames.seal(out, start);
        referenced.get(current).addAll(segments);
    }

    /** A delivered mark with the message's delivery count (a plain DELIVERED record for 0). */
    void writeDelivered(QueueName queue, long segment, int offset, int count) throws IOException {
        byte kind = count == 0 ? MessageCodec.DELIVERED : MessageCodec.COUNTED;
        int start = reserve(MessageCodec.refLength(kind, queue));
        MessageCodec.writeDelivered(out, queue, segment, offset, count);
        Frames.seal(out, start);
        referenced.get(current).add(segment);
    }

    /** Makes room for a frame with a payload of {@code payload} bytes; returns where the frame starts. */
    private int reserve(int payload) throws IOException {
        int frame = Frames.OVERHEAD + payload;
        if (channel == null || size + out.position() + frame > fileBytes) {
            roll();
        }
        if (frame > out.remaining()) {
            flush();
        }
        int start = out.position();
        out.position(start + Frames.OVERHEAD);
        return start;
    }

    void force() throws IOException {
        flush();
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
        if (created) {
            Durable.syncDirectory(directory);
            created = false;
        }
    }

    /** Deletes the closed files none of whose segments is still live. */
    void reclaim(RefCounts refs) throws IOException {
        boolean deleted = false;
        Iterator<Map.Entry<Long, Set<Long>>> it = referenced.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Set<Long>> entry = it.next();
            if (entry.getKey() != current && entry.getValue().stream().noneMatch(refs::isLive)) {
                Files.deleteIfExists(LogFiles.path(directory, entry.getKey(), LogFiles.ACKS));
                it.remove();
                deleted = true;
            }
        }
        if (deleted) {
            Durable.syncDirectory(directory);
        }
    }

    private void roll() throws IOException {
        if (channel != null) {
            force();
            channel.close();
        }
        current = next++;
        channel = FileChannel.open(LogFiles.path(directory, current, LogFiles.ACKS),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        new FileHeader(LogFiles.ACKS_MAGIC, LogFiles.VERSION, current).write(channel);
        channel.position(FileHeader.SIZE);
        size = FileHeader.SIZE;
        referenced.put(current, new HashSet<>());
        dirty = true;
        created = true;
    }

    /** Writes what is buffered to the file, without forcing it. */
    void flush() throws IOException {
        if (out.position() > 0) {
            IoDelay.beforeIo();
            out.flip();
            while (out.hasRemaining()) {
                size += channel.write(out);
            }
            out.clear();
            dirty = true;
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            force();
            channel.close();
            channel = null;
        }
    }
}
