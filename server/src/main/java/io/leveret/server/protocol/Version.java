package io.leveret.server.protocol;

/** The broker's version, as reported in connection.start. */
public final class Version {
    public static final String VERSION = "0.1.0";

    private Version() {
    }
}
