package io.lenswire.it.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * Screenshots of pages for the docs (JPEG: video frames make PNGs of a megabyte or more) and
 * the pixel spread of an element's screenshot, which tells a picture from a blank box.
 */
public final class Screenshots {

    public static final Dimension WIDE = new Dimension(1280, 860);
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

    /** Resizes the window and lets the layout settle before a screenshot. */
    public static void resize(WebDriver driver, Dimension size) {
        driver.manage().window().setSize(size);
        Wait.sleep(Duration.ofMillis(400).toMillis());
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
