package io.leveret.server.cluster;

/**
 * The cluster's replicated model refused a change (it did not fit what the model holds: a binding to a queue
 * another node deleted meanwhile, say); no node made it.
 */
public final class ChangeRefusedException extends RuntimeException {
    public ChangeRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
