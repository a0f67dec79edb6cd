package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI's exchange, vhost, policy and definitions pages in headless Chromium, checked against the
 * HTTP API. Skipped against an external broker for the reason {@link WebUiTest} gives: RabbitMQ serves its
 * own UI there.
 */
class WebUiAdminTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path downloads;
    private ManagementHttp http;
    private Browser browser;

    @BeforeEach
    void open() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(),
                "the web UI under test is Leveret's; an external broker serves its own");
        http = ManagementHttp.of(broker);
        browser = new Browser(browserKind(), broker.managementUri(), downloads);
        browser.logIn(broker.user(), broker.password());
    }

    /** The browser this class's tests run in; a subclass runs them all in another. */
    Browser.Kind browserKind() {
        return Browser.Kind.CHROMIUM;
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void addsAnExchangeBindsPublishesUnbindsAndDeletesIt() {
        String exchange = "ui-x-" + suffix;
        String queue = "ui-xq-" + suffix;
        try {
            assertEquals(201, http.put("/api/queues/%2F/" + ManagementHttp.segment(queue), "{\"durable\":false}").statusCode());
            browser.open("#/exchanges");
            WebElement add = browser.form("add-exchange");
            add.findElement(By.name("name")).sendKeys(exchange);
            add.findElement(By.cssSelector("select[name=type] option[value=topic]")).click();
            browser.submitOk(add);
            assertEquals("topic", ManagementHttp.json(http.get("/api/exchanges/%2F/" + ManagementHttp.segment(exchange))).path("type").asText());

            browser.open("#/exchanges/%2F/" + ManagementHttp.segment(exchange));
            WebElement bind = browser.form("bind-exchange");
            bind.findElement(By.name("destination")).sendKeys(queue);
            bind.findElement(By.name("routing_key")).sendKeys("orders.*");
            browser.submitOk(bind);
            browser.waitFor(By.cssSelector("[data-unbind='orders.*']"));

            WebElement publish = browser.form("publish-exchange");
            publish.findElement(By.name("routing_key")).sendKeys("orders.new");
            publish.findElement(By.name("payload")).sendKeys("order 1");
            browser.submitOk(publish);
            assertEquals("Message published and routed.",
                    publish.findElement(By.cssSelector(".notice")).getText());
            browser.until(d -> ManagementHttp.json(http.get("/api/queues/%2F/" + ManagementHttp.segment(queue))).path("messages").asInt() == 1);
            browser.screenshot("exchange");

            browser.click(By.cssSelector("[data-unbind='orders.*']"));
            browser.until(d -> ManagementHttp.json(http.get("/api/exchanges/%2F/" + ManagementHttp.segment(exchange) + "/bindings/source")).isEmpty());

            // Deleting leaves the page for the exchanges list: no notice to wait for, the API tells.
            browser.form("delete-exchange").findElement(By.cssSelector("button[type=submit]")).click();
            browser.acceptConfirm("Delete the exchange '" + exchange + "'?");
            browser.until(d -> d.getCurrentUrl().endsWith("#/exchanges"));
            browser.until(d -> http.get("/api/exchanges/%2F/" + ManagementHttp.segment(exchange)).statusCode() == 404);
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/exchanges/%2F/" + ManagementHttp.segment(exchange));
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    @Test
    void addsAVhostAndAPolicyAndShowsTheApisErrorForABadOne() {
        String vhost = "ui-pvh-" + suffix;
        String policy = "ui-pol-" + suffix;
        try {
            browser.open("#/vhosts");
            WebElement addVhost = browser.form("add-vhost");
            addVhost.findElement(By.name("name")).sendKeys(vhost);
            browser.submitOk(addVhost);
            assertEquals(200, http.get("/api/vhosts/" + ManagementHttp.segment(vhost)).statusCode());
            browser.screenshot("vhosts");

            browser.open("#/policies");
            WebElement add = browser.form("add-policies");
            add.findElement(By.cssSelector("select[name=vhost] option[value='" + vhost + "']")).click();
            add.findElement(By.name("name")).sendKeys(policy);
            add.findElement(By.name("pattern")).sendKeys("^ui\\.");
            add.findElement(By.cssSelector("[data-shortcut=max-length]")).click();
            WebElement value = add.findElement(By.cssSelector("[data-arg-value]"));
            value.sendKeys("lots");
            String error = browser.submit(add);
            HttpResponse<String> direct = http.put("/api/policies/" + ManagementHttp.segment(vhost) + "/" + ManagementHttp.segment(policy),
                    "{\"pattern\":\"^ui\\\\.\",\"apply-to\":\"queues\",\"priority\":0,\"definition\":{\"max-length\":\"lots\"}}");
            assertEquals(400, direct.statusCode(), direct.body());
            String reason = ManagementHttp.json(direct).path("reason").asText();
            assertTrue(error.contains(reason), "form shows '" + error + "', the API said '" + reason + "'");

            value.clear();
            value.sendKeys("1000");
            browser.submitOk(add);
            JsonNode saved = ManagementHttp.json(http.get("/api/policies/" + ManagementHttp.segment(vhost) + "/" + ManagementHttp.segment(policy)));
            assertEquals(1000, saved.path("definition").path("max-length").asInt(), saved.toString());
            assertEquals("queues", saved.path("apply-to").asText());
            browser.waitFor(By.cssSelector("[data-delete='" + policy + "']"));
            browser.screenshot("policies");
            browser.click(By.cssSelector("[data-delete='" + policy + "']"));
            browser.acceptConfirm("Delete '" + policy + "'?");
            browser.until(d -> http.get("/api/policies/" + ManagementHttp.segment(vhost) + "/" + ManagementHttp.segment(policy)).statusCode() == 404);
        } finally {
            http.delete("/api/vhosts/" + ManagementHttp.segment(vhost));
        }
    }

    @Test
    void editsAPolicyInPlaceAndItsQueueFollowsTheNewDefinition() throws Exception {
        String policy = "ui-edit-" + suffix;
        String queue = "ui-edit-q-" + suffix;
        String path = "/api/policies/%2F/" + ManagementHttp.segment(policy);
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            // max-length and queue-mode have shortcuts in the editor; queue-version, ha-mode and ha-params have
            // none, and are a number, a string and a list: the form must give every one of them back as it was.
            assertEquals(201, http.put(path, "{\"pattern\":\"^" + queue + "$\",\"apply-to\":\"queues\",\"priority\":1,"
                    + "\"definition\":{\"max-length\":5,\"queue-mode\":\"lazy\",\"queue-version\":2,"
                    + "\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@a\",\"rabbit@b\"]}}").statusCode());
            ch.queueDeclare(queue, false, false, false, null);

            browser.open("#/policies");
            WebElement form = edit("policies", policy, "Edit policy " + policy);
            assertEquals(policy, form.findElement(By.name("name")).getAttribute("value"));
            assertEquals("^" + queue + "$", form.findElement(By.name("pattern")).getAttribute("value"));
            assertEquals("queues", form.findElement(By.name("apply-to")).getAttribute("value"));
            assertEquals("1", form.findElement(By.name("priority")).getAttribute("value"));
            assertEquals(Map.of("max-length", "5 number", "queue-mode", "lazy string", "queue-version", "2 number",
                    "ha-mode", "nodes string", "ha-params", "rabbit@a, rabbit@b list"), definitionRows(form));
            assertEquals("pattern", browser.driver.executeScript("return document.activeElement.name"),
                    "the form has the focus");

            argValue(form, "max-length").clear();
            argValue(form, "max-length").sendKeys("7");
            form.findElement(By.name("priority")).clear();
            form.findElement(By.name("priority")).sendKeys("3");
            browser.submitOk(form);
            assertEquals("The policy '" + policy + "' is updated.", form.findElement(By.cssSelector(".notice")).getText());
            browser.screenshot("policy-edit");

            JsonNode saved = ManagementHttp.json(http.get(path));
            assertEquals(ManagementHttp.JSON.readTree("{\"max-length\":7,\"queue-mode\":\"lazy\",\"queue-version\":2,"
                    + "\"ha-mode\":\"nodes\",\"ha-params\":[\"rabbit@a\",\"rabbit@b\"]}"), saved.path("definition"), saved.toString());
            assertEquals(3, saved.path("priority").asInt(), saved.toString());
            assertEquals("^" + queue + "$", saved.path("pattern").asText());
            assertEquals("queues", saved.path("apply-to").asText());
            assertQueueKeepsSeven(ch, queue, "policy", policy);
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete(path);
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    @Test
    void editsAnOperatorPolicyInPlace() throws Exception {
        String policy = "ui-edit-op-" + suffix;
        String queue = "ui-edit-opq-" + suffix;
        String path = "/api/operator-policies/%2F/" + ManagementHttp.segment(policy);
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            assertEquals(201, http.put(path, "{\"pattern\":\"^" + queue + "$\",\"apply-to\":\"queues\",\"priority\":0,"
                    + "\"definition\":{\"max-length\":5,\"message-ttl\":3600000}}").statusCode());
            ch.queueDeclare(queue, false, false, false, null);

            browser.open("#/policies");
            WebElement form = edit("operator-policies", policy, "Edit operator policy " + policy);
            assertEquals(Map.of("max-length", "5 number", "message-ttl", "3600000 number"), definitionRows(form));
            argValue(form, "max-length").clear();
            argValue(form, "max-length").sendKeys("7");
            form.findElement(By.name("priority")).clear();
            form.findElement(By.name("priority")).sendKeys("2");
            browser.submitOk(form);
            browser.screenshot("operator-policy-edit");

            JsonNode saved = ManagementHttp.json(http.get(path));
            assertEquals(ManagementHttp.JSON.readTree("{\"max-length\":7,\"message-ttl\":3600000}"), saved.path("definition"),
                    saved.toString());
            assertEquals(2, saved.path("priority").asInt(), saved.toString());
            assertQueueKeepsSeven(ch, queue, "operator_policy", policy);

            // Cancelling leaves an empty form that adds, and the policy as saved.
            form.findElement(By.cssSelector("[data-action=cancel-edit-operator-policies]")).click();
            WebElement heading = form.findElement(By.cssSelector("[data-heading=operator-policies]"));
            browser.until(d -> heading.getText().equals("Add or update operator policy"));
            assertEquals("", form.findElement(By.name("name")).getAttribute("value"));
            assertEquals(Map.of(), definitionRows(form));
            assertEquals(7, ManagementHttp.json(http.get(path)).path("definition").path("max-length").asInt());
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete(path);
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    /** Clicks Edit on {@code policy}'s row of the {@code area} table; returns the form once its heading says so. */
    private WebElement edit(String area, String policy, String heading) {
        browser.click(By.cssSelector("[data-table='" + area + "'] [data-edit='" + policy + "']"));
        WebElement form = browser.form("add-" + area);
        WebElement title = form.findElement(By.cssSelector("[data-heading='" + area + "']"));
        browser.until(d -> title.getText().equals(heading));
        return form;
    }

    /** The definition editor's rows with a key, as key to "value type". */
    private static Map<String, String> definitionRows(WebElement form) {
        Map<String, String> rows = new TreeMap<>();
        for (WebElement row : form.findElements(By.cssSelector("[data-args] .arg"))) {
            String key = row.findElement(By.cssSelector("[data-arg-key]")).getAttribute("value");
            if (!key.isEmpty()) {
                rows.put(key, row.findElement(By.cssSelector("[data-arg-value]")).getAttribute("value") + " "
                        + row.findElement(By.cssSelector("[data-arg-type]")).getAttribute("value"));
            }
        }
        return rows;
    }

    private static WebElement argValue(WebElement form, String key) {
        return form.findElements(By.cssSelector("[data-args] .arg")).stream()
                .filter(r -> key.equals(r.findElement(By.cssSelector("[data-arg-key]")).getAttribute("value")))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + key))
                .findElement(By.cssSelector("[data-arg-value]"));
    }

    /** The queue names the edited policy, its effective max-length is 7, and 10 published leave 7. */
    private void assertQueueKeepsSeven(Channel ch, String queue, String policyField, String policy) throws Exception {
        String queuePath = "/api/queues/%2F/" + ManagementHttp.segment(queue);
        JsonNode q = ManagementHttp.json(http.get(queuePath));
        assertEquals(policy, q.path(policyField).asText(), q.toString());
        assertEquals(7, q.path("effective_policy_definition").path("max-length").asInt(), q.toString());
        ch.confirmSelect();
        for (int i = 0; i < 10; i++) {
            ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        ch.waitForConfirmsOrDie(10_000);
        assertEquals(7, ch.queueDeclarePassive(queue).getMessageCount());
        browser.until(d -> ManagementHttp.json(http.get(queuePath)).path("messages").asInt() == 7);
    }

    @Test
    void exportsAndImportsDefinitions() throws IOException {
        String queue = "ui-def-" + suffix;
        try {
            browser.click(By.cssSelector("[data-action=export]"));
            Path file = browser.until(d -> {
                try (Stream<Path> files = Files.list(downloads)) {
                    return files.filter(p -> p.getFileName().toString().startsWith("leveret-definitions-")
                            && p.getFileName().toString().endsWith(".json")).findFirst().orElse(null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            JsonNode exported = ManagementHttp.JSON.readTree(Files.readString(file));
            List<String> vhosts = exported.path("vhosts").findValuesAsText("name");
            assertTrue(vhosts.contains("/"), exported.toString());
            assertFalse(exported.path("users").isEmpty());

            Path upload = downloads.resolve("import.json");
            Files.writeString(upload, "{\"queues\":[{\"name\":\"" + queue + "\",\"vhost\":\"/\",\"durable\":true,"
                    + "\"auto_delete\":false,\"arguments\":{\"x-max-length\":7}}]}");
            WebElement form = browser.form("import-definitions");
            form.findElement(By.name("file")).sendKeys(upload.toAbsolutePath().toString());
            browser.submitOk(form);
            JsonNode imported = ManagementHttp.json(http.get("/api/queues/%2F/" + ManagementHttp.segment(queue)));
            assertEquals(7, imported.path("arguments").path("x-max-length").asInt(), imported.toString());
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }
}
