package io.lenswire.analytics;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

import io.lenswire.api.ApiException;

/**
 * The rules an enrollment photo must pass, each failure a message that names the image and the
 * rule: not empty, at most the size limit, a complete JPEG or PNG file, decodable, exactly one face,
 * and that face fit for recognition (big and sharp enough).
 */
public final class EnrollmentImages {

    /** An uploaded file as received. */
    public record Upload(String fileName, String contentType, byte[] data) {
    }

    /** A photo that passed every rule, with its one face and that face's template. */
    public record Checked(String fileName, String contentType, int width, int height, DetectedFace face, float[] template,
                          String sha256, byte[] data) {
    }

    private static final int MAX_DIMENSION = 10_000;

    private EnrollmentImages() {
    }

    /**
     * The rules that need no decoding: not empty, at most {@code maxBytes}, a JPEG or PNG whose
     * header declares at most {@code maxPixels} (and {@value #MAX_DIMENSION} on a side), complete.
     * Run for every image of a request before any is decoded, so that a decompression bomb costs
     * microseconds and no memory.
     */
    public static ImageHeader precheck(Upload upload, int index, long maxBytes, long maxPixels) {
        String label = label(upload, index);
        byte[] data = upload.data();
        if (data == null || data.length == 0) {
            throw ApiException.badRequest(label + " is empty");
        }
        if (data.length > maxBytes) {
            throw new ApiException(413, "payload_too_large", label + " is larger than " + (maxBytes / (1024 * 1024)) + " MB");
        }
        String type = sniff(data);
        if (type == null) {
            throw ApiException.badRequest(label + " is not an image: only JPEG and PNG files are accepted");
        }
        ImageHeader header;
        try {
            header = ImageHeader.read(data);
        } catch (ImageHeader.Unreadable e) {
            throw ApiException.badRequest(label + " is not a readable " + ("image/jpeg".equals(type) ? "JPEG" : "PNG")
                    + " file (" + e.getMessage() + ")");
        }
        if (header.pixels() > maxPixels || header.width() > MAX_DIMENSION || header.height() > MAX_DIMENSION) {
            throw new ApiException(413, "image_too_large", label + " declares " + header.width() + "x" + header.height()
                    + " pixels; the limit is " + maxPixels + " pixels in total and " + MAX_DIMENSION + " on a side");
        }
        String incomplete = "image/jpeg".equals(type) ? jpegProblem(data) : pngProblem(data);
        if (incomplete != null) {
            throw ApiException.badRequest(label + " is not a complete " + ("image/jpeg".equals(type) ? "JPEG" : "PNG") + " file (" + incomplete + ")");
        }
        return header;
    }

    /** {@link #precheck}, then decode, find exactly one face and make its template. */
    public static Checked check(Upload upload, int index, long maxBytes, long maxPixels, AnalyticsEngine engine) {
        String label = label(upload, index);
        ImageHeader header = precheck(upload, index, maxBytes, maxPixels);
        byte[] data = upload.data();
        String type = header.contentType();
        try (BytePointer bytes = new BytePointer(data); Mat encoded = new Mat(1, data.length, org.bytedeco.opencv.global.opencv_core.CV_8U, bytes);
             Mat image = imdecode(encoded, IMREAD_COLOR)) {
            if (image == null || image.empty()) {
                throw ApiException.badRequest(label + " could not be decoded as an image");
            }
            if (image.cols() > MAX_DIMENSION || image.rows() > MAX_DIMENSION) {
                throw ApiException.badRequest(label + " is larger than " + MAX_DIMENSION + " pixels on a side");
            }
            List<DetectedFace> faces = engine.detectInPhoto(image);
            if (faces.isEmpty()) {
                throw ApiException.badRequest(label + ": no face found; each image must show exactly one face");
            }
            if (faces.size() > 1) {
                throw ApiException.badRequest(label + ": " + faces.size() + " faces found; each image must show exactly one face");
            }
            DetectedFace face = faces.get(0);
            FaceRecognizer.Template template;
            try (MatFaceImage view = new MatFaceImage(image)) {
                template = engine.recognizer().embed(view, face);
            }
            if (!template.usable()) {
                throw ApiException.badRequest(label + ": the face cannot be used for recognition: " + template.rejected());
            }
            return new Checked(cleanName(upload.fileName()), type, image.cols(), image.rows(), face, template.vector(), sha256(data), data);
        }
    }

    /** The template of a stored photo (at start-up, or after a change of recognizer); null if no longer usable. */
    static float[] template(byte[] data, AnalyticsEngine engine) {
        try {
            ImageHeader header = ImageHeader.read(data);
            if (header.width() > MAX_DIMENSION || header.height() > MAX_DIMENSION) {
                return null;
            }
        } catch (ImageHeader.Unreadable e) {
            return null;
        }
        try (BytePointer bytes = new BytePointer(data); Mat encoded = new Mat(1, data.length, org.bytedeco.opencv.global.opencv_core.CV_8U, bytes);
             Mat image = imdecode(encoded, IMREAD_COLOR)) {
            if (image == null || image.empty()) {
                return null;
            }
            List<DetectedFace> faces = engine.detectInPhoto(image);
            if (faces.size() != 1) {
                return null;
            }
            try (MatFaceImage view = new MatFaceImage(image)) {
                FaceRecognizer.Template t = engine.recognizer().embed(view, faces.get(0));
                return t.usable() ? t.vector() : null;
            }
        }
    }

    static String sniff(byte[] d) {
        if (d.length >= 3 && (d[0] & 0xff) == 0xFF && (d[1] & 0xff) == 0xD8 && (d[2] & 0xff) == 0xFF) {
            return "image/jpeg";
        }
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        if (d.length >= png.length) {
            for (int i = 0; i < png.length; i++) {
                if (d[i] != png[i]) {
                    return null;
                }
            }
            return "image/png";
        }
        return null;
    }

    /**
     * Walks the JPEG's marker segments to the entropy-coded data and through it to the end-of-image
     * marker; null when the file is complete, else what is missing. (A truncated JPEG still
     * decodes, with the missing part grey, which would make a poor template.)
     */
    static String jpegProblem(byte[] d) {
        int i = 2;
        while (true) {
            if (i + 4 > d.length) {
                return "ends inside its headers";
            }
            if ((d[i] & 0xff) != 0xFF) {
                return "malformed marker";
            }
            int marker = d[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD9) {
                return "no image data";
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int length = ((d[i + 2] & 0xff) << 8) | (d[i + 3] & 0xff);
            if (length < 2 || i + 2 + length > d.length) {
                return "ends inside a header segment";
            }
            i += 2 + length;
            if (marker == 0xDA) {
                // entropy-coded data: 0xFF is followed by 0x00 (stuffing), a restart marker, or a real marker
                while (i + 1 < d.length) {
                    if ((d[i] & 0xff) == 0xFF) {
                        int next = d[i + 1] & 0xff;
                        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
                            i += next == 0xFF ? 1 : 2;
                            continue;
                        }
                        break; // a marker: end of this scan
                    }
                    i++;
                }
                if (i + 1 >= d.length) {
                    return "truncated: the end-of-image marker is missing";
                }
                if ((d[i + 1] & 0xff) == 0xD9) {
                    return null;
                }
                // another segment (progressive JPEG: more scans); go on
            }
        }
    }

    /** A PNG ends with an IEND chunk. */
    static String pngProblem(byte[] d) {
        byte[] iend = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
        for (int end = d.length; end >= Math.max(iend.length, d.length - 64); end--) {
            boolean match = true;
            for (int k = 0; k < iend.length && match; k++) {
                match = d[end - iend.length + k] == iend[k];
            }
            if (match) {
                return null;
            }
        }
        return "truncated: the IEND chunk is missing";
    }

    private static String label(Upload upload, int index) {
        String name = cleanName(upload.fileName());
        return "image " + index + (name == null ? "" : " ('" + name + "')");
    }

    private static String cleanName(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            return null;
        }
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "?");
        return base.length() > 100 ? base.substring(0, 100) : base;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
