package io.leveret.store.messages;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A unit of work for the writer thread, in the order the store accepted it. */
sealed interface Op {
    /** {@code body}: the body's bytes in order, in as many buffers as it arrived in (written without merging). */
    record Append(Location location, List<QueueName> queues, MessageTimes times, byte[] properties, ByteBuffer[] body,
                  WriteCallback callback) implements Op {
    }

    record Ack(QueueName queue, Location location) implements Op {
    }

    /** The message was handed out; {@code count} is the broker's delivery count for it then. */
    record Delivered(QueueName queue, Location location, int count) implements Op {
    }

    /** Drops every reference of {@code queue} to messages before {@code upTo}. */
    record Purge(QueueName queue, Location upTo) implements Op {
    }

    /** Completes once everything accepted before it is durable. */
    record Sync(CompletableFuture<Void> done) implements Op {
    }
}
