package io.leveret.server.cluster.queues;

import java.util.Objects;

/**
 * A consumer as every member names it: the node its channel lives on, the channel number and the consumer tag
 * (a tag is unique on its channel only, AMQP 0-9-1 section 1.8.3.3).
 */
public record ConsumerId(String node, int channel, String tag) {
    public ConsumerId {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(tag, "tag");
    }
}
