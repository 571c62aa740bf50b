package io.lenswire.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a Lenswire Low-Latency HLS media playlist against RFC 8216bis (and the few rules Lenswire
 * adds: a PROGRAM-DATE-TIME on every segment, a discontinuity exactly where the init section
 * changes, the token on every URI). Returns the violations, each naming its line, rather than
 * stopping at the first: a broken playlist usually breaks several rules and the list says which.
 *
 * <p>Self-contained (JDK and AssertJ only) so integration tests can use it on playlists fetched
 * over HTTP. {@link #violations(String, String)} checks one playlist; {@link #violations(String,
 * String, String)} also checks a reload against the playlist before it.
 *
 * <p>Not checked: the 85% lower bound on part durations (a SHOULD that a camera's frame rate can
 * make impossible: 12 fps with a 200 ms target gives 167 ms parts).
 */
public final class LlHlsPlaylistChecker {

    private static final Set<String> HEADER_ONCE = Set.of("EXT-X-VERSION", "EXT-X-TARGETDURATION", "EXT-X-SERVER-CONTROL",
            "EXT-X-PART-INF", "EXT-X-MEDIA-SEQUENCE", "EXT-X-DISCONTINUITY-SEQUENCE", "EXT-X-INDEPENDENT-SEGMENTS");
    private static final List<String> HEADER_REQUIRED = List.of("EXT-X-VERSION", "EXT-X-TARGETDURATION", "EXT-X-SERVER-CONTROL",
            "EXT-X-PART-INF", "EXT-X-MEDIA-SEQUENCE");
    private static final Pattern SEGMENT = Pattern.compile("seg_(\\d{6,18})\\.m4s");
    private static final Pattern PART = Pattern.compile("part_(\\d{6,18})_(\\d{1,10})\\.m4s");
    private static final Pattern INIT = Pattern.compile("init_(\\d{1,10})\\.mp4");
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern INTEGER = Pattern.compile("\\d+");
    private static final Pattern PDT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})");
    private static final BigDecimal ONE_MS = new BigDecimal("0.001");

    private LlHlsPlaylistChecker() {
    }

    /** Asserts that {@code playlist} conforms; {@code token} is the expected {@code ?token=} value on every URI, or null for none. */
    public static void assertConforms(String playlist, String token) {
        assertThat(violations(playlist, token)).as("violations in\n%s", playlist).isEmpty();
    }

    /** As {@link #assertConforms(String, String)}, and {@code playlist} is a valid reload of {@code previous}. */
    public static void assertConforms(String previous, String playlist, String token) {
        assertThat(violations(previous, playlist, token)).as("violations in\n%s\nafter\n%s", playlist, previous).isEmpty();
    }

    /** The rules {@code playlist} breaks (empty when none). */
    public static List<String> violations(String playlist, String token) {
        List<String> out = new ArrayList<>();
        parse(playlist, token, out);
        return out;
    }

    /** The rules {@code playlist} breaks, alone or as the reload that followed {@code previous}. */
    public static List<String> violations(String previous, String playlist, String token) {
        List<String> out = new ArrayList<>();
        Parsed before = parse(previous, token, new ArrayList<>());
        Parsed after = parse(playlist, token, out);
        if (before == null || after == null) {
            return out;
        }
        if (after.mediaSequence < before.mediaSequence) {
            out.add("EXT-X-MEDIA-SEQUENCE went back from " + before.mediaSequence + " to " + after.mediaSequence);
        }
        if (after.targetDuration < before.targetDuration) {
            out.add("EXT-X-TARGETDURATION decreased from " + before.targetDuration + " to " + after.targetDuration);
        }
        if (after.partTarget.compareTo(before.partTarget) != 0) {
            out.add("PART-TARGET changed from " + before.partTarget + " to " + after.partTarget);
        }
        List<Seg> beforeAll = new ArrayList<>(before.segments);
        if (before.open != null) {
            beforeAll.add(before.open);
        }
        if (after.mediaSequence <= before.mediaSequence + beforeAll.size()) {
            // every segment that fell off is known: the discontinuity sequence must count exactly their discontinuities
            long dropped = beforeAll.stream().filter(s -> s.msn < after.mediaSequence && s.discontinuity).count();
            if (after.discontinuitySequence != before.discontinuitySequence + dropped) {
                out.add("EXT-X-DISCONTINUITY-SEQUENCE " + after.discontinuitySequence + " after " + before.discontinuitySequence
                        + " with " + dropped + " discontinuities removed");
            }
        }
        for (Seg old : beforeAll) {
            Seg now = after.segment(old.msn);
            if (now == null) {
                if (old.msn >= after.mediaSequence + after.skipped) {
                    out.add("segment " + old.msn + " disappeared from the playlist end");
                }
                continue;
            }
            if (old.extinf != null && (now.extinf == null || now.extinf.compareTo(old.extinf) != 0)) {
                out.add("segment " + old.msn + " was complete with EXTINF " + old.extinf + ", now " + now.extinf);
            }
            if (old.discontinuity != now.discontinuity || !old.map.equals(now.map)) {
                out.add("segment " + old.msn + " changed its discontinuity or map");
            }
            if (!now.parts.isEmpty() && now.parts.size() < old.parts.size()) {
                out.add("segment " + old.msn + " lost parts: " + old.parts.size() + " -> " + now.parts.size());
            }
            for (int i = 0; i < Math.min(old.parts.size(), now.parts.size()); i++) {
                if (old.parts.get(i).duration.compareTo(now.parts.get(i).duration) != 0) {
                    out.add("part " + old.msn + "." + i + " changed its duration");
                }
            }
        }
        return out;
    }

    /** Asserts that {@code delta} conforms and is {@code full} as a client that last had {@code previous} rebuilds it. */
    public static void assertDeltaOf(String previous, String delta, String full, String token) {
        assertThat(deltaViolations(previous, delta, full, token))
                .as("violations in the delta update\n%s\nafter\n%s\nfor\n%s", delta, previous, full).isEmpty();
    }

    /**
     * The rules the Playlist Delta Update {@code delta} breaks, alone, as a reload of
     * {@code previous} (a full playlist the client had), and as {@code full} (the full playlist
     * of the same moment): the same header, and the skipped segments taken from
     * {@code previous} followed by those {@code delta} lists are exactly {@code full}'s segments.
     */
    public static List<String> deltaViolations(String previous, String delta, String full, String token) {
        List<String> out = new ArrayList<>(violations(previous, delta, token));
        Parsed before = parse(previous, token, new ArrayList<>());
        Parsed d = parse(delta, token, new ArrayList<>());
        Parsed f = parse(full, token, out);
        if (before == null || d == null || f == null) {
            return out;
        }
        if (before.skipped > 0 || f.skipped > 0) {
            out.add("the previous and the full playlist must be full ones");
        }
        if (d.skipped == 0) {
            out.add("no EXT-X-SKIP in the delta update");
        }
        if (!headerLines(delta).equals(headerLines(full))) {
            out.add("the delta's header " + headerLines(delta) + " differs from the full playlist's " + headerLines(full));
        }
        List<Seg> rebuilt = new ArrayList<>();
        for (long msn = d.mediaSequence; msn < d.mediaSequence + d.skipped; msn++) {
            Seg old = before.segment(msn);
            if (old == null || old.extinf == null) {
                out.add("segment " + msn + " skipped but not complete in the previous playlist");
                return out;
            }
            rebuilt.add(old);
        }
        rebuilt.addAll(d.segments);
        if (d.open != null) {
            rebuilt.add(d.open);
        }
        List<Seg> expected = new ArrayList<>(f.segments);
        if (f.open != null) {
            expected.add(f.open);
        }
        if (rebuilt.size() != expected.size()) {
            out.add("rebuilt " + rebuilt.size() + " segments, the full playlist has " + expected.size());
            return out;
        }
        for (int i = 0; i < expected.size(); i++) {
            Seg r = rebuilt.get(i);
            Seg e = expected.get(i);
            boolean skipped = i < d.skipped;
            if (r.msn != e.msn || r.discontinuity != e.discontinuity || !r.map.equals(e.map) || !r.pdt.equals(e.pdt)
                    || !String.valueOf(r.extinf).equals(String.valueOf(e.extinf)) || !String.valueOf(r.uri).equals(String.valueOf(e.uri))
                    || (!skipped && !partsOf(r).equals(partsOf(e)))) {
                out.add("segment " + e.msn + " rebuilt from the delta differs from the full playlist's");
            }
            if (skipped && !e.parts.isEmpty()) {
                out.add("segment " + e.msn + " was skipped though the full playlist lists its parts");
            }
        }
        return out;
    }

    /** The tag lines before the first media segment tag, EXT-X-SKIP left out. */
    private static List<String> headerLines(String playlist) {
        List<String> lines = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            String tag = line.contains(":") ? line.substring(1, line.indexOf(':')) : line.substring(Math.min(1, line.length()));
            if (line.startsWith("#EXT-X-SKIP:")) {
                continue;
            }
            if (!line.equals("#EXTM3U") && !HEADER_ONCE.contains(tag)) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    private static List<String> partsOf(Seg s) {
        return s.parts.stream().map(x -> x.uri + "/" + x.duration + "/" + x.independent).toList();
    }

    /** The playlist's structure, null when it is too broken to have one; every violation into {@code out}. */
    private static Parsed parse(String playlist, String token, List<String> out) {
        if (playlist == null || playlist.isEmpty()) {
            out.add("empty playlist");
            return null;
        }
        if (!playlist.endsWith("\n")) {
            out.add("the last line has no line end");
        }
        String[] lines = playlist.split("\n", -1);
        if (!"#EXTM3U".equals(lines[0])) {
            out.add("line 1: not #EXTM3U: " + lines[0]);
            return null;
        }
        Parsed p = new Parsed();
        Map<String, String> header = new LinkedHashMap<>();
        Seg seg = null;
        boolean uriExpected = false;
        boolean inSegments = false;
        String map = null;
        String hint = null;
        int hintLine = 0;
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n];
            String at = "line " + (n + 1) + ": ";
            if (n == lines.length - 1 && line.isEmpty()) {
                break;
            }
            if (line.isEmpty()) {
                out.add(at + "blank line");
                continue;
            }
            if (hint != null) {
                out.add(at + "after EXT-X-PRELOAD-HINT (it must be the last line): " + line);
            }
            if (uriExpected) {
                uriExpected = false;
                if (line.startsWith("#")) {
                    out.add(at + "EXTINF not followed by its URI but by " + line);
                } else {
                    seg.uri = uri(line, token, at, out);
                    p.segments.add(seg);
                    seg = null;
                    continue;
                }
            }
            if (!line.startsWith("#EXT")) {
                out.add(at + "URI or text without EXTINF: " + line);
                continue;
            }
            int colon = line.indexOf(':');
            String tag = line.substring(1, colon < 0 ? line.length() : colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (HEADER_ONCE.contains(tag)) {
                if (inSegments) {
                    out.add(at + tag + " after the first media segment tag");
                }
                if (header.put(tag, value) != null) {
                    out.add(at + tag + " more than once");
                }
                continue;
            }
            if (!inSegments) {
                inSegments = true;
                header(header, p, out);
            }
            if (tag.equals("EXT-X-SKIP")) {
                skip(value, at, p, seg, out);
                continue;
            }
            if (seg == null) {
                seg = new Seg();
                seg.line = n + 1;
            }
            switch (tag) {
                case "EXT-X-DISCONTINUITY" -> {
                    if (seg.started()) {
                        out.add(at + "EXT-X-DISCONTINUITY inside a segment (after its parts)");
                    }
                    seg.discontinuity = true;
                }
                case "EXT-X-MAP" -> {
                    if (seg.started()) {
                        out.add(at + "EXT-X-MAP inside a segment (after its parts)");
                    }
                    Map<String, String> a = attributes(value, at, out);
                    map = uri(quoted(a, "URI", at, out), token, at, out);
                    if (map != null && !INIT.matcher(map).matches()) {
                        out.add(at + "EXT-X-MAP URI is no init section name: " + map);
                    }
                }
                case "EXT-X-PROGRAM-DATE-TIME" -> {
                    if (seg.started()) {
                        out.add(at + "EXT-X-PROGRAM-DATE-TIME inside a segment (after its parts)");
                    }
                    if (!PDT.matcher(value).matches()) {
                        out.add(at + "EXT-X-PROGRAM-DATE-TIME is not ISO 8601 with a time zone: " + value);
                    }
                    seg.pdt = value;
                }
                case "EXT-X-PART" -> {
                    Map<String, String> a = attributes(value, at, out);
                    Part part = new Part();
                    part.line = n + 1;
                    part.duration = decimal(a.get("DURATION"), "EXT-X-PART DURATION", at, out);
                    part.uri = uri(quoted(a, "URI", at, out), token, at, out);
                    String independent = a.get("INDEPENDENT");
                    if (independent != null && !independent.equals("YES")) {
                        out.add(at + "INDEPENDENT is YES or absent, not " + independent);
                    }
                    part.independent = "YES".equals(independent);
                    if (seg.map == null) {
                        seg.map = map;
                    }
                    seg.parts.add(part);
                }
                case "EXTINF" -> {
                    int comma = value.indexOf(',');
                    if (comma < 0) {
                        out.add(at + "EXTINF without its comma: " + line);
                    }
                    seg.extinf = decimal(comma < 0 ? value : value.substring(0, comma), "EXTINF", at, out);
                    if (seg.map == null) {
                        seg.map = map;
                    }
                    uriExpected = true;
                }
                case "EXT-X-PRELOAD-HINT" -> {
                    Map<String, String> a = attributes(value, at, out);
                    if (!"PART".equals(a.get("TYPE"))) {
                        out.add(at + "EXT-X-PRELOAD-HINT TYPE is not PART: " + a.get("TYPE"));
                    }
                    hint = uri(quoted(a, "URI", at, out), token, at, out);
                    hintLine = n + 1;
                }
                default -> out.add(at + "unexpected tag " + tag);
            }
            if (hint != null && seg != null) {
                if (seg.started()) {
                    p.open = seg;
                } else if (seg.discontinuity || seg.pdt != null) {
                    out.add("line " + seg.line + ": segment tags with no part and no EXTINF after them");
                }
                seg = null;
            }
        }
        if (uriExpected) {
            out.add("the last EXTINF has no URI");
        }
        if (!inSegments) {
            header(header, p, out);
        }
        if (seg != null && seg.started()) {
            p.open = seg;
        } else if (seg != null && (seg.discontinuity || seg.pdt != null)) {
            out.add("line " + seg.line + ": segment tags with no part and no EXTINF after them");
        }
        if (hint == null) {
            out.add("no EXT-X-PRELOAD-HINT");
        }
        if (p.segments.isEmpty() && p.open == null) {
            out.add("no segment and no part");
            return p;
        }
        segments(p, out);
        preloadHint(p, hint, hintLine, out);
        return p;
    }

    /** EXT-X-SKIP (RFC 8216bis 4.4.5.2): once, before the first media segment, in a playlist that offers delta updates. */
    private static void skip(String value, String at, Parsed p, Seg open, List<String> out) {
        if (p.skipSeen) {
            out.add(at + "EXT-X-SKIP more than once");
        }
        p.skipSeen = true;
        if (!p.segments.isEmpty() || open != null) {
            out.add(at + "EXT-X-SKIP after a media segment");
        }
        if (p.skipBoundary == null) {
            out.add(at + "EXT-X-SKIP in a playlist without CAN-SKIP-UNTIL");
        }
        Map<String, String> a = attributes(value, at, out);
        p.skipped = integer(a.get("SKIPPED-SEGMENTS"), "SKIPPED-SEGMENTS", out);
        if (a.containsKey("RECENTLY-REMOVED-DATERANGES")) {
            out.add(at + "RECENTLY-REMOVED-DATERANGES needs EXT-X-VERSION 10 and CAN-SKIP-DATERANGES");
        }
    }

    private static void header(Map<String, String> header, Parsed p, List<String> out) {
        for (String required : HEADER_REQUIRED) {
            if (!header.containsKey(required)) {
                out.add(required + " missing before the first media segment");
            }
        }
        String version = header.getOrDefault("EXT-X-VERSION", "0");
        if (!INTEGER.matcher(version).matches() || Long.parseLong(version) < 9) {
            out.add("EXT-X-VERSION below 9: " + version);
        }
        p.targetDuration = integer(header.get("EXT-X-TARGETDURATION"), "EXT-X-TARGETDURATION", out);
        p.mediaSequence = integer(header.get("EXT-X-MEDIA-SEQUENCE"), "EXT-X-MEDIA-SEQUENCE", out);
        p.discontinuitySequence = header.containsKey("EXT-X-DISCONTINUITY-SEQUENCE")
                ? integer(header.get("EXT-X-DISCONTINUITY-SEQUENCE"), "EXT-X-DISCONTINUITY-SEQUENCE", out) : 0;
        if (header.containsKey("EXT-X-INDEPENDENT-SEGMENTS") && !header.get("EXT-X-INDEPENDENT-SEGMENTS").isEmpty()) {
            out.add("EXT-X-INDEPENDENT-SEGMENTS has no value");
        }
        Map<String, String> partInf = attributes(header.getOrDefault("EXT-X-PART-INF", ""), "EXT-X-PART-INF: ", out);
        p.partTarget = decimal(partInf.get("PART-TARGET"), "PART-TARGET", "", out);
        Map<String, String> control = attributes(header.getOrDefault("EXT-X-SERVER-CONTROL", ""), "EXT-X-SERVER-CONTROL: ", out);
        if (!"YES".equals(control.get("CAN-BLOCK-RELOAD"))) {
            out.add("EXT-X-SERVER-CONTROL without CAN-BLOCK-RELOAD=YES");
        }
        BigDecimal partHoldBack = decimal(control.get("PART-HOLD-BACK"), "PART-HOLD-BACK", "", out);
        if (partHoldBack.compareTo(p.partTarget.multiply(BigDecimal.valueOf(2))) < 0) {
            out.add("PART-HOLD-BACK " + partHoldBack + " is less than twice PART-TARGET " + p.partTarget);
        }
        BigDecimal holdBack = decimal(control.get("HOLD-BACK"), "HOLD-BACK", "", out);
        if (holdBack.compareTo(BigDecimal.valueOf(3 * p.targetDuration)) < 0) {
            out.add("HOLD-BACK " + holdBack + " is less than three target durations (" + p.targetDuration + ")");
        }
        if (control.containsKey("CAN-SKIP-UNTIL")) {
            p.skipBoundary = decimal(control.get("CAN-SKIP-UNTIL"), "CAN-SKIP-UNTIL", "", out);
            if (p.skipBoundary.compareTo(BigDecimal.valueOf(6 * p.targetDuration)) < 0) {
                out.add("CAN-SKIP-UNTIL " + p.skipBoundary + " is less than six target durations (" + p.targetDuration + ")");
            }
        }
        if (control.containsKey("CAN-SKIP-DATERANGES")) {
            out.add("CAN-SKIP-DATERANGES needs EXT-X-VERSION 10 (and these playlists have no EXT-X-DATERANGE)");
        }
    }

    /** Per-segment and across-segment rules: durations, numbering, independence, discontinuities, part horizon. */
    private static void segments(Parsed p, List<String> out) {
        List<Seg> all = new ArrayList<>(p.segments);
        if (p.open != null) {
            all.add(p.open);
        }
        BigDecimal partTarget = p.partTarget;
        BigDecimal fromEnd = BigDecimal.ZERO;
        BigDecimal horizon = BigDecimal.valueOf(3 * p.targetDuration);
        boolean partsSeen = false;
        for (int i = 0; i < all.size(); i++) {
            Seg s = all.get(i);
            s.msn = p.mediaSequence + p.skipped + i;
            String at = "segment " + s.msn + " (line " + s.line + "): ";
            boolean complete = s.extinf != null;
            if (s.map == null) {
                out.add(at + "no EXT-X-MAP before it");
                s.map = "";
            }
            if (s.pdt == null) {
                out.add(at + "no EXT-X-PROGRAM-DATE-TIME");
            }
            if (complete) {
                long rounded = s.extinf.setScale(0, RoundingMode.HALF_UP).longValueExact();
                if (rounded > p.targetDuration) {
                    out.add(at + "EXTINF " + s.extinf + " rounds above EXT-X-TARGETDURATION " + p.targetDuration);
                }
                Matcher m = s.uri == null ? null : SEGMENT.matcher(s.uri);
                if (m == null || !m.matches() || Long.parseLong(m.group(1)) != s.msn) {
                    out.add(at + "URI " + s.uri + " does not name segment " + s.msn + " (media sequence not continuous)");
                }
            }
            if (i > 0) {
                boolean newInit = !s.map.equals(all.get(i - 1).map);
                if (newInit != s.discontinuity) {
                    out.add(at + (newInit ? "new EXT-X-MAP without EXT-X-DISCONTINUITY" : "EXT-X-DISCONTINUITY without a new EXT-X-MAP"));
                }
            }
            if (s.parts.isEmpty()) {
                if (partsSeen) {
                    out.add(at + "no parts listed after a segment that has them");
                }
                continue;
            }
            partsSeen = true;
            BigDecimal sum = BigDecimal.ZERO;
            for (int k = 0; k < s.parts.size(); k++) {
                Part part = s.parts.get(k);
                String pat = "part " + s.msn + "." + k + " (line " + part.line + "): ";
                Matcher m = part.uri == null ? null : PART.matcher(part.uri);
                if (m == null || !m.matches() || Long.parseLong(m.group(1)) != s.msn || Long.parseLong(m.group(2)) != k) {
                    out.add(pat + "URI " + part.uri + " is not part " + k + " of segment " + s.msn + " (part numbering not continuous)");
                }
                if (part.duration.compareTo(partTarget) > 0) {
                    out.add(pat + "DURATION " + part.duration + " exceeds PART-TARGET " + partTarget);
                }
                if (part.duration.signum() <= 0) {
                    out.add(pat + "DURATION not positive");
                }
                if (k == 0 && !part.independent) {
                    out.add(pat + "first part of its segment without INDEPENDENT=YES");
                }
                sum = sum.add(part.duration);
            }
            if (complete && sum.subtract(s.extinf).abs().compareTo(ONE_MS) > 0) {
                out.add(at + "parts sum to " + sum + ", EXTINF is " + s.extinf);
            }
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            Seg s = all.get(i);
            fromEnd = fromEnd.add(s.extinf != null ? s.extinf : s.parts.stream().map(x -> x.duration).reduce(BigDecimal.ZERO, BigDecimal::add));
            if (!s.parts.isEmpty() && s.extinf != null && fromEnd.compareTo(horizon) > 0) {
                out.add("segment " + s.msn + ": parts listed more than three target durations (" + horizon + " s) before the end");
            }
        }
        if (p.skipped > 0 && p.skipBoundary != null && fromEnd.compareTo(p.skipBoundary) < 0) {
            out.add("EXT-X-SKIP skipped segments after the Skip Boundary: " + fromEnd + " s shown, CAN-SKIP-UNTIL is " + p.skipBoundary);
        }
    }

    private static void preloadHint(Parsed p, String hint, int line, List<String> out) {
        if (hint == null) {
            return;
        }
        long msn;
        int index;
        if (p.open != null) {
            msn = p.open.msn;
            index = p.open.parts.size();
        } else {
            msn = p.mediaSequence + p.skipped + p.segments.size();
            index = 0;
        }
        Matcher m = PART.matcher(hint);
        boolean nextInOpen = m.matches() && Long.parseLong(m.group(1)) == msn && Long.parseLong(m.group(2)) == index;
        // or, when the open segment may end at the next key frame, the next segment's first part
        boolean firstOfNext = m.matches() && p.open != null && !p.open.parts.isEmpty()
                && Long.parseLong(m.group(1)) == msn + 1 && Long.parseLong(m.group(2)) == 0;
        if (!nextInOpen && !firstOfNext) {
            out.add("line " + line + ": EXT-X-PRELOAD-HINT names " + hint + ", the next part is " + index + " of segment " + msn
                    + (p.open != null && !p.open.parts.isEmpty() ? " or 0 of segment " + (msn + 1) : ""));
        }
    }

    /** The URI without its query, after checking the query is exactly the token (or absent without one). */
    private static String uri(String uri, String token, String at, List<String> out) {
        if (uri == null) {
            return null;
        }
        int q = uri.indexOf('?');
        String query = q < 0 ? null : uri.substring(q + 1);
        String expected = token == null ? null : "token=" + token;
        if (expected == null ? query != null : !expected.equals(query)) {
            out.add(at + "URI " + uri + (token == null ? " has a query and no token was given" : " does not carry ?token=" + token));
        }
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** An attribute list (RFC 8216bis 4.2): NAME=value pairs, commas inside quoted strings are not separators. */
    static Map<String, String> attributes(String list, String at, List<String> out) {
        Map<String, String> a = new LinkedHashMap<>();
        int i = 0;
        while (i < list.length()) {
            int eq = list.indexOf('=', i);
            if (eq < 0) {
                out.add(at + "attribute without a value: " + list.substring(i));
                break;
            }
            String name = list.substring(i, eq);
            if (!name.matches("[A-Z0-9-]+")) {
                out.add(at + "bad attribute name '" + name + "'");
            }
            int end;
            if (eq + 1 < list.length() && list.charAt(eq + 1) == '"') {
                int close = list.indexOf('"', eq + 2);
                if (close < 0) {
                    out.add(at + "unterminated quoted string for " + name);
                    break;
                }
                end = close + 1;
            } else {
                end = list.indexOf(',', eq);
                end = end < 0 ? list.length() : end;
            }
            if (a.put(name, list.substring(eq + 1, end)) != null) {
                out.add(at + "attribute " + name + " twice");
            }
            if (end < list.length() && list.charAt(end) != ',') {
                out.add(at + "no comma after " + name);
            }
            i = end + 1;
        }
        return a;
    }

    private static String quoted(Map<String, String> a, String name, String at, List<String> out) {
        String v = a.get(name);
        if (v == null || v.length() < 2 || !v.startsWith("\"") || !v.endsWith("\"")) {
            out.add(at + name + " missing or not a quoted string: " + v);
            return null;
        }
        return v.substring(1, v.length() - 1);
    }

    private static BigDecimal decimal(String v, String what, String at, List<String> out) {
        if (v == null || !DECIMAL.matcher(v).matches()) {
            out.add(at + what + " is not a decimal: " + v);
            return BigDecimal.ZERO;
        }
        return new BigDecimal(v);
    }

    private static long integer(String v, String what, List<String> out) {
        if (v == null || !INTEGER.matcher(v).matches()) {
            out.add(what + " is not a decimal integer: " + v);
            return 0;
        }
        return Long.parseLong(v);
    }

    private static final class Parsed {
        long targetDuration;
        BigDecimal partTarget = BigDecimal.ZERO;
        long mediaSequence;
        long discontinuitySequence;
        /** CAN-SKIP-UNTIL, or null when the playlist offers no delta updates. */
        BigDecimal skipBoundary;
        boolean skipSeen;
        /** EXT-X-SKIP's SKIPPED-SEGMENTS: the first segment listed is number mediaSequence + skipped. */
        long skipped;
        final List<Seg> segments = new ArrayList<>();
        Seg open;

        Seg segment(long msn) {
            long i = msn - mediaSequence - skipped;
            if (i >= 0 && i < segments.size()) {
                return segments.get((int) i);
            }
            return open != null && open.msn == msn ? open : null;
        }
    }

    private static final class Seg {
        int line;
        long msn;
        boolean discontinuity;
        String map;
        String pdt;
        final List<Part> parts = new ArrayList<>();
        BigDecimal extinf;
        String uri;

        boolean started() {
            return !parts.isEmpty() || extinf != null;
        }
    }

    private static final class Part {
        int line;
        BigDecimal duration;
        String uri;
        boolean independent;
    }
}
