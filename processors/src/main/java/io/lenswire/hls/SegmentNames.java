package io.lenswire.hls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a camera's HLS files, for the muxer that writes them and for every reader: the one
 * place that says what a segment name is.
 *
 * <p>Media segments are {@code seg_} + the number printed {@code %06d} + {@code .m4s}: six digits
 * (zero-padded) up to 999999, then as many as the number has, never with a leading zero, and at
 * most 18 (every such number fits a long; at one segment a second 18 digits last longer than any
 * server). A name the muxer cannot have written (fewer than six digits, a padded longer number,
 * more digits, anything else) is not a segment: readers answer it as an unknown file.
 */
public final class SegmentNames {

    /** The fMP4 initialization segment. */
    public static final String INIT = "init.mp4";
    /** The muxer's {@code hls_segment_filename} pattern. */
    static final String MEDIA_FORMAT = "seg_%06d.m4s";
    /** Matches every media segment name (and possibly more) in a directory listing. */
    static final String MEDIA_GLOB = "seg_*.m4s";

    private static final Pattern MEDIA = Pattern.compile("seg_(\\d{6}|[1-9]\\d{6,17})\\.m4s");

    private SegmentNames() {
    }

    /** The media segment name the muxer writes for {@code number} (not negative). */
    static String media(long number) {
        return String.format(MEDIA_FORMAT, number);
    }

    /** The number in a media segment name, or -1 when {@code name} is not one. */
    public static long number(String name) {
        if (name == null) {
            return -1;
        }
        Matcher m = MEDIA.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** {@code init.mp4} or a media segment name: the only file names HLS requests may ask for. */
    public static boolean isServable(String name) {
        return INIT.equals(name) || number(name) >= 0;
    }
}
