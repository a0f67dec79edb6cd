package io.leveret.server.ctl;

/**
 * A command that cannot complete: the exit code and the text for standard error. Exit codes are the BSD
 * sysexits values rabbitmqctl uses, so scripts that branch on them keep working.
 */
final class CtlException extends Exception {
    /** Bad command line: unknown command, option or column, wrong number of arguments. */
    static final int USAGE = 64;
    /** The target is missing in a way rabbitmqctl reports as bad data (a missing vhost, an unreadable file). */
    static final int DATA_ERROR = 65;
    /** The named user does not exist. */
    static final int NO_USER = 67;
    /** The operation reached the broker and was refused, or the broker could not be reached. */
    static final int UNAVAILABLE = 69;
    /** Anything else the broker rejected (an existing user, an unexpected answer). */
    static final int SOFTWARE = 70;
    /** The broker did not answer within the timeout. */
    static final int TEMPORARY_FAILURE = 75;
    /** The management API refused our credentials. */
    static final int NO_PERMISSION = 77;

    private final int exitCode;
    private final boolean errorPrefix;
    private final boolean showUsage;

    private CtlException(int exitCode, String message, boolean errorPrefix, boolean showUsage) {
        super(message);
        this.exitCode = exitCode;
        this.errorPrefix = errorPrefix;
        this.showUsage = showUsage;
    }

    /** Printed as rabbitmqctl prints a failed operation: {@code Error:} on a line, then the message. */
    static CtlException error(int exitCode, String message) {
        return new CtlException(exitCode, message, true, false);
    }

    /** Printed bare, as rabbitmqctl prints a missing vhost ("Virtual host 'x' does not exist"). */
    static CtlException bare(int exitCode, String message) {
        return new CtlException(exitCode, message, false, false);
    }

    /** A command-line mistake: the message, then the command's usage; exit 64. */
    static CtlException usage(String message) {
        return new CtlException(USAGE, message, false, true);
    }

    /**
     * An argument of the right count but a wrong value ({@code set_vm_memory_high_watermark 1.5}): the message,
     * then the command's usage, exit 65 as rabbitmqctl's "Bad argument" validation failures.
     */
    static CtlException badArgument(String message) {
        return new CtlException(DATA_ERROR, message, false, true);
    }

    int exitCode() {
        return exitCode;
    }

    boolean errorPrefix() {
        return errorPrefix;
    }

    boolean showUsage() {
        return showUsage;
    }
}
