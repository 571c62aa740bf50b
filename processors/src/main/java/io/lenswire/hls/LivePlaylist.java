package io.lenswire.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LiveWindow}'s media playlist (RFC 8216bis, low-latency), rendered once per change and
 * kept as the text between its URIs: every viewer's copy is those pieces joined with its own
 * {@code ?token=}, so 500 viewers with 500 tokens cost 500 joins and one render.
 *
 * <p>A window that keeps more than {@value #SKIP_TARGET_DURATIONS} segments also offers Playlist
 * Delta Updates (RFC 8216bis 6.2.5.1, {@code _HLS_skip=YES}): {@code CAN-SKIP-UNTIL} is that many
 * target durations (the least the spec allows), and the delta replaces the complete segments that
 * end before that boundary with one {@code EXT-X-SKIP}. A shorter window could never skip a
 * segment, so it does not advertise what would only add a parameter to every reload.
 */
final class LivePlaylist {

    /** Older EXT-X-PART tags SHOULD go (RFC 8216bis 4.4.4.9): parts are listed this many target durations back. */
    static final int PART_LIST_TARGET_DURATIONS = 3;
    /** The Skip Boundary (CAN-SKIP-UNTIL) in target durations: at least six (RFC 8216bis 4.4.3.8). */
    static final int SKIP_TARGET_DURATIONS = 6;
    private static final DateTimeFormatter PDT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final List<String> pieces;
    /** The Playlist Delta Update's pieces; the same list as {@link #pieces} when it would skip nothing. */
    private final List<String> deltaPieces;

    private LivePlaylist(List<String> pieces, List<String> deltaPieces) {
        this.pieces = pieces;
        this.deltaPieces = deltaPieces;
    }

    /** The Skip Boundary (CAN-SKIP-UNTIL) in milliseconds; 0 for a window that offers no delta updates. */
    private static long skipBoundaryMillis(LiveWindowSettings settings, long targetSeconds) {
        return settings.maxSegments() > SKIP_TARGET_DURATIONS ? SKIP_TARGET_DURATIONS * 1000 * targetSeconds : 0;
    }

    /**
     * @param segments the kept segments, oldest first; the last may be open
     * @param hintMsn  with {@code hintIndex}, the next part the producer will add
     */
    static LivePlaylist render(LiveWindowSettings settings, long targetSeconds, long discontinuitySequence,
                               List<LiveSegment> segments, long hintMsn, int hintIndex) {
        List<LiveSegment> listed = segments.stream().filter(s -> s.partCount() > 0).toList();
        long skipBoundary = skipBoundaryMillis(settings, targetSeconds);
        List<String> full = render(settings, targetSeconds, discontinuitySequence, listed, hintMsn, hintIndex, skipBoundary, 0);
        int skippable = skipBoundary > 0 ? skippable(listed, skipBoundary) : 0;
        return new LivePlaylist(full, skippable == 0 ? full
                : render(settings, targetSeconds, discontinuitySequence, listed, hintMsn, hintIndex, skipBoundary, skippable));
    }

    /**
     * The playlist's pieces, with CAN-SKIP-UNTIL when {@code skipBoundary} (ms) is above 0 and its
     * first {@code skipped} segments replaced by EXT-X-SKIP when that is.
     */
    private static List<String> render(LiveWindowSettings settings, long targetSeconds, long discontinuitySequence,
                                       List<LiveSegment> listed, long hintMsn, int hintIndex, long skipBoundary, int skipped) {
        Builder out = new Builder();
        long partTarget = settings.partTargetMillis();
        out.text("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:").text(Long.toString(targetSeconds))
                .text("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").text(seconds(3 * partTarget))
                .text(",HOLD-BACK=").text(seconds(3000 * targetSeconds));
        if (skipBoundary > 0) {
            out.text(",CAN-SKIP-UNTIL=").text(seconds(skipBoundary));
        }
        out.text("\n#EXT-X-PART-INF:PART-TARGET=").text(seconds(partTarget))
                .text("\n#EXT-X-MEDIA-SEQUENCE:").text(Long.toString(listed.isEmpty() ? hintMsn : listed.get(0).msn)).text("\n");
        if (discontinuitySequence > 0) {
            out.text("#EXT-X-DISCONTINUITY-SEQUENCE:").text(Long.toString(discontinuitySequence)).text("\n");
        }
        out.text("#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (skipped > 0) {
            // the client has these from its last full playlist; the EXT-X-MAP of the first segment shown is repeated
            out.text("#EXT-X-SKIP:SKIPPED-SEGMENTS=").text(Integer.toString(skipped)).text("\n");
        }
        int firstWithParts = firstWithParts(listed, targetSeconds);
        int init = -1;
        for (int i = skipped; i < listed.size(); i++) {
            LiveSegment segment = listed.get(i);
            if (segment.discontinuity) {
                out.text("#EXT-X-DISCONTINUITY\n");
            }
            if (segment.init != init) {
                init = segment.init;
                out.text("#EXT-X-MAP:URI=\"").uri(SegmentNames.init(init)).text("\"\n");
            }
            out.text("#EXT-X-PROGRAM-DATE-TIME:").text(PDT.format(Instant.ofEpochMilli(segment.programDateTimeMillis))).text("\n");
            if (i >= firstWithParts || !segment.isComplete()) {
                for (LivePart part : segment.parts()) {
                    out.text("#EXT-X-PART:DURATION=").text(seconds(segment.partMillis(part.index())))
                            .text(",URI=\"").uri(SegmentNames.part(part.msn(), part.index()))
                            .text(part.independent() ? "\",INDEPENDENT=YES\n" : "\"\n");
                }
            }
            if (segment.isComplete()) {
                out.text("#EXTINF:").text(seconds(segment.durationMillis())).text(",\n").uri(SegmentNames.media(segment.msn)).text("\n");
            }
        }
        out.text("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").uri(SegmentNames.part(hintMsn, hintIndex)).text("\"\n");
        return out.finish();
    }

    /**
     * How many of the oldest listed segments a delta update may skip: complete ones that end at
     * least {@code boundary} (ms) before the playlist's end (its open segment's parts included).
     */
    private static int skippable(List<LiveSegment> listed, long boundary) {
        long after = 0;
        for (int i = listed.size() - 1; i > 0; i--) {
            after += listed.get(i).durationMillis();
            if (after >= boundary) {
                return i; // only the last segment may be open
            }
        }
        return 0;
    }

    /** The first listed segment whose start lies within the part-listing horizon of the playlist's end. */
    private static int firstWithParts(List<LiveSegment> listed, long targetSeconds) {
        long horizon = PART_LIST_TARGET_DURATIONS * 1000 * targetSeconds;
        long fromEnd = 0;
        int first = listed.size();
        for (int i = listed.size() - 1; i >= 0; i--) {
            fromEnd += listed.get(i).durationMillis();
            if (fromEnd > horizon) {
                break;
            }
            first = i;
        }
        return first;
    }

    /**
     * The full playlist, or the Playlist Delta Update when {@code delta} (the full playlist when it
     * would skip nothing), with {@code ?token=<tokenQuery>} after every URI, or bare URIs when null.
     */
    String text(String tokenQuery, boolean delta) {
        return text(delta ? deltaPieces : pieces, tokenQuery);
    }

    private static String text(List<String> pieces, String tokenQuery) {
        String suffix = tokenQuery == null ? "" : "?token=" + tokenQuery;
        int size = 0;
        for (String piece : pieces) {
            size += piece.length() + suffix.length();
        }
        StringBuilder text = new StringBuilder(size);
        for (int i = 0; i < pieces.size(); i++) {
            text.append(pieces.get(i));
            if (i + 1 < pieces.size()) {
                text.append(suffix);
            }
        }
        return text.toString();
    }

    /** Whole milliseconds as decimal seconds with three decimals. */
    static String seconds(long millis) {
        long frac = millis % 1000;
        return millis / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    /** Text cut after every URI, where the token goes. */
    private static final class Builder {
        private final List<String> pieces = new ArrayList<>();
        private final StringBuilder current = new StringBuilder(256);

        Builder text(String s) {
            current.append(s);
            return this;
        }

        Builder uri(String uri) {
            current.append(uri);
            pieces.add(current.toString());
            current.setLength(0);
            return this;
        }

        List<String> finish() {
            pieces.add(current.toString());
            return List.copyOf(pieces);
        }
    }
}
