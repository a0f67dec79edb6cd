package io.leveret.store.messages;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A unit of work for the writer thread, in the order the store accepted it. */
sealed interface Op {
    record Append(Location location, List<QueueName> queues, MessageTimes times, byte[] properties, ByteBuffer body,
                  WriteCallback callback) implements Op {
    }

    record Ack(QueueName queue, Location location) implements Op {
    }

    record Delivered(QueueName queue, Location location) implements Op {
    }

    /** Drops every reference of {@code queue} to messages before {@code upTo}. */
    record Purge(QueueName queue, Location upTo) implements Op {
    }

    /** Completes once everything accepted before it is durable. */
    record Sync(CompletableFuture<Void> done) implements Op {
    }
}
