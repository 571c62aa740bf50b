package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;

import io.lenswire.api.ApiException;

class ImageHeaderTest {

    @Test
    void readsPngDimensionsFromIhdr() throws Exception {
        ImageHeader h = ImageHeader.read(encode("png", 321, 123));
        assertThat(h).isEqualTo(new ImageHeader("image/png", 321, 123));
        assertThat(h.pixels()).isEqualTo(321L * 123);
    }

    @Test
    void readsBaselineAndProgressiveJpegDimensions() throws Exception {
        assertThat(ImageHeader.read(encode("jpg", 640, 480))).isEqualTo(new ImageHeader("image/jpeg", 640, 480));
        byte[] progressive = progressiveJpeg(200, 150);
        assertThat(sofMarkers(progressive)).as("the writer made a progressive (SOF2) file").contains(0xC2);
        assertThat(ImageHeader.read(progressive)).isEqualTo(new ImageHeader("image/jpeg", 200, 150));
        for (String photo : new String[] {"obama.jpg", "obama2.jpg", "biden.jpg", "obama-720p.jpg"}) {
            ImageHeader h = ImageHeader.read(Files.readAllBytes(Shared.face(photo)));
            BufferedImage decoded = ImageIO.read(Shared.face(photo).toFile());
            assertThat(h.width()).as(photo).isEqualTo(decoded.getWidth());
            assertThat(h.height()).as(photo).isEqualTo(decoded.getHeight());
        }
    }

    @Test
    void skipsDhtAndFillBytesBeforeTheFrameAndIgnoresMarkersThatAreNotFrames() throws Exception {
        // SOI, fill bytes, a DHT (C4: in the SOF range but not a frame), DAC (CC), then SOF1
        byte[] jpeg = bytes(0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xC4, 0x00, 0x04, 0x12, 0x34, 0xFF, 0xCC, 0x00, 0x02,
                0xFF, 0xC1, 0x00, 0x0B, 0x08, 0x01, 0x02, 0x03, 0x04, 0x01, 0x01, 0x11, 0x00);
        assertThat(ImageHeader.read(jpeg)).isEqualTo(new ImageHeader("image/jpeg", 0x0304, 0x0102));
    }

    @Test
    void hugeDeclaredDimensionsAreReadWithoutDecoding() throws Exception {
        long start = System.nanoTime();
        ImageHeader png = ImageHeader.read(pngHeader(30_000, 30_000));
        ImageHeader jpeg = ImageHeader.read(jpegHeader(65_500, 65_500));
        assertThat(System.nanoTime() - start).isLessThan(50_000_000L);
        assertThat(png.pixels()).isEqualTo(900_000_000L);
        assertThat(jpeg.pixels()).isEqualTo(65_500L * 65_500);
    }

    @Test
    void truncatedHeadersAreRefused() throws Exception {
        byte[] png = encode("png", 10, 10);
        for (int keep = 0; keep < 24; keep++) {
            byte[] cut = Arrays.copyOf(png, keep);
            assertThatThrownBy(() -> ImageHeader.read(cut)).as("PNG cut at %d", keep).isInstanceOf(ImageHeader.Unreadable.class);
        }
        byte[] jpeg = encode("jpg", 10, 10);
        int sof = indexOfSof(jpeg);
        for (int keep = 0; keep < sof + 9; keep++) {
            byte[] cut = Arrays.copyOf(jpeg, keep);
            assertThatThrownBy(() -> ImageHeader.read(cut)).as("JPEG cut at %d", keep).isInstanceOf(ImageHeader.Unreadable.class);
        }
    }

    @Test
    void garbageAndOtherFormatsAreRefused() throws Exception {
        byte[][] garbage = {
            new byte[0], "hello".getBytes(), "GIF89a....".getBytes(), encode("bmp", 4, 4), encode("gif", 4, 4),
            bytes(0xFF, 0xD8, 0xFF, 0xD9), // SOI then EOI
            bytes(0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02), // a scan before any frame
            bytes(0xFF, 0xD8, 0x12, 0x34, 0x56, 0x78), // no marker after SOI
            bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01), // segment length below 2
            bytes(0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0x00), // a segment longer than the file
            jpegHeader(0, 100), jpegHeader(100, 0), // height 0: defined later by DNL, unknown up front
            pngHeader(0, 10), pngHeader(10, 0), pngHeader(0x80000000L, 1),
            withChunkType(pngHeader(10, 10), "IDAT"), // IHDR not first
        };
        for (byte[] g : garbage) {
            assertThatThrownBy(() -> ImageHeader.read(g)).as(Arrays.toString(Arrays.copyOf(g, Math.min(g.length, 16))))
                    .isInstanceOf(ImageHeader.Unreadable.class);
        }
        byte[] lengthNot13 = pngHeader(10, 10);
        lengthNot13[11] = 14;
        assertThatThrownBy(() -> ImageHeader.read(lengthNot13)).isInstanceOf(ImageHeader.Unreadable.class);
    }

    @Test
    void precheckRefusesABombByItsHeaderWith413AndAPlainPhotoPasses() throws Exception {
        byte[] bomb = pngHeader(30_000, 30_000);
        EnrollmentImages.Upload upload = new EnrollmentImages.Upload("bomb.png", "image/png", bomb);
        assertThatThrownBy(() -> EnrollmentImages.precheck(upload, 1, 10 << 20, 40_000_000L))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.getMessage()).contains("30000x30000").contains("bomb.png");
                });
        byte[] photo = Files.readAllBytes(Shared.face("obama.jpg"));
        assertThat(EnrollmentImages.precheck(new EnrollmentImages.Upload("o.jpg", "image/jpeg", photo), 1, 10 << 20, 40_000_000L)
                .contentType()).isEqualTo("image/jpeg");
        // the cap is configurable: the same photo is refused under a cap below its size
        assertThatThrownBy(() -> EnrollmentImages.precheck(new EnrollmentImages.Upload("o.jpg", "image/jpeg", photo), 1, 10 << 20, 1000))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    // ---------------------------------------------------------------- helpers

    static byte[] encode(String format, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("a writer for " + format).isTrue();
        return out.toByteArray();
    }

    private static byte[] progressiveJpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** PNG signature + IHDR (8-bit grayscale) with a correct CRC and nothing else. */
    static byte[] pngHeader(long width, long height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        b.putInt(13).put(new byte[] {'I', 'H', 'D', 'R'}).putInt((int) width).putInt((int) height).put(new byte[] {8, 0, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(b.array(), 12, 17);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** SOI + baseline SOF0 with these dimensions (1 component) and nothing else. */
    static byte[] jpegHeader(int width, int height) {
        return bytes(0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00);
    }

    private static byte[] withChunkType(byte[] png, String type) {
        byte[] copy = png.clone();
        for (int k = 0; k < 4; k++) {
            copy[12 + k] = (byte) type.charAt(k);
        }
        return copy;
    }

    private static int indexOfSof(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && ImageHeader.isStartOfFrame(jpeg[i + 1] & 0xff)) {
                return i;
            }
        }
        throw new AssertionError("no SOF");
    }

    private static java.util.List<Integer> sofMarkers(byte[] jpeg) {
        java.util.List<Integer> found = new java.util.ArrayList<>();
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xFF && ImageHeader.isStartOfFrame(jpeg[i + 1] & 0xff)) {
                found.add(jpeg[i + 1] & 0xff);
            }
        }
        return found;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
