package io.lenswire.ingest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The bounds of camera ingest under {@code lenswire.ingest.*} (beside the connection settings in
 * LenswireProperties.Ingest): how many cameras, how large a packet, how many bytes a branch
 * queue holds, and where an RTSP redirect may lead. Documented in docs/configuration.md.
 */
@ConfigurationProperties(prefix = "lenswire.ingest")
public class IngestLimits {

    /** Most cameras (configured and added over the API together); one more is refused with 409 limit_reached. */
    private int maxCameras = 256;
    /**
     * A packet (one encoded frame) larger than this is dropped before it is copied out of
     * libavformat, and counted in the camera's packets_dropped; a 4K key frame is 1-3 MB.
     */
    private DataSize maxPacketSize = DataSize.ofMegabytes(8);
    /**
     * Bytes one branch queue (HLS or analytics, per camera) may hold besides its packet count
     * ({@code branch-queue-size}); a packet over it is dropped and counted like one over the count.
     */
    private DataSize branchQueueMaxBytes = DataSize.ofMegabytes(32);
    /**
     * Follow an RTSP redirect (3xx) to a host other than the camera's own. Off: such a redirect
     * ends the connection attempt before the new host gets a request. Redirects to link-local and
     * metadata addresses are never followed.
     */
    private boolean allowRedirectsToOtherHosts = false;
    /**
     * PEM file of the certificates (e.g. the site's CA) that rtsps:// cameras are verified against;
     * empty: the JVM's default trust store. A camera opts out with {@code tls_verify: false}.
     */
    private String tlsCaFile = "";

    public int getMaxCameras() { return maxCameras; }
    public void setMaxCameras(int maxCameras) { this.maxCameras = maxCameras; }
    public DataSize getMaxPacketSize() { return maxPacketSize; }
    public void setMaxPacketSize(DataSize maxPacketSize) { this.maxPacketSize = maxPacketSize; }
    public DataSize getBranchQueueMaxBytes() { return branchQueueMaxBytes; }
    public void setBranchQueueMaxBytes(DataSize size) { this.branchQueueMaxBytes = size; }
    public boolean isAllowRedirectsToOtherHosts() { return allowRedirectsToOtherHosts; }
    public void setAllowRedirectsToOtherHosts(boolean allow) { this.allowRedirectsToOtherHosts = allow; }

    public String getTlsCaFile() { return tlsCaFile; }
    public void setTlsCaFile(String tlsCaFile) { this.tlsCaFile = tlsCaFile == null ? "" : tlsCaFile; }
}
