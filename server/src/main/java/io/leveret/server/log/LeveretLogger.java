package io.leveret.server.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** A named logger: asks {@link LogSinks} whether a level is wanted anywhere, and hands it the formatted line. */
final class LeveretLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    /**
     * Ratis (the cluster's Raft engine) logs every vote, role change and segment roll at INFO: in a broker's
     * log that is noise, so its INFO lines are kept only when DEBUG is wanted; its warnings always are.
     */
    private final boolean raftEngine;
    /**
     * Ratis' client logs at ERROR each attempt that it then retries on another member (a follower's
     * NotLeaderException, a member that is down); the metadata group reports the failures that matter itself,
     * so those lines are kept only when DEBUG is wanted.
     */
    private final boolean raftClientRetries;

    LeveretLogger(String name) {
        this.name = name;
        this.raftEngine = name.startsWith("org.apache.ratis.");
        this.raftClientRetries = name.startsWith("org.apache.ratis.client.");
    }

    @Override
    public boolean isTraceEnabled() {
        return !raftEngine && LogSinks.enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LogSinks.enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LogSinks.enabled(raftEngine ? Level.DEBUG : Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return LogSinks.enabled(raftClientRetries ? Level.DEBUG : Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return LogSinks.enabled(raftClientRetries ? Level.DEBUG : Level.ERROR);
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
