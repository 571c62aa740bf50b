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
 */
final class LivePlaylist {

    /** Older EXT-X-PART tags SHOULD go (RFC 8216bis 4.4.4.9): parts are listed this many target durations back. */
    static final int PART_LIST_TARGET_DURATIONS = 3;
    private static final DateTimeFormatter PDT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final List<String> pieces;

    private LivePlaylist(List<String> pieces) {
        this.pieces = pieces;
    }

    /**
     * @param segments the kept segments, oldest first; the last may be open
     * @param hintMsn  with {@code hintIndex}, the next part the producer will add
     */
    static LivePlaylist render(LiveWindowSettings settings, long targetSeconds, long discontinuitySequence,
                               List<LiveSegment> segments, long hintMsn, int hintIndex) {
        List<LiveSegment> listed = segments.stream().filter(s -> s.partCount() > 0).toList();
        Builder out = new Builder();
        long partTarget = settings.partTargetMillis();
        out.text("#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:").text(Long.toString(targetSeconds))
                .text("\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=").text(seconds(3 * partTarget))
                .text(",HOLD-BACK=").text(seconds(3000 * targetSeconds))
                .text("\n#EXT-X-PART-INF:PART-TARGET=").text(seconds(partTarget))
                .text("\n#EXT-X-MEDIA-SEQUENCE:").text(Long.toString(listed.isEmpty() ? hintMsn : listed.get(0).msn)).text("\n");
        if (discontinuitySequence > 0) {
            out.text("#EXT-X-DISCONTINUITY-SEQUENCE:").text(Long.toString(discontinuitySequence)).text("\n");
        }
        out.text("#EXT-X-INDEPENDENT-SEGMENTS\n");
        int firstWithParts = firstWithParts(listed, targetSeconds);
        int init = -1;
        for (int i = 0; i < listed.size(); i++) {
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
        return new LivePlaylist(out.finish());
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

    /** The playlist with {@code ?token=<tokenQuery>} after every URI, or bare URIs when null. */
    String text(String tokenQuery) {
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
