package io.leveret.server.protocol;

import io.leveret.codec.BasicMethod;
import io.leveret.codec.BasicProperties;
import io.leveret.codec.ReplyCode;
import io.leveret.server.vhost.Message;
import io.leveret.server.vhost.ReplyTarget;
import io.leveret.server.vhost.VirtualHost;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A channel's side of RabbitMQ's direct reply-to: at most one no-ack consumer of
 * {@code amq.rabbitmq.reply-to} per channel; requests published with that reply_to carry the channel's own
 * address instead, and replies to that address come straight back, with no queue in between.
 */
final class DirectReplyTo implements ReplyTarget {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AmqpChannel channel;
    private String consumerTag;
    private String suffix;

    DirectReplyTo(AmqpChannel channel) {
        this.channel = channel;
    }

    boolean active() {
        return consumerTag != null;
    }

    boolean isConsumer(String tag) {
        return tag.equals(consumerTag);
    }

    void consume(BasicMethod.Consume c) {
        if (channel.consumers.containsKey(c.consumerTag()) || isConsumer(c.consumerTag())) {
            throw new ConnectionException(ReplyCode.NOT_ALLOWED,
                    "attempt to reuse consumer tag '" + c.consumerTag() + "'", c);
        }
        if (!c.noAck()) {
            throw ChannelException.preconditionFailed(c, "reply consumer cannot acknowledge");
        }
        if (active()) {
            throw ChannelException.preconditionFailed(c, "reply consumer already set");
        }
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        consumerTag = c.consumerTag().isEmpty() ? Names.consumerTag() : c.consumerTag();
        suffix = Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        channel.vhost().addReplyTarget(suffix, this);
        if (!c.noWait()) {
            channel.send(new BasicMethod.ConsumeOk(consumerTag));
        }
    }

    void cancel(BasicMethod.Cancel c) {
        stop();
        if (!c.noWait()) {
            channel.send(new BasicMethod.CancelOk(c.consumerTag()));
        }
    }

    void stop() {
        if (suffix != null) {
            channel.vhost().removeReplyTarget(suffix);
        }
        consumerTag = null;
        suffix = null;
    }

    /** The request with reply_to set to this channel's address; releases {@code m}. */
    Message rewrite(Message m) {
        BasicProperties props = m.properties();
        BasicProperties rewritten = new BasicProperties(props.contentType(), props.contentEncoding(), props.headers(),
                props.deliveryMode(), props.priority(), props.correlationId(), VirtualHost.REPLY_TO_PREFIX + suffix,
                props.expiration(), props.messageId(), props.timestamp(), props.type(), props.userId(), props.appId(),
                props.clusterId());
        Message out = m.withProperties(rewritten, channel.connection().ctx().alloc().buffer());
        m.release();
        return out;
    }

    @Override
    public void deliverReply(Message message) {
        channel.connection().ctx().executor().execute(() -> {
            try {
                if (consumerTag != null && !channel.released()) {
                    long tag = ++channel.nextDeliveryTag;
                    channel.writeContent(new BasicMethod.Deliver(consumerTag, tag, false, message.exchange(),
                            message.routingKey()), message);
                    channel.connection().flushSoon();
                }
            } finally {
                message.release();
            }
        });
    }
}
