package io.leveret.server.config;

/**
 * A configuration the broker must not boot with: a bad value, an unknown key, an unreadable file or an
 * unknown command-line argument. The message is written for the operator and names the key, the value
 * and where it came from; Main prints it and exits with status 1.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
