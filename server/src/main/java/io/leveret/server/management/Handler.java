package io.leveret.server.management;

import java.util.concurrent.CompletionStage;

/**
 * Serves one route. It may answer at once or later (after a queue's loop or the store has answered): the
 * HTTP loop is never blocked. It throws or completes exceptionally with {@link ApiException} to refuse.
 */
@FunctionalInterface
public interface Handler {
    CompletionStage<ApiResponse> handle(ApiRequest request);
}
