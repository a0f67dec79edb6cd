package io.leveret.store.messages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.leveret.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The times kept in a message's append record come back at recovery; records without them still decode. */
class MessageTimesTest {
    private static final QueueName Q = new QueueName("/", "q");

    @TempDir
    Path dir;

    @Test
    void timesComeBackWithTheRecoveredMessage() throws IOException {
        MessageTimes first = new MessageTimes(1_700_000_000_123L, 5000);
        MessageTimes second = new MessageTimes(1_700_000_009_999L, -1);
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            store.recover();
            append(store, first, "a").join();
            append(store, second, "b").join();
        }
        try (MessageStore store = MessageStore.open(dir, StoreOptions.defaults())) {
            List<RecoveredMessage> recovered = store.recover().get(Q);
            assertEquals(List.of(first, second), recovered.stream().map(RecoveredMessage::times).toList());
            assertEquals("b", Appends.body(store, recovered.get(1).location()));
        }
    }

    @Test
    void aRecordOfTheOlderKindDecodesWithUnknownTimes() throws IOException {
        // MESSAGE 1 | u16 queueCount | (shortstr vhost, shortstr name)* | i32 propsLen | props | i32 bodyLen | body
        ByteBuffer old = ByteBuffer.allocate(64);
        old.put(MessageCodec.MESSAGE).putShort((short) 1);
        old.put((byte) 1).put((byte) '/').put((byte) 1).put((byte) 'q');
        old.putInt(2).put(new byte[] {7, 8}).putInt(3).put("abc".getBytes(StandardCharsets.US_ASCII));
        old.flip();
        MessageCodec.Head head = MessageCodec.readHead(old.duplicate(), null);
        assertEquals(MessageTimes.UNKNOWN, head.times());
        assertFalse(head.times().known());
        assertEquals(List.of(Q), head.queues());
        StoredMessage m = MessageCodec.readMessage(old.duplicate());
        assertEquals(3, m.body().remaining());
        assertEquals(2, m.properties().remaining());
    }

    @Test
    void theNewKindRoundTrips() throws IOException {
        MessageTimes times = new MessageTimes(42, 7);
        byte[] props = {1, 2};
        ByteBuffer out = ByteBuffer.allocate(MessageCodec.messageLength(List.of(Q), props.length, 3));
        MessageCodec.writeMessage(out, List.of(Q), times, props,
                new ByteBuffer[] {ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII))});
        assertEquals(0, out.remaining(), "messageLength counts every byte");
        out.flip();
        assertEquals(times, MessageCodec.readHead(out.duplicate(), null).times());
        assertEquals(3, MessageCodec.readMessage(out).body().remaining());
    }

    private static CompletableFuture<Location> append(MessageStore store, MessageTimes times, String body) {
        CompletableFuture<Location> done = new CompletableFuture<>();
        Location[] at = new Location[1];
        at[0] = store.append(List.of(Q), times, new byte[] {1}, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)),
                failure -> {
                    if (failure == null) {
                        done.complete(at[0]);
                    } else {
                        done.completeExceptionally(failure);
                    }
                });
        return done;
    }
}
