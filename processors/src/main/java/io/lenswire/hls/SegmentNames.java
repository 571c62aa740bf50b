package io.lenswire.hls;

import java.util.Optional;
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
 *
 * <p>The in-memory live window ({@link LiveWindow}) adds partial segments, {@code part_} + the
 * segment number as above + {@code _} + the part index (decimal, no leading zero, fits an int) +
 * {@code .m4s}, and numbered init sections {@code init_<k>.mp4} (k as the part index), one per
 * codec configuration the camera has had. The same strictness holds: one name, one meaning.
 */
public final class SegmentNames {

    /** The fMP4 initialization segment. */
    public static final String INIT = "init.mp4";
    /** The muxer's {@code hls_segment_filename} pattern. */
    static final String MEDIA_FORMAT = "seg_%06d.m4s";
    private static final String PART_FORMAT = "part_%06d_%d.m4s";
    /** Matches every media segment name (and possibly more) in a directory listing. */
    static final String MEDIA_GLOB = "seg_*.m4s";

    private static final String NUMBER = "(\\d{6}|[1-9]\\d{6,17})";
    /** A decimal without sign or leading zero, at most ten digits; {@link #index} keeps those that fit an int. */
    private static final String INDEX = "(0|[1-9]\\d{0,9})";
    private static final Pattern MEDIA = Pattern.compile("seg_" + NUMBER + "\\.m4s");
    private static final Pattern PART = Pattern.compile("part_" + NUMBER + "_" + INDEX + "\\.m4s");
    private static final Pattern LIVE_INIT = Pattern.compile("init_" + INDEX + "\\.mp4");

    /** What a requested name is; {@link #UNKNOWN} for anything no writer produces. */
    public enum Kind { INIT, LIVE_INIT, MEDIA, PART, UNKNOWN }

    /** A partial segment's name read back: its parent segment's number and its index in it. */
    public record PartName(long msn, int index) {
    }

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

    /** The live window's name for part {@code index} of segment {@code msn} (neither negative). */
    static String part(long msn, int index) {
        return String.format(PART_FORMAT, msn, index);
    }

    /** The live window's name for its {@code k}-th init section (not negative). */
    static String init(int k) {
        return "init_" + k + ".mp4";
    }

    /** The segment number and index in a part name, or empty when {@code name} is not one. */
    public static Optional<PartName> part(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(name);
        int index = m.matches() ? index(m.group(2)) : -1;
        return index >= 0 ? Optional.of(new PartName(Long.parseLong(m.group(1)), index)) : Optional.empty();
    }

    /** The k in {@code init_<k>.mp4}, or -1 when {@code name} is not a live init name. */
    public static int initIndex(String name) {
        if (name == null) {
            return -1;
        }
        Matcher m = LIVE_INIT.matcher(name);
        return m.matches() ? index(m.group(1)) : -1;
    }

    /** The digits as an int, or -1 when they do not fit one. */
    private static int index(String digits) {
        long value = Long.parseLong(digits);
        return value <= Integer.MAX_VALUE ? (int) value : -1;
    }

    /** Which kind of file a request names, so a reader can dispatch without trying each parser. */
    public static Kind kind(String name) {
        if (INIT.equals(name)) {
            return Kind.INIT;
        }
        if (number(name) >= 0) {
            return Kind.MEDIA;
        }
        if (part(name).isPresent()) {
            return Kind.PART;
        }
        return initIndex(name) >= 0 ? Kind.LIVE_INIT : Kind.UNKNOWN;
    }

    /** {@code init.mp4} or a media segment name: the only file names HLS requests may ask for. */
    public static boolean isServable(String name) {
        return INIT.equals(name) || number(name) >= 0;
    }
}
