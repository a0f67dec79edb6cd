package io.leveret.server.management;

import io.leveret.server.admin.Admin;
import io.leveret.server.admin.AdminException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** The answer to a change made through {@link Admin}: RabbitMQ's 404 or 400 when it was refused. */
final class AdminReplies {
    private AdminReplies() {
    }

    /** The broker's Admin; a broker built without one (tests) answers 503. */
    static Admin admin(ManagementContext ctx) {
        Admin admin = ctx.services().admin();
        if (admin == null) {
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "no runtime changes here");
        }
        return admin;
    }

    /** {@code ok} once {@code change} is made; its refusal as RabbitMQ's error. */
    static CompletionStage<ApiResponse> after(CompletableFuture<Void> change, ApiResponse ok) {
        return change.handle((done, failure) -> {
            if (failure == null) {
                return ok;
            }
            throw new CompletionException(apiError(failure));
        });
    }

    static Throwable apiError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof AdminException a) {
            return a.kind() == AdminException.Kind.NOT_FOUND ? ApiException.notFound()
                    : ApiException.badRequest(a.getMessage());
        }
        return cause;
    }

    /** RabbitMQ's 400 for fields a body lacks: {@code [{key_missing,write},{key_missing,read}]}. */
    static void requireKeys(com.fasterxml.jackson.databind.JsonNode body, String... keys) {
        StringBuilder missing = new StringBuilder();
        for (String k : keys) {
            if (!body.has(k)) {
                missing.append(missing.length() == 0 ? "[" : ",").append("{key_missing,").append(k).append('}');
            }
        }
        if (missing.length() > 0) {
            throw ApiException.badRequest(missing.append(']').toString());
        }
    }
}
