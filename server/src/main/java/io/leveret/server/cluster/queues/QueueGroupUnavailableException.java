package io.leveret.server.cluster.queues;

/** A queue group could not commit commands: no majority of its members reachable in time, or this member closing. */
public final class QueueGroupUnavailableException extends RuntimeException {
    public QueueGroupUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
