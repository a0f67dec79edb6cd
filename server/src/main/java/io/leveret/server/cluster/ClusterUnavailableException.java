package io.leveret.server.cluster;

/** The metadata group could not commit a change: no majority reachable in time, or the node is shutting down. */
public final class ClusterUnavailableException extends RuntimeException {
    public ClusterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
