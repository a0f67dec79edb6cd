package io.leveret.server.vhost;

/**
 * A publisher's credit, RabbitMQ's credit flow in small: each message a connection hands a queue costs one
 * unit, and the queue gives it back once it has taken the message in — or, while its consumers lag behind a
 * backlog, only once they catch up. A connection out of credit stops reading its socket.
 */
public interface PublisherCredit {
    /** One unit back. Called on the queue's thread. */
    void granted();
}
