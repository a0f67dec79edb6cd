package io.leveret.server.vhost;

/**
 * A channel consuming from {@code amq.rabbitmq.reply-to} (RabbitMQ's direct reply-to): replies published to
 * its address skip queues and go straight to it.
 */
public interface ReplyTarget {
    /** Takes one reference to {@code message}; called on the publisher's thread. */
    void deliverReply(Message message);
}
