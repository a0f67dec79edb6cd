package io.leveret.store.messages;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A durable queue as the message log knows it: virtual host and name, each an AMQP short string
 * (at most 255 bytes of UTF-8, AMQP 0-9-1 §4.2.5.3). The names are written into each record so the
 * log needs no id table of its own that could disagree with the definitions.
 */
public record QueueName(String vhost, String name) {
    public QueueName {
        Objects.requireNonNull(vhost, "vhost");
        Objects.requireNonNull(name, "name");
        if (vhost.getBytes(StandardCharsets.UTF_8).length > 255 || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("queue and vhost names are short strings (max 255 bytes): "
                    + vhost + "/" + name);
        }
    }

    @Override
    public String toString() {
        return "'" + name + "' in vhost '" + vhost + "'";
    }
}
