package io.leveret.server.vhost;

/**
 * A publisher's credit, RabbitMQ's credit flow in small: each message a connection hands a queue costs
 * {@link #units} — one, and one more for every {@link #BYTES_PER_UNIT} of body, so that what a connection
 * has in flight is bounded in bytes as well as in messages — and the queue gives them back once it has
 * taken the message in, or, while its consumers lag behind a backlog, only once they catch up. A
 * connection out of credit stops reading its socket.
 */
public interface PublisherCredit {
    /** Body bytes that cost one more unit. */
    int BYTES_PER_UNIT = 4096;

    /** What a message with {@code bodySize} bytes of body costs. */
    static int units(int bodySize) {
        return 1 + bodySize / BYTES_PER_UNIT;
    }

    /** Credit back. Called on the queue's thread. */
    void granted(long units);
}
