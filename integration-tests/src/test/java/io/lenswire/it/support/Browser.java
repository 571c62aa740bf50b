package io.lenswire.it.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.logging.Level;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven by Debian's chromedriver, headless, with a fresh profile. Flags keep it
 * from reaching for the network (this machine allows none) and from needing a sandbox as root.
 * The page's console (errors, failed requests) is kept for the tests to read ({@code LogType.BROWSER}).
 */
public final class Browser {
    private Browser() {
    }

    public static ChromeDriver start() throws IOException {
        Path profile = TestPaths.scratch("lenswire-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
