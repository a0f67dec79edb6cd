package io.leveret.store.file;

import io.leveret.store.UnsupportedFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The 16 bytes at the start of every store file: a magic number naming the kind of file, the format
 * version it was written in, and a number (segment number, journal base sequence). Records follow at
 * {@link #SIZE}. A reader refuses a version newer than it knows, naming the file.
 */
public record FileHeader(int magic, int version, long number) {
    public static final int SIZE = 16;

    public void write(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        buffer.putInt(magic).putInt(version).putLong(number).flip();
        long position = 0;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /**
     * Reads and checks the header of {@code file}.
     *
     * @throws EOFException if the file is shorter than a header (a file torn while being created)
     * @throws UnsupportedFormatException if the magic is wrong or the version is newer than {@code maxVersion}
     */
    public static FileHeader read(FileChannel channel, Path file, int expectedMagic, int maxVersion)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SIZE);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new EOFException(file + " is shorter than its " + SIZE + "-byte header");
            }
        }
        buffer.flip();
        FileHeader header = new FileHeader(buffer.getInt(), buffer.getInt(), buffer.getLong());
        if (header.magic != expectedMagic) {
            throw new UnsupportedFormatException(String.format(
                    "%s is not a Leveret store file of the expected kind (magic %08x, expected %08x)",
                    file, header.magic, expectedMagic));
        }
        if (header.version > maxVersion || header.version < 1) {
            throw new UnsupportedFormatException(String.format(
                    "%s has format version %d but this Leveret reads versions up to %d; "
                            + "run the Leveret version that wrote it", file, header.version, maxVersion));
        }
        return header;
    }
}
