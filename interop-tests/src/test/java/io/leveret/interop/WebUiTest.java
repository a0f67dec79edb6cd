package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The management web UI in a real browser: headless Chromium driven by Selenium, logging in and working
 * through the pages as a person would, while the broker is checked over AMQP and the HTTP API. Screenshots
 * of the main pages land in {@code target/ui-screenshots/} for a reviewer.
 *
 * <p>Against an external broker ({@code -Dinterop.uri=…}) the suite is skipped: RabbitMQ serves its own,
 * different UI on that port, and this suite tests Leveret's.
 */
class WebUiTest {
    private final BrokerUnderTest broker = BrokerUnderTest.shared();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private ManagementHttp http;
    private Browser browser;

    @BeforeEach
    void open() {
        Assumptions.assumeFalse(BrokerUnderTest.isExternal(),
                "the web UI under test is Leveret's; an external broker serves its own");
        http = ManagementHttp.of(broker);
        browser = new Browser(browserKind(), broker.managementUri(), null);
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
    void logsInAndShowsTheOverview() {
        browser.logIn(broker.user(), broker.password());
        WebElement version = browser.waitFor(By.cssSelector("section.panel dl.props"));
        browser.until(d -> version.getText().contains("Version"));
        String node = ManagementHttp.json(http.get("/api/overview")).path("node").asText();
        browser.until(d -> version.getText().contains(node));
        List<String> nav = browser.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
        assertEquals(List.of("Overview", "Connections", "Channels", "Exchanges", "Queues", "Users", "Virtual hosts",
                "Policies"), nav);
        // The credentials last for the tab: a reload stays logged in, logging out asks again.
        browser.open("#/queues");
        browser.driver.navigate().refresh();
        browser.until(d -> d.findElement(By.id("who-name")).getText().startsWith(broker.user() + " ")
                && !d.findElements(By.cssSelector("[data-table=queues]")).isEmpty());
        browser.driver.findElement(By.id("logout")).click();
        browser.form("login");
        browser.driver.navigate().refresh();
        browser.form("login");
        assertEquals("", browser.consoleErrors());
    }

    @Test
    void wrongPasswordIsRefusedWithTheApisReason() {
        browser.open("");
        WebElement form = browser.form("login");
        form.findElement(By.name("username")).sendKeys(broker.user());
        form.findElement(By.name("password")).sendKeys("not-the-password");
        String error = browser.submit(form);
        assertTrue(error.contains("Login failed"), error);
        assertTrue(browser.driver.findElement(By.id("top")).getAttribute("hidden") != null, "navigation stays hidden");
    }

    @Test
    void overviewChartsShowQueuedMessagesAndRatesAfterPublishing() throws Exception {
        String queue = "ui-chart-" + suffix;
        try (Connection c = broker.factory().newConnection(); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, false, false, false, null);
            ch.confirmSelect();
            for (int i = 0; i < 50; i++) {
                ch.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            ch.waitForConfirmsOrDie(10_000);
            browser.logIn(broker.user(), broker.password());
            WebElement queued = browser.waitFor(By.cssSelector("canvas[data-chart=queued]"));
            WebElement rates = browser.waitFor(By.cssSelector("canvas[data-chart=rates]"));
            // The sampler takes a sample every 5 s and the page refreshes every 5 s.
            browser.until(d -> Double.parseDouble(queued.getAttribute("data-max")) >= 50);
            browser.until(d -> Double.parseDouble(rates.getAttribute("data-max")) > 0);
            assertTrue(Integer.parseInt(queued.getAttribute("data-points")) > 1);
            browser.screenshot("overview");
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    @Test
    void createsAQueuePublishesToItAndGetsTheMessageBack() {
        String queue = "ui-q-" + suffix;
        String payload = "hello from the UI " + suffix;
        try {
            browser.logIn(broker.user(), broker.password());
            browser.open("#/queues");
            WebElement add = browser.form("add-queue");
            add.findElement(By.name("name")).sendKeys(queue);
            add.findElement(By.cssSelector("[data-shortcut=x-max-length]")).click();
            add.findElement(By.cssSelector("[data-args=queue-arguments] [data-arg-value]")).sendKeys("100");
            browser.submitOk(add);
            JsonNode declared = ManagementHttp.json(http.get("/api/queues/%2F/" + ManagementHttp.segment(queue)));
            assertEquals(100, declared.path("arguments").path("x-max-length").asInt(), declared.toString());
            assertTrue(declared.path("durable").asBoolean());

            WebElement filter = browser.waitFor(By.cssSelector("[data-filter=queues]"));
            filter.sendKeys(queue);
            browser.click(By.linkText(queue));
            browser.screenshot("queues");
            WebElement publish = browser.form("publish-queue");
            publish.findElement(By.name("payload")).sendKeys(payload);
            browser.submitOk(publish);
            browser.until(d -> ManagementHttp.json(http.get("/api/queues/%2F/" + ManagementHttp.segment(queue))).path("messages").asInt() == 1);

            WebElement get = browser.form("get-messages");
            browser.submitOk(get);
            WebElement shown = browser.waitFor(By.cssSelector("[data-messages] pre[data-payload]"));
            assertEquals(payload, shown.getText());
            assertTrue(browser.driver.findElement(By.cssSelector("[data-messages] .message")).getText()
                    .contains("delivery_mode"), "the message's properties are shown");
            browser.screenshot("queue");
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    @Test
    void theQueueListPagesSortsAndFiltersOnTheBrokersSide() {
        String prefix = "ui-page-" + suffix + "-";
        try {
            for (int i = 0; i < 25; i++) {
                assertEquals(201, http.put("/api/queues/%2F/" + ManagementHttp.segment(prefix + String.format("%02d", i)),
                        "{\"durable\":false}").statusCode());
            }
            browser.logIn(broker.user(), broker.password());
            browser.open("#/queues");
            WebElement table = browser.waitFor(By.cssSelector("[data-table=queues]"));
            table.findElement(By.cssSelector("[data-filter=queues]")).sendKeys(prefix);
            table.findElement(By.cssSelector(".toolbar select option[value='20']")).click();
            // Read inside until(): the 5-second refresh may replace a row between finding and reading it.
            browser.until(d -> rows(table).size() == 20 && table.getText().contains("page 1 of 2")
                    && rows(table).get(0).equals(prefix + "00"));
            browser.click(By.xpath("//div[@data-table='queues']//button[text()='›']"));
            browser.until(d -> rows(table).size() == 5 && rows(table).get(4).equals(prefix + "24"));
            // Name twice: sorted by name, then reversed; the broker sorts, page 1 starts from the end.
            browser.click(By.xpath("//div[@data-table='queues']//th[text()='Name']"));
            browser.until(d -> d.findElement(By.xpath("//div[@data-table='queues']//th[text()='Name']"))
                    .getAttribute("class").contains("sorted"));
            browser.click(By.xpath("//div[@data-table='queues']//th[text()='Name']"));
            browser.until(d -> !rows(table).isEmpty() && rows(table).get(0).equals(prefix + "24"));
            // A regular expression, checked by the broker.
            WebElement filter = table.findElement(By.cssSelector("[data-filter=queues]"));
            filter.clear();
            table.findElement(By.cssSelector(".toolbar input[type=checkbox]")).click();
            filter.sendKeys("^" + prefix + "1[0-2]$");
            browser.until(d -> rows(table).equals(List.of(prefix + "12", prefix + "11", prefix + "10")));
            assertEquals("", browser.consoleErrors());
        } finally {
            for (int i = 0; i < 25; i++) {
                http.delete("/api/queues/%2F/" + ManagementHttp.segment(prefix + String.format("%02d", i)));
            }
        }
    }

    /** The queue names in the list's rows, in order. */
    private static List<String> rows(WebElement table) {
        return table.findElements(By.cssSelector("tbody tr td:nth-child(2) a")).stream().map(WebElement::getText).toList();
    }

    @Test
    void aBadFormValueShowsTheApisError() {
        String queue = "ui-bad-" + suffix;
        try {
            browser.logIn(broker.user(), broker.password());
            browser.open("#/queues");
            WebElement add = browser.form("add-queue");
            add.findElement(By.name("name")).sendKeys(queue);
            add.findElement(By.cssSelector("[data-args=queue-arguments] [data-arg-key]")).sendKeys("x-max-length");
            add.findElement(By.cssSelector("[data-args=queue-arguments] [data-arg-value]")).sendKeys("lots");
            String error = browser.submit(add);
            // The same declaration straight to the API: the form shows that answer's reason.
            HttpResponse<String> direct = http.put("/api/queues/%2F/" + ManagementHttp.segment(queue),
                    "{\"durable\":true,\"auto_delete\":false,\"arguments\":{\"x-max-length\":\"lots\"}}");
            assertEquals(400, direct.statusCode(), direct.body());
            String reason = ManagementHttp.json(direct).path("reason").asText();
            assertFalse(reason.isEmpty(), direct.body());
            assertTrue(error.contains(reason), "form shows '" + error + "', the API said '" + reason + "'");
            browser.screenshot("queue-error");
        } finally {
            http.delete("/api/queues/%2F/" + ManagementHttp.segment(queue));
        }
    }

    @Test
    void addsAUserWithPermissionsWhoThenLogsIn() {
        String user = "ui-user-" + suffix;
        try {
            browser.logIn(broker.user(), broker.password());
            browser.open("#/users");
            WebElement add = browser.form("add-user");
            add.findElement(By.name("username")).sendKeys(user);
            add.findElement(By.name("password")).sendKeys("secret-" + suffix);
            add.findElement(By.name("tags")).sendKeys("monitoring");
            browser.submitOk(add);
            browser.click(By.linkText(user));
            WebElement permission = browser.form("set-permission");
            browser.submitOk(permission);
            JsonNode granted = ManagementHttp.json(http.get("/api/permissions/%2F/" + ManagementHttp.segment(user)));
            assertEquals(".*", granted.path("configure").asText(), granted.toString());
            browser.screenshot("user");
            browser.open("#/users");
            browser.until(d -> d.findElement(By.linkText(user)));
            browser.screenshot("users");

            browser.driver.findElement(By.id("logout")).click();
            browser.logIn(user, "secret-" + suffix);
            List<String> nav = browser.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
            assertEquals(List.of("Overview", "Connections", "Channels", "Exchanges", "Queues"), nav);
            // monitoring: everything readable, nothing to change.
            browser.open("#/queues");
            browser.waitFor(By.cssSelector("[data-table=queues] table"));
            assertTrue(browser.driver.findElements(By.cssSelector("form[data-form=add-queue]")).isEmpty());
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/users/" + ManagementHttp.segment(user));
        }
    }

    @Test
    void aManagementUserSeesOnlyTheirVhostAndNoAdminPages() {
        String user = "ui-mgmt-" + suffix;
        String vhost = "ui-vh-" + suffix;
        try {
            assertEquals(201, http.put("/api/vhosts/" + ManagementHttp.segment(vhost), "{}").statusCode());
            assertEquals(201, http.put("/api/users/" + ManagementHttp.segment(user),
                    "{\"password\":\"pw-" + suffix + "\",\"tags\":\"management\"}").statusCode());
            assertEquals(201, http.put("/api/permissions/" + ManagementHttp.segment(vhost) + "/" + ManagementHttp.segment(user),
                    "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}").statusCode());
            browser.logIn(user, "pw-" + suffix);
            List<String> nav = browser.driver.findElements(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
            assertEquals(List.of("Overview", "Connections", "Channels", "Exchanges", "Queues"), nav);
            List<String> vhosts = browser.driver.findElements(By.cssSelector("#vhost-filter option")).stream()
                    .map(WebElement::getText).toList();
            assertEquals(List.of("All", vhost), vhosts);
            for (String page : List.of("#/users", "#/vhosts", "#/policies", "#/users/" + broker.user())) {
                browser.open(page);
                browser.until(d -> d.findElement(By.cssSelector("main h1")).getText().equals("Not found"));
            }
            browser.open("#/");
            browser.waitFor(By.cssSelector("[data-totals] div"));
            assertTrue(browser.driver.findElements(By.cssSelector("form[data-form=import-definitions]")).isEmpty());
            browser.screenshot("management-user");
            assertEquals("", browser.consoleErrors());
        } finally {
            http.delete("/api/users/" + ManagementHttp.segment(user));
            http.delete("/api/vhosts/" + ManagementHttp.segment(vhost));
        }
    }

    @Test
    void showsAChannelWithItsConsumerAndTheQueuesConsumers() throws Exception {
        String queue = "ui-cq-" + suffix;
        String tag = "ui-tag-" + suffix;
        try (Connection c = broker.factory().newConnection("ui-chan-" + suffix); Channel ch = c.createChannel()) {
            ch.queueDeclare(queue, false, false, true, null);
            ch.basicQos(7);
            ch.basicConsume(queue, false, tag, new com.rabbitmq.client.DefaultConsumer(ch));
            browser.logIn(broker.user(), broker.password());
            browser.open("#/queues/%2F/" + ManagementHttp.segment(queue));
            browser.until(d -> d.findElement(By.tagName("main")).getText().contains(tag));
            String connection = null;
            for (JsonNode conn : ManagementHttp.json(http.get("/api/connections"))) {
                if (conn.path("client_properties").path("connection_name").asText().equals("ui-chan-" + suffix)) {
                    connection = conn.path("name").asText();
                }
            }
            String name = ManagementHttp.json(http.get("/api/connections/" + ManagementHttp.segment(connection) + "/channels"))
                    .path(0).path("name").asText();
            browser.open("#/channels");
            browser.click(By.linkText(name));
            WebElement main = browser.waitFor(By.cssSelector("[data-channel]"));
            browser.until(d -> d.findElement(By.tagName("main")).getText().contains(tag));
            assertTrue(main.getText().contains("7"), main.getText());
            browser.screenshot("channel");
            assertEquals("", browser.consoleErrors());
        }
    }

    @Test
    void closingAConnectionInTheUiNotifiesTheClient() throws Exception {
        String name = "ui-conn-" + suffix;
        String reason = "closed by the UI test " + suffix;
        Connection c = broker.factory().newConnection(name);
        CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
        c.addShutdownListener(closed::complete);
        try {
            browser.logIn(broker.user(), broker.password());
            browser.open("#/connections");
            WebElement row = browser.until(d -> d.findElements(By.cssSelector("[data-table=connections] tbody tr")).stream()
                    .filter(r -> r.getText().contains(name)).findFirst().orElse(null));
            browser.screenshot("connections");
            row.findElement(By.cssSelector("a")).click();
            WebElement form = browser.form("close-connection");
            WebElement input = form.findElement(By.name("reason"));
            input.clear();
            input.sendKeys(reason);
            browser.screenshot("connection");
            browser.submitOk(form);
            ShutdownSignalException signal = closed.get(20, TimeUnit.SECONDS);
            assertFalse(signal.isInitiatedByApplication(), "the broker closed it");
            assertTrue(signal.getMessage().contains(reason), signal.getMessage());
            assertTrue(signal.getMessage().contains("320"), signal.getMessage());
        } finally {
            if (c.isOpen()) {
                c.abort();
            }
        }
    }
}
