package io.leveret.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Firefox (Debian's {@code firefox-esr}) behind a W3C WebDriver HTTP endpoint, so that Selenium's
 * {@code RemoteWebDriver} drives it like any browser. Firefox speaks WebDriver itself over its Marionette
 * socket, with W3C's command set under Marionette's names; geckodriver, the usual bridge, is not packaged by
 * Debian (or any registry this project uses), so this class is that bridge, for the commands the UI tests use:
 * each HTTP request becomes one Marionette command, its answer the HTTP reply.
 */
final class FirefoxRelay implements AutoCloseable {
    static final String FIREFOX = "/usr/bin/firefox-esr";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = "/session/([^/]+)";
    private static final String ELEMENT = SESSION + "/element/([^/]+)";

    /** One W3C endpoint: method, path pattern, Marionette command, and the names its path groups take. */
    private record Route(String method, Pattern path, String command, List<String> params) {
    }

    private static final List<Route> ROUTES = List.of(
            route("DELETE", SESSION, "WebDriver:DeleteSession"),
            route("POST", SESSION + "/url", "WebDriver:Navigate"),
            route("GET", SESSION + "/url", "WebDriver:GetCurrentURL"),
            route("POST", SESSION + "/refresh", "WebDriver:Refresh"),
            route("POST", SESSION + "/back", "WebDriver:Back"),
            route("POST", SESSION + "/forward", "WebDriver:Forward"),
            route("GET", SESSION + "/title", "WebDriver:GetTitle"),
            route("GET", SESSION + "/source", "WebDriver:GetPageSource"),
            route("GET", SESSION + "/timeouts", "WebDriver:GetTimeouts"),
            route("POST", SESSION + "/timeouts", "WebDriver:SetTimeouts"),
            route("GET", SESSION + "/window", "WebDriver:GetWindowHandle"),
            route("GET", SESSION + "/window/handles", "WebDriver:GetWindowHandles"),
            route("GET", SESSION + "/window/rect", "WebDriver:GetWindowRect"),
            route("POST", SESSION + "/window/rect", "WebDriver:SetWindowRect"),
            route("POST", SESSION + "/element", "WebDriver:FindElement"),
            route("POST", SESSION + "/elements", "WebDriver:FindElements"),
            route("GET", SESSION + "/element/active", "WebDriver:GetActiveElement"),
            route("POST", ELEMENT + "/element", "WebDriver:FindElement", "element"),
            route("POST", ELEMENT + "/elements", "WebDriver:FindElements", "element"),
            route("POST", ELEMENT + "/click", "WebDriver:ElementClick", "id"),
            route("POST", ELEMENT + "/clear", "WebDriver:ElementClear", "id"),
            route("POST", ELEMENT + "/value", "WebDriver:ElementSendKeys", "id"),
            route("GET", ELEMENT + "/text", "WebDriver:GetElementText", "id"),
            route("GET", ELEMENT + "/name", "WebDriver:GetElementTagName", "id"),
            route("GET", ELEMENT + "/rect", "WebDriver:GetElementRect", "id"),
            route("GET", ELEMENT + "/enabled", "WebDriver:IsElementEnabled", "id"),
            route("GET", ELEMENT + "/selected", "WebDriver:IsElementSelected", "id"),
            route("GET", ELEMENT + "/displayed", "WebDriver:IsElementDisplayed", "id"),
            route("GET", ELEMENT + "/attribute/([^/]+)", "WebDriver:GetElementAttribute", "id", "name"),
            route("GET", ELEMENT + "/property/([^/]+)", "WebDriver:GetElementProperty", "id", "name"),
            route("GET", ELEMENT + "/css/([^/]+)", "WebDriver:GetElementCSSValue", "id", "propertyName"),
            route("POST", SESSION + "/execute/sync", "WebDriver:ExecuteScript"),
            route("POST", SESSION + "/execute/async", "WebDriver:ExecuteAsyncScript"),
            route("GET", SESSION + "/alert/text", "WebDriver:GetAlertText"),
            route("POST", SESSION + "/alert/text", "WebDriver:SendAlertText"),
            route("POST", SESSION + "/alert/accept", "WebDriver:AcceptAlert"),
            route("POST", SESSION + "/alert/dismiss", "WebDriver:DismissAlert"),
            route("GET", SESSION + "/screenshot", "WebDriver:TakeScreenshot"),
            route("POST", SESSION + "/actions", "WebDriver:PerformActions"),
            route("DELETE", SESSION + "/actions", "WebDriver:ReleaseActions"));

    private static Route route(String method, String path, String command, String... params) {
        return new Route(method, Pattern.compile(path), command, List.of(params));
    }

    private final Path profile;
    private final Process firefox;
    private final Socket marionette;
    private final InputStream in;
    private final OutputStream out;
    private final HttpServer http;
    private int nextId;

    private FirefoxRelay(Path downloads) throws IOException {
        profile = Files.createTempDirectory("leveret-firefox-");
        int port = freePort();
        StringBuilder prefs = new StringBuilder();
        prefs.append(pref("marionette.port", port))
                .append(pref("browser.shell.checkDefaultBrowser", false))
                .append(pref("browser.startup.homepage_override.mstone", "ignore"))
                .append(pref("datareporting.policy.dataSubmissionEnabled", false))
                .append(pref("app.update.disabledForTesting", true))
                .append(pref("intl.accept_languages", "en"));
        if (downloads != null) {
            prefs.append(pref("browser.download.folderList", 2))
                    .append(pref("browser.download.dir", downloads.toAbsolutePath().toString()))
                    .append(pref("browser.download.useDownloadDir", true))
                    .append(pref("browser.download.always_ask_before_handling_new_types", false));
        }
        Files.writeString(profile.resolve("user.js"), prefs);
        // -remote-allow-system-access: consoleErrors() reads the browser's console from the chrome context.
        ProcessBuilder pb = new ProcessBuilder(FIREFOX, "--headless", "--marionette", "-remote-allow-system-access",
                "--no-remote", "--width", "1400", "--height", "1000", "-profile", profile.toString(), "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("firefox.log").toFile());
        pb.environment().put("MOZ_HEADLESS", "1");
        firefox = pb.start();
        marionette = connect(port);
        in = new BufferedInputStream(marionette.getInputStream());
        out = marionette.getOutputStream();
        read(); // Marionette's greeting: {"applicationType":"gecko","marionetteProtocol":3}
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Starts Firefox; {@code downloads} (or null) is where it saves downloads without asking. */
    static FirefoxRelay start(Path downloads) {
        try {
            return new FirefoxRelay(downloads);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + FIREFOX, e);
        }
    }

    /** The WebDriver endpoint to give Selenium's RemoteWebDriver. */
    URL url() {
        try {
            return new URL("http://127.0.0.1:" + http.getAddress().getPort());
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pref(String name, Object value) {
        String v = value instanceof String s ? JSON.valueToTree(s).toString() : String.valueOf(value);
        return "user_pref(\"" + name + "\", " + v + ");\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Socket connect(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                if (!firefox.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("Firefox's Marionette did not listen on " + port + ": "
                            + Files.readString(profile.resolve("firefox.log")), e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
    }

    // ---- Marionette: "<length>:<JSON>" packets; a command is [0, id, name, params], its answer [1, id, error, result]

    private JsonNode read() throws IOException {
        int length = 0;
        for (int c = in.read(); c != ':'; c = in.read()) {
            if (c < '0' || c > '9') {
                throw new IOException("Marionette closed or sent a bad packet header");
            }
            length = length * 10 + (c - '0');
        }
        return JSON.readTree(in.readNBytes(length));
    }

    /** One command; its answer as [error or null, result]. */
    synchronized JsonNode[] call(String command, JsonNode params) throws IOException {
        int id = ++nextId;
        ArrayNode packet = JSON.createArrayNode().add(0).add(id).add(command).add(params);
        byte[] body = JSON.writeValueAsBytes(packet);
        out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        while (true) {
            JsonNode answer = read();
            if (answer.path(0).asInt() == 1 && answer.path(1).asInt() == id) {
                return new JsonNode[] {answer.get(2).isNull() ? null : answer.get(2), answer.get(3)};
            }
        }
    }

    private JsonNode callOrThrow(String command, JsonNode params) throws IOException {
        JsonNode[] answer = call(command, params);
        if (answer[0] != null) {
            throw new IOException(command + ": " + answer[0].path("message").asText());
        }
        return answer[1];
    }

    // ---- W3C WebDriver over HTTP

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getRawPath().replaceAll("/+$", "");
            byte[] raw = ex.getRequestBody().readAllBytes();
            JsonNode body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
            ObjectNode params = body.isObject() ? ((ObjectNode) body).deepCopy() : JSON.createObjectNode();
            String command = null;
            if (method.equals("POST") && path.equals("/session")) {
                command = "WebDriver:NewSession";
                ObjectNode caps = params.path("capabilities").isObject()
                        ? (ObjectNode) params.get("capabilities") : JSON.createObjectNode();
                params = JSON.createObjectNode();
                params.set("capabilities", caps);
            } else {
                for (Route r : ROUTES) {
                    Matcher m = r.path().matcher(path);
                    if (r.method().equals(method) && m.matches()) {
                        command = r.command();
                        for (int i = 0; i < r.params().size(); i++) {
                            params.put(r.params().get(i), URLDecoder.decode(m.group(i + 2),
                                    StandardCharsets.UTF_8));
                        }
                        break;
                    }
                }
            }
            if (command == null) {
                reply(ex, 404, error("unknown command", method + " " + path + " is not relayed to Firefox"));
                return;
            }
            JsonNode[] answer = call(command, params);
            if (answer[0] != null) {
                reply(ex, status(answer[0].path("error").asText()), JSON.createObjectNode().set("value", answer[0]));
            } else if (command.equals("WebDriver:NewSession") || !answer[1].has("value") || answer[1].size() > 1) {
                reply(ex, 200, JSON.createObjectNode().set("value", answer[1]));
            } else {
                reply(ex, 200, answer[1]);
            }
        } catch (RuntimeException | IOException e) {
            reply(ex, 500, error("unknown error", String.valueOf(e)));
        }
    }

    private static JsonNode error(String error, String message) {
        ObjectNode e = JSON.createObjectNode().put("error", error).put("message", message).put("stacktrace", "");
        return JSON.createObjectNode().set("value", e);
    }

    /** W3C's HTTP status for an error code. */
    private static int status(String error) {
        return switch (error) {
            case "no such element", "no such frame", "no such window", "no such alert", "no such cookie",
                 "stale element reference", "no such shadow root", "detached shadow root", "invalid session id",
                 "unknown command" -> 404;
            case "invalid argument", "invalid selector", "element not interactable", "element click intercepted",
                 "invalid element state", "insecure certificate" -> 400;
            case "unknown method" -> 405;
            default -> 500;
        };
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    // ---- what Selenium's API has no Firefox word for

    /** The whole page as a PNG. */
    byte[] fullPageScreenshot() throws IOException {
        JsonNode shot = callOrThrow("WebDriver:TakeScreenshot", JSON.createObjectNode().put("full", true));
        return Base64.getDecoder().decode(shot.path("value").asText());
    }

    /**
     * Errors that pages logged to the console (exceptions, CSP violations), read from the browser's console
     * service; the browser's own messages and warnings are left out.
     */
    String consoleErrors() throws IOException {
        callOrThrow("Marionette:SetContext", JSON.createObjectNode().put("value", "chrome"));
        try {
            JsonNode errors = callOrThrow("WebDriver:ExecuteScript", JSON.createObjectNode()
                    .put("script", "return Services.console.getMessageArray()"
                            + ".filter(m => m instanceof Ci.nsIScriptError && !(m.flags & Ci.nsIScriptError.warningFlag)"
                            + " && !(m.flags & Ci.nsIScriptError.infoFlag) && !m.isFromChromeContext"
                            + " && !/^(chrome|resource|about):/.test(m.sourceName))"
                            + ".map(m => m.errorMessage + ' (' + m.sourceName + ':' + m.lineNumber + ')')")
                    .set("args", JSON.createArrayNode()));
            StringBuilder b = new StringBuilder();
            errors.path("value").forEach(e -> b.append(b.isEmpty() ? "" : "\n").append(e.asText()));
            return b.toString();
        } finally {
            callOrThrow("Marionette:SetContext", JSON.createObjectNode().put("value", "content"));
        }
    }

    @Override
    public void close() {
        http.stop(0);
        try {
            call("Marionette:Quit", JSON.createObjectNode());
        } catch (IOException e) {
            // already gone
        }
        try {
            marionette.close();
            if (!firefox.waitFor(20, TimeUnit.SECONDS)) {
                firefox.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
