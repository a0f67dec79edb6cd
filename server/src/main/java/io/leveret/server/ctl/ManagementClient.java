package io.leveret.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The management HTTP API, one request at a time; every failure to talk to it becomes a {@link CtlException}. */
final class ManagementClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final HttpClient http;
    private final String authorization;

    ManagementClient(Settings settings) {
        this.settings = settings;
        // HTTP/1.1 only: the default first tries an h2c upgrade, which RabbitMQ's server answers by closing
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout()).build();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
    }

    /** An answer with its status; the body is parsed only when asked for. */
    record Response(int status, String body) {
        JsonNode json() throws CtlException {
            try {
                return JSON.readTree(body.isEmpty() ? "null" : body);
            } catch (IOException e) {
                throw CtlException.error(CtlException.SOFTWARE, "the management API sent a body that is not JSON: " + e.getMessage());
            }
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The API's {@code reason}, unescaped (RabbitMQ HTML-escapes it), or the body if there is none. */
        String reason() {
            try {
                JsonNode n = JSON.readTree(body);
                if (n != null && n.hasNonNull("reason")) {
                    return n.get("reason").asText().replace("&lt;", "<").replace("&gt;", ">")
                            .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
                }
            } catch (IOException e) {
                // not JSON: the body itself is the best explanation we have
            }
            return body.isBlank() ? "HTTP status " + status : body;
        }
    }

    /** {@code path("queues", "/", "q")} → {@code /api/queues/%2F/q}: each segment encoded on its own. */
    static String path(String... segments) {
        StringBuilder b = new StringBuilder("/api");
        for (String s : segments) {
            b.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    Response get(String path) throws CtlException {
        return send(request(path).GET());
    }

    Response put(String path, JsonNode body) throws CtlException {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Response post(String path, String body) throws CtlException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response delete(String path) throws CtlException {
        return send(request(path).DELETE());
    }

    /** DELETE with the API's {@code X-Reason} header, which becomes the connection.close text. */
    Response delete(String path, String reason) throws CtlException {
        return send(request(path).header("X-Reason", reason).DELETE());
    }

    /** GET that must succeed: anything but 2xx is an error naming the path. */
    JsonNode getJson(String path) throws CtlException {
        Response r = get(path);
        if (!r.ok()) {
            throw unexpected(r);
        }
        return r.json();
    }

    CtlException unexpected(Response r) {
        if (r.status() == 401) {
            return CtlException.error(CtlException.NO_PERMISSION, "the management API at " + settings.target()
                    + " refused user '" + settings.username() + "': " + r.reason());
        }
        return CtlException.error(r.status() == 404 ? CtlException.UNAVAILABLE : CtlException.SOFTWARE, r.reason());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(settings.target() + path))
                .timeout(settings.timeout())
                .header("Authorization", authorization);
    }

    private Response send(HttpRequest.Builder request) throws CtlException {
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw CtlException.error(CtlException.TEMPORARY_FAILURE, "the management API at " + settings.target()
                    + " did not answer within " + settings.timeout().toMillis() / 1000.0 + " seconds");
        } catch (IOException e) {
            throw CtlException.error(CtlException.UNAVAILABLE, "unable to perform an operation: the management API at "
                    + settings.target() + " cannot be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CtlException.error(CtlException.SOFTWARE, "interrupted");
        }
        if (r.statusCode() == 401) {
            throw unexpected(new Response(401, r.body()));
        }
        return new Response(r.statusCode(), r.body());
    }
}
