package io.leveret.server.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leveret.server.protocol.ResourceAlarms;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * /api/leveret: what rabbitmqctl does on a node that RabbitMQ's HTTP API has no call for, in Leveret's own
 * namespace, for administrators; leveretctl's {@code set_vm_memory_high_watermark}, {@code set_disk_free_limit},
 * {@code stop_app}, {@code start_app} and the alarm forms of {@code eval} are made of these.
 * <pre>
 *   GET    /api/leveret/alarms                     the alarms in force, the manual ones and the limits
 *   PUT    /api/leveret/alarms/memory|disk         raise a manual alarm (rabbit_alarm:set_alarm)
 *   DELETE /api/leveret/alarms/memory|disk         clear it (rabbit_alarm:clear_alarm)
 *   PUT    /api/leveret/vm-memory-high-watermark   {"relative": 0.4} or {"absolute": bytes}
 *   PUT    /api/leveret/disk-free-limit            {"absolute": bytes} or {"mem_relative": 1.5}
 *   GET    /api/leveret/app                        {"running": true}
 *   POST   /api/leveret/app/stop | /app/start      the AMQP listeners and connections (management stays up)
 * </pre>
 * Changes are made before the answer (204), so a client's next publish already meets them. They last until
 * the broker stops: the configuration file still says what the next start uses.
 */
final class LeveretRoutes implements Routes {
    @Override
    public void register(Router router, ManagementContext ctx) {
        router.get("/api/leveret/alarms", Tag.ADMINISTRATOR, req -> alarms(ctx.services().alarms()));
        router.add(HttpMethod.PUT, "/api/leveret/alarms/{resource}", Tag.ADMINISTRATOR, req -> {
            ResourceAlarms.Resource r = resource(req);
            return async(() -> ctx.services().alarms().setManualAlarm(r, true));
        });
        router.add(HttpMethod.DELETE, "/api/leveret/alarms/{resource}", Tag.ADMINISTRATOR, req -> {
            ResourceAlarms.Resource r = resource(req);
            return async(() -> ctx.services().alarms().setManualAlarm(r, false));
        });
        router.add(HttpMethod.PUT, "/api/leveret/vm-memory-high-watermark", Tag.ADMINISTRATOR, req -> {
            JsonNode body = req.json();
            String key = oneOf(body, "relative", "absolute");
            ResourceAlarms alarms = ctx.services().alarms();
            if (key.equals("relative")) {
                double fraction = number(body, key);
                if (fraction > 1) {
                    throw ApiException.badRequest("relative should be a fraction between 0.0 and 1.0, actually was "
                            + body.get(key));
                }
                return async(() -> alarms.setMemoryWatermark(fraction));
            }
            long bytes = bytes(body, key);
            return async(() -> alarms.setMemoryLimit(bytes));
        });
        router.add(HttpMethod.PUT, "/api/leveret/disk-free-limit", Tag.ADMINISTRATOR, req -> {
            JsonNode body = req.json();
            String key = oneOf(body, "absolute", "mem_relative");
            ResourceAlarms alarms = ctx.services().alarms();
            long bytes = key.equals("absolute") ? bytes(body, key)
                    : (long) Math.min(Long.MAX_VALUE, number(body, key) * ResourceAlarms.machineMemory());
            return async(() -> alarms.setDiskFreeLimit(bytes));
        });
        router.get("/api/leveret/app", Tag.ADMINISTRATOR, req -> Json.object().put("running", ctx.app().running()));
        router.add(HttpMethod.POST, "/api/leveret/app/stop", Tag.ADMINISTRATOR, req -> async(() -> ctx.app().stop()));
        router.add(HttpMethod.POST, "/api/leveret/app/start", Tag.ADMINISTRATOR, req -> async(() -> {
            try {
                ctx.app().start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CompletionException(e);
            }
        }));
    }

    private static ObjectNode alarms(ResourceAlarms a) {
        ObjectNode o = Json.object();
        o.put("mem_alarm", a.memoryAlarm());
        o.put("disk_free_alarm", a.diskAlarm());
        o.put("manual_mem_alarm", a.manualAlarm(ResourceAlarms.Resource.MEMORY));
        o.put("manual_disk_free_alarm", a.manualAlarm(ResourceAlarms.Resource.DISK));
        o.put("mem_limit", a.memoryLimit());
        o.put("disk_free_limit", a.diskFreeLimit());
        return o;
    }

    /**
     * Off the management loop: a stop waits for clients to answer connection.close, and an alarm check may run
     * a garbage collection.
     */
    private static CompletableFuture<ApiResponse> async(Runnable change) {
        return CompletableFuture.runAsync(change).thenApply(done -> ApiResponse.noContent());
    }

    private static ResourceAlarms.Resource resource(ApiRequest req) {
        return switch (req.param("resource")) {
            case "memory" -> ResourceAlarms.Resource.MEMORY;
            case "disk" -> ResourceAlarms.Resource.DISK;
            default -> throw ApiException.notFound();
        };
    }

    /** The one key of {@code keys} the body has; none or several is RabbitMQ's key_missing-style 400. */
    private static String oneOf(JsonNode body, String... keys) {
        String found = null;
        for (String k : keys) {
            if (body.has(k)) {
                if (found != null) {
                    throw ApiException.badRequest("give one of " + String.join(", ", keys) + ", not " + found
                            + " and " + k);
                }
                found = k;
            }
        }
        if (found == null) {
            throw ApiException.badRequest("[{key_missing," + String.join("|", keys) + "}]");
        }
        return found;
    }

    private static double number(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (!v.isNumber() || !(v.doubleValue() >= 0) || Double.isInfinite(v.doubleValue())) {
            throw ApiException.badRequest(key + " should be a non-negative number, actually was " + shown(v));
        }
        return v.doubleValue();
    }

    private static long bytes(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw ApiException.badRequest(key + " should be a non-negative integer (bytes), actually was "
                    + shown(v));
        }
        return v.longValue();
    }

    /** A value as RabbitMQ's errors show it: a string as an Erlang binary. */
    private static String shown(JsonNode v) {
        return v.isTextual() ? "<<\"" + v.asText() + "\">>" : v.toString().toLowerCase(Locale.ROOT);
    }
}
