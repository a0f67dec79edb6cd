package io.leveret.store;

import java.io.IOException;

/**
 * A file in the data directory was written by a newer Leveret (or is not a Leveret file at all).
 * The store refuses to touch it rather than guess: downgrading would silently lose or misread state.
 */
public final class UnsupportedFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsupportedFormatException(String message) {
        super(message);
    }
}
