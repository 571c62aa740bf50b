package io.lenswire.ingest.rtsp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of a camera's session description (RFC 8866) a reader needs: per media section its
 * payload type, encoding, clock rate, control URL and format parameters.
 */
public record Sdp(String sessionControl, List<Media> media) {

    /** One {@code m=} section. {@code fmtp} keys are lower case; {@code framerate} is 0 when not given. */
    public record Media(String type, int payloadType, String encoding, int clockRate, String control,
                        Map<String, String> fmtp, double framerate) {
    }

    /** The first video section, or null. */
    public Media video() {
        return media.stream().filter(m -> m.type().equals("video")).findFirst().orElse(null);
    }

    public static Sdp parse(String text) {
        String sessionControl = null;
        List<Media> media = new ArrayList<>();
        MediaBuilder current = null;
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            char kind = line.charAt(0);
            String value = line.substring(2);
            if (kind == 'm') {
                if (current != null) {
                    media.add(current.build());
                }
                current = MediaBuilder.of(value);
            } else if (kind == 'a') {
                if (current == null) {
                    if (value.startsWith("control:")) {
                        sessionControl = value.substring("control:".length()).strip();
                    }
                } else {
                    current.attribute(value);
                }
            }
        }
        if (current != null) {
            media.add(current.build());
        }
        return new Sdp(sessionControl, Collections.unmodifiableList(media));
    }

    private static final class MediaBuilder {
        private final String type;
        private final int payloadType;
        private String encoding = "";
        private int clockRate;
        private String control;
        private final Map<String, String> fmtp = new LinkedHashMap<>();
        private double framerate;

        private MediaBuilder(String type, int payloadType) {
            this.type = type;
            this.payloadType = payloadType;
        }

        /** {@code video 0 RTP/AVP 96}: the first payload type is the one used. */
        static MediaBuilder of(String value) {
            String[] parts = value.split("\\s+");
            int pt = -1;
            if (parts.length >= 4) {
                try {
                    pt = Integer.parseInt(parts[3]);
                } catch (NumberFormatException e) {
                    pt = -1;
                }
            }
            return new MediaBuilder(parts[0].toLowerCase(Locale.ROOT), pt);
        }

        void attribute(String value) {
            int colon = value.indexOf(':');
            if (colon < 0) {
                return;
            }
            String name = value.substring(0, colon).toLowerCase(Locale.ROOT);
            String rest = value.substring(colon + 1).strip();
            switch (name) {
                case "control" -> control = rest;
                case "rtpmap" -> rtpmap(rest);
                case "fmtp" -> fmtp(rest);
                case "framerate" -> framerate = parseDouble(rest);
                default -> { }
            }
        }

        /** {@code 96 H264/90000} */
        private void rtpmap(String rest) {
            String[] parts = rest.split("\\s+", 2);
            if (parts.length < 2 || !parts[0].equals(Integer.toString(payloadType))) {
                return;
            }
            String[] enc = parts[1].split("/");
            encoding = enc[0].toUpperCase(Locale.ROOT);
            if (enc.length > 1) {
                try {
                    clockRate = Integer.parseInt(enc[1].strip());
                } catch (NumberFormatException e) {
                    clockRate = 0;
                }
            }
        }

        /** {@code 96 packetization-mode=1;sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==} */
        private void fmtp(String rest) {
            String[] parts = rest.split("\\s+", 2);
            if (parts.length < 2 || !parts[0].equals(Integer.toString(payloadType))) {
                return;
            }
            for (String pair : parts[1].split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fmtp.put(pair.substring(0, eq).strip().toLowerCase(Locale.ROOT), pair.substring(eq + 1).strip());
                }
            }
        }

        private static double parseDouble(String s) {
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) && d > 0 ? d : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        Media build() {
            return new Media(type, payloadType, encoding, clockRate, control, Collections.unmodifiableMap(fmtp), framerate);
        }
    }
}
