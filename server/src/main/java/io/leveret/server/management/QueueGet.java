package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.vhost.Delivery;
import io.leveret.server.vhost.Queue;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * POST /api/queues/{vhost}/{queue}/get: up to {@code count} messages taken as basic.get takes them, on the
 * queue's thread, then settled by {@code ackmode}: requeued (ack_requeue_true, reject_requeue_true), acked
 * (ack_requeue_false) or rejected to their dead-letter exchange (reject_requeue_false).
 */
final class QueueGet {
    private enum AckMode { ACK_REQUEUE_TRUE, ACK_REQUEUE_FALSE, REJECT_REQUEUE_TRUE, REJECT_REQUEUE_FALSE }

    private final Queue queue;
    private final int count;
    private final AckMode mode;
    private final boolean base64;
    private final long truncate;
    private final ArrayNode answer = Json.array();
    private final List<Long> taken = new ArrayList<>();
    private final CompletableFuture<ApiResponse> done = new CompletableFuture<>();

    private QueueGet(Queue queue, int count, AckMode mode, boolean base64, long truncate) {
        this.queue = queue;
        this.count = count;
        this.mode = mode;
        this.base64 = base64;
        this.truncate = truncate;
    }

    static CompletableFuture<ApiResponse> get(Queue q, JsonNode body) {
        Publish.requireKeys(body, "count", "ackmode", "encoding");
        long count = Json.integer(body, "count", 1);
        AckMode mode = switch (Json.text(body, "ackmode", "")) {
            case "ack_requeue_true" -> AckMode.ACK_REQUEUE_TRUE;
            case "ack_requeue_false" -> AckMode.ACK_REQUEUE_FALSE;
            case "reject_requeue_true" -> AckMode.REJECT_REQUEUE_TRUE;
            case "reject_requeue_false" -> AckMode.REJECT_REQUEUE_FALSE;
            default -> throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    Json.array().add("invalid_ackmode").add(Json.text(body, "ackmode", "")));
        };
        String encoding = Json.text(body, "encoding", "");
        if (!encoding.equals("auto") && !encoding.equals("base64")) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    Json.array().add("unsupported_encoding").add(encoding));
        }
        long truncate = Json.integer(body, "truncate", -1);
        QueueGet g = new QueueGet(q, (int) Math.max(0, Math.min(count, Integer.MAX_VALUE)), mode,
                encoding.equals("base64"), truncate);
        q.execute(() -> g.next(g.count));
        return g.done;
    }

    /** On the queue's thread: one more get, or the end. */
    private void next(int remaining) {
        try {
            if (remaining == 0) {
                finish();
                return;
            }
            queue.get(mode == AckMode.ACK_REQUEUE_FALSE, d -> {
                if (d == null) {
                    finish();
                    return;
                }
                try {
                    answer.add(item(d));
                } finally {
                    d.message().release();
                }
                if (!d.noAck()) {
                    taken.add(d.seq());
                }
                next(remaining - 1);
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private ObjectNode item(Delivery d) {
        ByteBuf body = d.message().body();
        int size = body.readableBytes();
        int shown = truncate >= 0 && truncate < size ? (int) truncate : size;
        byte[] bytes = ByteBufUtil.getBytes(body, body.readerIndex(), shown);
        ObjectNode o = Json.object();
        o.put("payload_bytes", size);
        o.put("redelivered", d.redelivered());
        o.put("exchange", d.message().exchange());
        o.put("routing_key", d.message().routingKey());
        o.put("message_count", queue.messageCount());
        o.set("properties", Publish.json(d.message().properties()));
        String text = base64 ? null : utf8(bytes);
        if (text != null) {
            o.put("payload", text);
            o.put("payload_encoding", "string");
        } else {
            o.put("payload", Base64.getEncoder().encodeToString(bytes));
            o.put("payload_encoding", "base64");
        }
        return o;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Settles what was taken, all at once, so a requeued message is not taken twice by the same get. */
    private void finish() {
        long[] seqs = taken.stream().mapToLong(Long::longValue).toArray();
        switch (mode) {
            case ACK_REQUEUE_TRUE, REJECT_REQUEUE_TRUE -> queue.settle(new long[0], 0, seqs, seqs.length);
            case REJECT_REQUEUE_FALSE -> queue.reject(seqs, seqs.length);
            case ACK_REQUEUE_FALSE -> queue.settle(seqs, seqs.length, new long[0], 0);
        }
        done.complete(ApiResponse.ok(answer));
    }
}
