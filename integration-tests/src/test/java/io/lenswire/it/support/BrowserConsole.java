package io.lenswire.it.support;

import java.util.List;
import java.util.logging.Level;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The errors a page logged to the browser console since the last call: script errors,
 * {@code console.error}, and requests answered with an error status (Chromium logs each one as
 * "Failed to load resource"), so a test sees every error the user's console would show.
 */
public final class BrowserConsole {
    private BrowserConsole() {
    }

    /** SEVERE entries since the last call, as "message" strings. */
    public static List<String> errors(WebDriver driver) {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }
}
