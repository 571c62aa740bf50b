package io.lenswire.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What the console tests share about the page in their browser: waiting for elements, reading
 * text, signing in, and the rule that the browser console holds no error but the refusals a step
 * provoked on purpose (declared with {@link #expectError} before the step).
 */
public final class ConsolePage {

    private final ChromeDriver browser;
    private final List<Predicate<String>> expectedErrors = new ArrayList<>();

    private ConsolePage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** A headless Chromium of its own ({@link Browser#start}) in the wide window of the screenshots. */
    public static ConsolePage start() throws IOException {
        ChromeDriver browser = Browser.start();
        browser.manage().window().setSize(Screenshots.WIDE);
        return new ConsolePage(browser);
    }

    public ChromeDriver browser() {
        return browser;
    }

    /** An error line the current step provokes (a refusal it asks for): it does not fail the step. */
    public void expectError(Predicate<String> line) {
        expectedErrors.add(line);
    }

    /** Fails on any error in the browser console since the last check but the expected ones, which it then forgets. */
    public void assertNoUnexpectedErrors() {
        List<String> unexpected = BrowserConsole.errors(browser).stream()
                .filter(e -> expectedErrors.stream().noneMatch(p -> p.test(e))).toList();
        expectedErrors.clear();
        assertThat(unexpected).as("errors in the browser console").isEmpty();
    }

    /** Opens the console and signs in with the test server's key. */
    public void signIn(String baseUrl) {
        browser.get(baseUrl + "/");
        waitFor(By.id("signin-key")).sendKeys(LenswireProcess.API_KEY, Keys.ENTER);
        waitFor(By.id("camera-list"));
    }

    public WebElement waitFor(By locator) {
        Wait.until(locator.toString(), Duration.ofSeconds(10), () -> !browser.findElements(locator).isEmpty());
        return browser.findElement(locator);
    }

    public WebElement waitForVisible(By locator) {
        Wait.until(locator + " visible", Duration.ofSeconds(10),
                () -> browser.findElements(locator).stream().anyMatch(WebElement::isDisplayed));
        return browser.findElement(locator);
    }

    /** The visible text of the first element matching the selector; "" when there is none. */
    public String text(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? "" : found.get(0).getText();
    }
}
