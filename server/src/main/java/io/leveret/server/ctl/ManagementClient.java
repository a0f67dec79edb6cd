package io.leveret.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The management HTTP API, one request at a time; every failure to talk to it becomes a {@link CtlException}.
 *
 * <p>Built on {@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: the latter sets up TLS
 * (the default SSLContext and its trust store) when it is built, even for plain http, which cost 200-400 ms of a
 * 1 s run here; HttpURLConnection loads TLS only for an https URL and made the same request in about 50 ms.
 */
final class ManagementClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final String authorization;

    ManagementClient(Settings settings) {
        this.settings = settings;
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
        return send("GET", path, null, null);
    }

    Response put(String path, JsonNode body) throws CtlException {
        return send("PUT", path, body.toString(), null);
    }

    Response post(String path, String body) throws CtlException {
        return send("POST", path, body, null);
    }

    Response delete(String path) throws CtlException {
        return send("DELETE", path, null, null);
    }

    /** DELETE with the API's {@code X-Reason} header, which becomes the connection.close text. */
    Response delete(String path, String reason) throws CtlException {
        return send("DELETE", path, null, reason);
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

    private Response send(String method, String path, String body, String reason) throws CtlException {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        try {
            HttpURLConnection http = (HttpURLConnection) URI.create(settings.target() + path).toURL().openConnection();
            http.setRequestMethod(method);
            http.setConnectTimeout(timeoutMillis);
            http.setReadTimeout(timeoutMillis);
            http.setInstanceFollowRedirects(false);
            http.setRequestProperty("Authorization", authorization);
            if (reason != null) {
                http.setRequestProperty("X-Reason", reason);
            }
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                http.setDoOutput(true);
                http.setFixedLengthStreamingMode(bytes.length);
                http.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = http.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = http.getResponseCode();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Response r = new Response(status, text);
            if (status == 401) {
                throw unexpected(r);
            }
            return r;
        } catch (SocketTimeoutException e) {
            throw CtlException.error(CtlException.TEMPORARY_FAILURE, "the management API at " + settings.target()
                    + " did not answer within " + timeoutMillis / 1000.0 + " seconds");
        } catch (IOException | IllegalArgumentException e) {
            throw CtlException.error(CtlException.UNAVAILABLE, "unable to perform an operation: the management API at "
                    + settings.target() + " cannot be reached (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
    }
}
