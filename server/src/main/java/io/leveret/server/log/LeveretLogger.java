package io.leveret.server.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A named logger: asks {@link LogSinks} whether a level is wanted anywhere, and hands it the formatted line. */
final class LeveretLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    LeveretLogger(String name) {
        this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
        return LogSinks.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogSinks.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogSinks.enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogSinks.enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogSinks.enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable throwable) {
        LogSinks.write(level, name, MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
    }
}
