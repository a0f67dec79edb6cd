package io.leveret.server.management;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * The hook through which the management listener serves paths outside {@code /api} — the web UI's files —
 * without the API's route table or credentials: a browser has to load the login page before it has any.
 * Whatever it declines falls through to the API's answer for an unknown path (404).
 */
@FunctionalInterface
public interface PageHandler {
    /** The full answer to {@code request}, or null when this handler has nothing at that path. */
    FullHttpResponse answer(FullHttpRequest request);
}
