package io.lenswire.it.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Screenshots of pages for the docs (JPEG: video frames make PNGs of a megabyte or more) and
 * the pixel spread of an element's screenshot, which tells a picture from a blank box.
 */
public final class Screenshots {

    /** The window of the wide shots. */
    public static final Dimension WIDE = new Dimension(1280, 860);
    /** The viewport of the narrow shots: a phone. */
    public static final Dimension NARROW = new Dimension(390, 844);

    private Screenshots() {
    }

    /** Where the current screenshots of the web console live: docs/console of the repository. */
    public static Path docsDir() {
        return Path.of(System.getProperty("lenswire.docs", "../docs")).resolve("console").toAbsolutePath().normalize();
    }

    /** The page at the window's current size, saved as {@code name}.jpg in {@link #docsDir()}. */
    public static void save(WebDriver driver, String name) {
        try {
            Files.createDirectories(docsDir());
            BufferedImage image = decode(((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(image, 0, 0, null);
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            Path file = docsDir().resolve(name + ".jpg");
            Files.deleteIfExists(file);
            try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(rgb, null, null), param);
            } finally {
                writer.dispose();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Saves {@code name}-wide (the window as it is) and {@code name}-narrow: a phone-sized
     * viewport emulated through the DevTools protocol, since a desktop window does not shrink to
     * 390 px everywhere, then the window's own size again.
     */
    public static void saveWideAndNarrow(ChromeDriver driver, String name) {
        save(driver, name + "-wide");
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", NARROW.getWidth(), "height", NARROW.getHeight(), "deviceScaleFactor", 1, "mobile", true));
        try {
            Wait.until("a " + NARROW.getWidth() + " px wide layout", Duration.ofSeconds(5),
                    () -> Long.valueOf(NARROW.getWidth()).equals(driver.executeScript("return window.innerWidth;")));
            Wait.sleep(400); // layout and a new video frame at the new size
            save(driver, name + "-narrow");
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            Wait.sleep(400);
        }
    }

    /** Standard deviation of the luminance of an image (0 for a blank one). */
    public static double luminanceSpread(byte[] png) {
        BufferedImage image = decode(png);
        double sum = 0;
        double squares = 0;
        long n = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y);
                double l = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
                sum += l;
                squares += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return Math.sqrt(Math.max(0, squares / n - mean * mean));
    }

    private static BufferedImage decode(byte[] png) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            if (image == null) {
                throw new IllegalStateException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
