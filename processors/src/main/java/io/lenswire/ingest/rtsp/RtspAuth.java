package io.lenswire.ingest.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RTSP authentication as cameras do it (RFC 2617 as used by RFC 2326): Digest (MD5, with or
 * without qop=auth) when the camera offers it, else Basic. Holds the password; never print it.
 */
public final class RtspAuth {

    private final String user;
    private final String password;
    private Map<String, String> digest;
    private boolean basic;
    private int nonceCount;
    private final java.util.function.Supplier<String> cnonces;

    public RtspAuth(String user, String password) {
        this(user, password, randomCnonces());
    }

    /** @param cnonces the client nonces for qop=auth (tests give fixed ones) */
    RtspAuth(String user, String password, java.util.function.Supplier<String> cnonces) {
        this.user = user;
        this.password = password;
        this.cnonces = cnonces;
    }

    private static java.util.function.Supplier<String> randomCnonces() {
        SecureRandom random = new SecureRandom();
        return () -> {
            byte[] c = new byte[8];
            random.nextBytes(c);
            return HexFormat.of().formatHex(c);
        };
    }

    boolean hasCredentials() {
        return user != null;
    }

    /** Takes the camera's challenges (every WWW-Authenticate header); false when none can be answered. */
    boolean challenge(List<String> headers) {
        if (user == null) {
            return false;
        }
        for (String h : headers) {
            if (h.regionMatches(true, 0, "Digest ", 0, 7)) {
                Map<String, String> params = params(h.substring(7));
                String algorithm = params.getOrDefault("algorithm", "MD5");
                if (params.containsKey("nonce") && algorithm.equalsIgnoreCase("MD5")) {
                    digest = params;
                    nonceCount = 0;
                    return true;
                }
            }
        }
        for (String h : headers) {
            if (h.regionMatches(true, 0, "Basic", 0, 5)) {
                basic = true;
                return true;
            }
        }
        return false;
    }

    /** The Authorization header's value for a request, or null before any challenge. */
    String authorization(String method, String uri) {
        if (digest != null) {
            String realm = digest.getOrDefault("realm", "");
            String nonce = digest.get("nonce");
            String ha1 = md5(user + ":" + realm + ":" + password);
            String ha2 = md5(method + ":" + uri);
            StringBuilder sb = new StringBuilder("Digest username=\"").append(user).append("\", realm=\"").append(realm)
                    .append("\", nonce=\"").append(nonce).append("\", uri=\"").append(uri).append('"');
            String qop = digest.get("qop");
            if (qop != null && List.of(qop.toLowerCase(Locale.ROOT).split("\\s*,\\s*")).contains("auth")) {
                String nc = String.format("%08x", ++nonceCount);
                String cnonce = cnonces.get();
                sb.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append("\", response=\"")
                        .append(md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)).append('"');
            } else {
                sb.append(", response=\"").append(md5(ha1 + ":" + nonce + ":" + ha2)).append('"');
            }
            if (digest.containsKey("opaque")) {
                sb.append(", opaque=\"").append(digest.get("opaque")).append('"');
            }
            return sb.toString();
        }
        if (basic) {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /** {@code realm="x", nonce="y", qop="auth,auth-int"} */
    static Map<String, String> params(String s) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < n && s.charAt(i) == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    close = n;
                }
                value = s.substring(i + 1, close);
                i = close + 1;
            } else {
                int comma = s.indexOf(',', i);
                if (comma < 0) {
                    comma = n;
                }
                value = s.substring(i, comma).strip();
                i = comma;
            }
            out.put(key, value);
        }
        return out;
    }

    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
