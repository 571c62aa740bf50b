package io.lenswire.analytics;

/**
 * The format and pixel size of an uploaded photo, read from its header only (PNG IHDR, JPEG SOFn),
 * so that a small file declaring a huge image (a decompression bomb) is refused before a decoder
 * allocates memory for it. Anything that is not a well-formed PNG or JPEG header is refused too.
 */
public record ImageHeader(String contentType, int width, int height) {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** Why a header could not be read; the message is fit for the client. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    public long pixels() {
        return (long) width * height;
    }

    public static ImageHeader read(byte[] d) throws Unreadable {
        if (d == null || d.length == 0) {
            throw new Unreadable("empty");
        }
        if (startsWith(d, PNG_SIGNATURE)) {
            return png(d);
        }
        if (d.length >= 2 && (d[0] & 0xff) == 0xFF && (d[1] & 0xff) == 0xD8) {
            return jpeg(d);
        }
        throw new Unreadable("not a JPEG or PNG file");
    }

    /** The first chunk of a PNG must be IHDR, 13 bytes, width and height 1..2^31-1 (PNG spec 11.2.2). */
    private static ImageHeader png(byte[] d) throws Unreadable {
        if (d.length < 8 + 8 + 13) {
            throw new Unreadable("PNG header truncated");
        }
        long length = u32(d, 8);
        if (length != 13 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            throw new Unreadable("PNG without an IHDR chunk first");
        }
        long width = u32(d, 16);
        long height = u32(d, 20);
        if (width == 0 || height == 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new Unreadable("PNG with invalid dimensions " + width + "x" + height);
        }
        return new ImageHeader("image/png", (int) width, (int) height);
    }

    /**
     * Walks the marker segments after SOI up to the first start-of-frame (SOF0-3, 5-7, 9-11, 13-15:
     * baseline, extended, progressive, lossless, arithmetic); DHT (C4), JPG (C8) and DAC (CC) share
     * the range but carry no dimensions. A scan (SOS) or the end (EOI) before any frame is refused.
     */
    private static ImageHeader jpeg(byte[] d) throws Unreadable {
        int i = 2;
        while (true) {
            if (i + 2 > d.length) {
                throw new Unreadable("JPEG header truncated");
            }
            if ((d[i] & 0xff) != 0xFF) {
                throw new Unreadable("JPEG with a malformed marker");
            }
            int marker = d[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte before a marker
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // standalone markers carry no length
                continue;
            }
            if (marker == 0xD8 || marker == 0xD9 || marker == 0xDA || marker == 0x00) {
                throw new Unreadable("JPEG without a frame header before its image data");
            }
            if (i + 4 > d.length) {
                throw new Unreadable("JPEG header truncated");
            }
            int length = u16(d, i + 2);
            if (length < 2) {
                throw new Unreadable("JPEG with a malformed segment length");
            }
            if (isStartOfFrame(marker)) {
                if (length < 8 || i + 2 + 8 > d.length) {
                    throw new Unreadable("JPEG frame header truncated");
                }
                int height = u16(d, i + 5);
                int width = u16(d, i + 7);
                if (width == 0 || height == 0) {
                    // height 0 means "defined later by a DNL marker": the size is unknown up front
                    throw new Unreadable("JPEG with invalid dimensions " + width + "x" + height);
                }
                return new ImageHeader("image/jpeg", width, height);
            }
            i += 2 + length;
        }
    }

    static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private static boolean startsWith(byte[] d, byte[] prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (d[k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private static long u32(byte[] d, int at) {
        return ((long) (d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }

    private static int u16(byte[] d, int at) {
        return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
    }
}
