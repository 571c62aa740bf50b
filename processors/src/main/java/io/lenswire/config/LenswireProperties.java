package io.lenswire.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** Everything a user sets under {@code lenswire:} in application.yaml. */
@ConfigurationProperties(prefix = "lenswire")
public class LenswireProperties {

    /** Where the database, generated files and HLS segments live. */
    private Path dataDir = Path.of("data");
    /** Cameras started at boot; cameras added over REST are kept in the database instead. */
    private List<CameraConfig> cameras = new ArrayList<>();
    private final Ingest ingest = new Ingest();
    private final Security security = new Security();
    private final Playback playback = new Playback();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public List<CameraConfig> getCameras() { return cameras; }
    public void setCameras(List<CameraConfig> cameras) { this.cameras = cameras; }
    public Ingest getIngest() { return ingest; }
    public Security getSecurity() { return security; }
    public Playback getPlayback() { return playback; }

    /** One camera from the configuration file. {@code url} is rtsp://, rtsps:// or {@code demo:}. */
    public static class CameraConfig {
        private String id;
        private String name;
        private String url;
        private boolean analytics;
        /** For rtsps:// addresses: verify the camera's certificate and host name; false opts this camera out. */
        private boolean tlsVerify = true;

        public boolean isTlsVerify() { return tlsVerify; }
        public void setTlsVerify(boolean tlsVerify) { this.tlsVerify = tlsVerify; }
        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public boolean isAnalytics() { return analytics; }
        public void setAnalytics(boolean analytics) { this.analytics = analytics; }
    }

    /** Defaults for every camera's RTSP connection. */
    public static class Ingest {
        /** Longest wait for connect + DESCRIBE + stream probe. */
        private Duration connectTimeout = Duration.ofSeconds(10);
        /** A camera that sends nothing for this long is considered lost. */
        private Duration readTimeout = Duration.ofSeconds(5);
        private Duration reconnectInitialDelay = Duration.ofMillis(500);
        private Duration reconnectMaxDelay = Duration.ofSeconds(5);
        /** After this many failed attempts in a row the state is FAILED (retries go on). */
        private int failedAfterAttempts = 5;
        /** Capacity of each branch queue behind ingest (batches; the byte bound usually comes first). */
        private int branchQueueSize = 1024;
        /**
         * How long ingest gathers a camera's packets into one batch (one exchange) before handing
         * them on; 0 (the default) = one packet per exchange. Added latency is at most this plus one
         * packet interval; it must stay under a tenth of the HLS segment duration. Measured: windows
         * of 40 and 100 ms saved no CPU overall (docs/benchmarks.md, "Data plane v2").
         */
        private Duration batchWindow = Duration.ZERO;
        /**
         * Who reads rtsp:// cameras over TCP: Lenswire's own RTSP client (the default), which reads
         * the connection in large buffers (a third of libavformat's system calls per packet, half
         * its ingest CPU) and hands streams it does not take (audio, B-frames, redirects, codecs
         * other than H.264 and H.265) to libavformat; or libavformat for every camera.
         */
        private RtspReader rtspReader = RtspReader.LENSWIRE;
        /** Upper bound for one GOP in a camera's GOP cache (packets). */
        private int gopCacheMaxPackets = 1500;
        /**
         * Upper bound for the bytes of a camera's GOP cache (last complete GOP + current GOP). Above
         * it the complete GOP is let go first, so a muxer then starts at the current GOP only.
         */
        private DataSize gopCacheMaxBytes = DataSize.ofMegabytes(16);

        public Duration getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(Duration connectTimeout) { this.connectTimeout = connectTimeout; }
        public Duration getReadTimeout() { return readTimeout; }
        public void setReadTimeout(Duration readTimeout) { this.readTimeout = readTimeout; }
        public Duration getReconnectInitialDelay() { return reconnectInitialDelay; }
        public void setReconnectInitialDelay(Duration d) { this.reconnectInitialDelay = d; }
        public Duration getReconnectMaxDelay() { return reconnectMaxDelay; }
        public void setReconnectMaxDelay(Duration d) { this.reconnectMaxDelay = d; }
        public int getFailedAfterAttempts() { return failedAfterAttempts; }
        public void setFailedAfterAttempts(int n) { this.failedAfterAttempts = n; }
        public int getBranchQueueSize() { return branchQueueSize; }
        public Duration getBatchWindow() { return batchWindow; }
        public RtspReader getRtspReader() { return rtspReader; }
        public void setRtspReader(RtspReader rtspReader) { this.rtspReader = rtspReader; }
        public void setBatchWindow(Duration batchWindow) { this.batchWindow = batchWindow; }
        public void setBranchQueueSize(int n) { this.branchQueueSize = n; }
        public int getGopCacheMaxPackets() { return gopCacheMaxPackets; }
        public void setGopCacheMaxPackets(int n) { this.gopCacheMaxPackets = n; }
        public DataSize getGopCacheMaxBytes() { return gopCacheMaxBytes; }
        public void setGopCacheMaxBytes(DataSize size) { this.gopCacheMaxBytes = size; }
    }

    /** See {@link Ingest#getRtspReader()}. */
    public enum RtspReader { LIBAVFORMAT, LENSWIRE }

    public static class Security {
        /** Keys accepted in X-API-Key. Empty: one is generated at first start and kept in the data dir. */
        private List<String> apiKeys = new ArrayList<>();
        /**
         * Base64 of 32 bytes: the AES key that encrypts camera URLs and webhook secrets in the
         * database. Empty: one is generated at first start and kept in {@code <data-dir>/data-key}.
         */
        private String dataKey = "";

        public List<String> getApiKeys() { return apiKeys; }
        public void setApiKeys(List<String> apiKeys) { this.apiKeys = apiKeys; }
        public String getDataKey() { return dataKey; }
        public void setDataKey(String dataKey) { this.dataKey = dataKey; }
    }

    /** HLS playback sessions and their tokens (see PlaybackTokens and PlaybackSessions). */
    public static class Playback {
        /**
         * HS256 secrets for playback tokens, each at least 32 bytes (UTF-8). The first signs new
         * tokens, every one verifies: rotate by putting the new secret first and dropping the old
         * one after a token lifetime. Empty: a random secret per start (tokens die on restart).
         */
        private List<String> jwtSecrets = new ArrayList<>();
        /** Lifetime of a token and of its session; refresh extends both, up to {@link #maxSessionLifetime}. */
        private Duration tokenTtl = Duration.ofMinutes(30);
        /** A session ends this long after create-session, however often it is refreshed. */
        private Duration maxSessionLifetime = Duration.ofHours(12);
        /** How often expired sessions are removed and their listeners told. */
        private Duration sessionSweepInterval = Duration.ofSeconds(30);
        /** Upper bound of live sessions; create-session answers 429 beyond it. */
        private int maxSessions = 10_000;
        /** Browser origins allowed to call token endpoints and fetch HLS; empty: no CORS headers. */
        private List<String> corsAllowedOrigins = new ArrayList<>();

        public List<String> getJwtSecrets() { return jwtSecrets; }
        public void setJwtSecrets(List<String> jwtSecrets) { this.jwtSecrets = jwtSecrets; }
        public Duration getTokenTtl() { return tokenTtl; }
        public void setTokenTtl(Duration tokenTtl) { this.tokenTtl = tokenTtl; }
        public Duration getMaxSessionLifetime() { return maxSessionLifetime; }
        public void setMaxSessionLifetime(Duration d) { this.maxSessionLifetime = d; }
        public Duration getSessionSweepInterval() { return sessionSweepInterval; }
        public void setSessionSweepInterval(Duration d) { this.sessionSweepInterval = d; }
        public int getMaxSessions() { return maxSessions; }
        public void setMaxSessions(int maxSessions) { this.maxSessions = maxSessions; }
        public List<String> getCorsAllowedOrigins() { return corsAllowedOrigins; }
        public void setCorsAllowedOrigins(List<String> origins) { this.corsAllowedOrigins = origins; }
    }
}
