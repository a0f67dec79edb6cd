package io.leveret.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.ImmutableCapabilities;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless browser pointed at the broker's web UI, with the few gestures the UI tests repeat: log in,
 * fill a form, wait for text. Chromium is Debian's, driven by Debian's chromedriver; Firefox is Debian's
 * firefox-esr, driven through {@link FirefoxRelay}; nothing is downloaded.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The browsers the UI is tested in. */
    enum Kind { CHROMIUM, FIREFOX }

    final RemoteWebDriver driver;
    private final FirefoxRelay firefox;
    private final String base;

    /** A {@code kind} browser, saving downloads into {@code downloads} (null: the browser's default). */
    Browser(Kind kind, String base, Path downloads) {
        this.base = base.endsWith("/") ? base : base + "/";
        if (kind == Kind.FIREFOX) {
            ClientScripts.requireFirefox();
            firefox = FirefoxRelay.start(downloads);
            driver = new RemoteWebDriver(firefox.url(), new ImmutableCapabilities("browserName", "firefox"));
            return;
        }
        firefox = null;
        ClientScripts.requireChromium();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ClientScripts.CHROMIUM);
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        if (downloads != null) {
            options.setExperimentalOption("prefs", Map.of("download.default_directory",
                    downloads.toAbsolutePath().toString(), "download.prompt_for_download", false));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(ClientScripts.CHROMEDRIVER)).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
    }

    /** Screenshots and other files this browser writes are named with this prefix. */
    String prefix() {
        return firefox != null ? "firefox-" : "";
    }

    /** Opens a hash route of the UI, e.g. {@code "#/queues"}. */
    void open(String hash) {
        driver.get(base + hash);
    }

    void logIn(String user, String password) {
        open("");
        WebElement form = waitFor(By.cssSelector("form[data-form=login]"));
        form.findElement(By.name("username")).sendKeys(user);
        form.findElement(By.name("password")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        until(d -> d.findElement(By.id("who-name")).getText().startsWith(user + " ")
                && !d.findElements(By.cssSelector("#nav a")).isEmpty());
    }

    WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    <T> T until(ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .ignoring(org.openqa.selenium.NoSuchElementException.class).until(condition);
    }

    /** Clicks what {@code by} finds once it is there; the 5-second refresh may replace it in between. */
    void click(By by) {
        until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    WebElement form(String name) {
        return waitFor(By.cssSelector("form[data-form='" + name + "']"));
    }

    /** Submits a form and waits until it shows its success notice or an error; returns the error text. */
    String submit(WebElement form) {
        WebElement notice = form.findElement(By.cssSelector(".notice"));
        WebElement error = form.findElement(By.cssSelector(".error"));
        form.findElement(By.cssSelector("button[type=submit]")).click();
        until(d -> !notice.getText().isEmpty() || !error.getText().isEmpty());
        return error.getText();
    }

    /** Submits a form and fails with the form's error if it shows one. */
    void submitOk(WebElement form) {
        assertEquals("", submit(form), "the form showed an error");
    }

    /** Accepts the confirmation the UI asks before something that cannot be undone. */
    void acceptConfirm(String expected) {
        org.openqa.selenium.Alert alert = new WebDriverWait(driver, WAIT)
                .until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
        assertEquals(expected, alert.getText());
        alert.accept();
    }

    /** The whole page, not just the window, as a PNG under {@link #SCREENSHOTS}. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            if (firefox != null) {
                Files.write(SCREENSHOTS.resolve(prefix() + name + ".png"), firefox.fullPageScreenshot());
                return;
            }
            Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
            Number width = (Number) driver.executeScript("return document.documentElement.scrollWidth");
            Map<String, Object> shot = ((ChromeDriver) driver).executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", true, "clip", Map.of("x", 0, "y", 0, "width", width, "height", height,
                            "scale", 1)));
            Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Console errors the page logged so far (a failed request, an exception, a CSP violation). */
    String consoleErrors() {
        if (firefox != null) {
            try {
                return firefox.consoleErrors();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ((ChromeDriver) driver).manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            if (firefox != null) {
                firefox.close();
            }
        }
    }
}
