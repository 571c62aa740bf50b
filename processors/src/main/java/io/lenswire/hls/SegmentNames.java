package io.lenswire.hls;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names a camera's live window ({@link LiveWindow}) gives its init sections, parts and
 * segments, for the playlist that lists them and for every request that asks for one: the one
 * place that says what such a name is.
 *
 * <p>Segments are {@code seg_} + the number printed {@code %06d} + {@code .m4s}: six digits
 * (zero-padded) up to 999999, then as many as the number has, never with a leading zero, and at
 * most 18 (every such number fits a long; at one segment a second 18 digits last longer than any
 * server). Parts are {@code part_} + the segment number as above + {@code _} + the part index
 * (decimal, no leading zero, fits an int) + {@code .m4s}; init sections {@code init_<k>.mp4} (k as
 * the part index), one per connection in the window. A name that cannot have been given (fewer
 * than six digits, a padded longer number, more digits, anything else, the old disk muxer's
 * {@code init.mp4} too) is unknown: one name, one meaning.
 */
public final class SegmentNames {

    private static final String NUMBER = "(\\d{6}|[1-9]\\d{6,17})";
    /** A decimal without sign or leading zero, at most ten digits; {@link #index} keeps those that fit an int. */
    private static final String INDEX = "(0|[1-9]\\d{0,9})";
    private static final Pattern MEDIA = Pattern.compile("seg_" + NUMBER + "\\.m4s");
    private static final Pattern PART = Pattern.compile("part_" + NUMBER + "_" + INDEX + "\\.m4s");
    private static final Pattern INIT = Pattern.compile("init_" + INDEX + "\\.mp4");

    /** What a requested name is; {@link #UNKNOWN} for anything no writer produces. */
    public enum Kind { INIT, MEDIA, PART, UNKNOWN }

    /** A partial segment's name read back: its parent segment's number and its index in it. */
    public record PartName(long msn, int index) {
    }

    private SegmentNames() {
    }

    /** The segment name for {@code number} (not negative). */
    static String media(long number) {
        return "seg_" + padded(number) + ".m4s";
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
        return "part_" + padded(msn) + "_" + index + ".m4s";
    }

    /**
     * {@code %06d} without a Formatter: names are made for every part published and every
     * playlist written, a few hundred a second with 25 watched cameras.
     */
    private static String padded(long number) {
        String digits = Long.toString(number);
        return digits.length() >= 6 ? digits : "000000".substring(digits.length()) + digits;
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
        Matcher m = INIT.matcher(name);
        return m.matches() ? index(m.group(1)) : -1;
    }

    /** The digits as an int, or -1 when they do not fit one. */
    private static int index(String digits) {
        long value = Long.parseLong(digits);
        return value <= Integer.MAX_VALUE ? (int) value : -1;
    }

    /** Which kind of file a request names, so a reader can dispatch without trying each parser. */
    public static Kind kind(String name) {
        if (number(name) >= 0) {
            return Kind.MEDIA;
        }
        if (part(name).isPresent()) {
            return Kind.PART;
        }
        return initIndex(name) >= 0 ? Kind.INIT : Kind.UNKNOWN;
    }

}
