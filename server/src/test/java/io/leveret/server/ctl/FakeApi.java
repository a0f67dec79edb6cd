package io.leveret.server.ctl;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A management API that answers what a test tells it to and records what it was asked, so the unit tests can
 * check the requests leveretctl makes and how it prints the answers, without a broker. Anything not set up answers
 * 404 with RabbitMQ's body. Port chosen by the OS.
 */
final class FakeApi implements AutoCloseable {
    record Request(String method, String path, String body, String reason, String authorization) {
    }

    private record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            requests.add(new Request(exchange.getRequestMethod(), path, body,
                    exchange.getRequestHeaders().getFirst("X-Reason"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            Answer a = answers.getOrDefault(exchange.getRequestMethod() + " " + path,
                    new Answer(404, "{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}"));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
            exchange.close();
        });
        server.start();
    }

    FakeApi answer(String method, String path, int status, String body) {
        answers.put(method + " " + path, new Answer(status, body));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** What one leveretctl run printed, and its exit code. */
    record Ran(int code, String out, String err) {
    }

    /** Runs leveretctl in-process against this fake API. */
    Ran run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--url", url()));
        all.addAll(List.of(args));
        int code = Leveretctl.run(all.toArray(String[]::new), Map.of(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Ran(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }
}
