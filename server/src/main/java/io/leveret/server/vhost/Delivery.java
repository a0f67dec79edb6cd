package io.leveret.server.vhost;

/**
 * One message on its way from a queue to a channel. The delivery owns one reference to the message,
 * which the channel releases once it has written it (or handed it back).
 *
 * @param consumerTag   null for basic.get
 * @param seq           the message's position in its queue; the key for ack, reject and requeue
 * @param channelCredit true if it took a unit of the channel-wide prefetch
 */
public record Delivery(Queue queue, String consumerTag, long seq, Message message, boolean redelivered,
                       boolean noAck, boolean channelCredit) {
}
