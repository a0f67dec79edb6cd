package io.leveret.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Plain {@code java.net.http} calls to the broker's management API, for the cases a client library hides:
 * status codes, headers and error bodies exactly as sent.
 */
final class ManagementHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            // HTTP/1.1 as the management clients speak it; Cowboy mishandles the JDK's h2c upgrade on a POST.
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;
    private final String authorization;

    ManagementHttp(String base, String user, String password) {
        this.base = base;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** As the broker under test's user. */
    static ManagementHttp of(BrokerUnderTest broker) {
        return new ManagementHttp(broker.managementUri(), broker.user(), broker.password());
    }

    ManagementHttp as(String user, String password) {
        return new ManagementHttp(base, user, password);
    }

    ManagementHttp anonymous() {
        return new ManagementHttp(base, null, null);
    }

    /** One call; {@code rawPath} is sent as written (already percent-encoded), body null for none. */
    HttpResponse<String> call(String method, String rawPath, String body) {
        return call(method, rawPath, body, new String[0]);
    }

    /** As {@link #call(String, String, String)} with extra headers, given as name, value, name, value… */
    HttpResponse<String> call(String method, String rawPath, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + rawPath)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + rawPath + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String rawPath) {
        return call("GET", rawPath, null);
    }

    HttpResponse<String> put(String rawPath, String body) {
        return call("PUT", rawPath, body);
    }

    HttpResponse<String> post(String rawPath, String body) {
        return call("POST", rawPath, body);
    }

    HttpResponse<String> delete(String rawPath) {
        return call("DELETE", rawPath, null);
    }

    /** One path segment percent-encoded as the API expects it (a space as %20, "/" as %2F). */
    static String segment(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }
}
