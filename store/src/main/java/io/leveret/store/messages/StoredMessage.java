package io.leveret.store.messages;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A message read back from its segment: the queues it was written for, the raw content-header property
 * bytes exactly as published, and the body. Both buffers are read-only views of one freshly read copy.
 */
public record StoredMessage(List<QueueName> queues, ByteBuffer properties, ByteBuffer body) {
}
