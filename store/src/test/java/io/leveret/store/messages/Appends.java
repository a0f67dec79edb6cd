package io.leveret.store.messages;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Test helpers around {@link MessageStore#append}. */
final class Appends {
    private Appends() {
    }

    /** An append whose future completes with its location once durable. */
    static CompletableFuture<Location> append(MessageStore store, List<QueueName> queues, String body) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        Location location = store.append(queues, new byte[] {1, 2, 3},
                ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), failure -> {
                    if (failure == null) {
                        durable.complete(null);
                    } else {
                        durable.completeExceptionally(failure);
                    }
                });
        return durable.thenApply(ignored -> location);
    }

    static Location appendDurably(MessageStore store, QueueName queue, String body) {
        return append(store, List.of(queue), body).join();
    }

    static String body(MessageStore store, Location location) {
        try {
            ByteBuffer body = store.read(location).body();
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
