package io.lenswire.cluster;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code lenswire.cluster.*}: several nodes sharing one database and one configuration, each camera
 * read by exactly one of them (docs/operations.md, "A cluster of nodes"). Off by default.
 */
@ConfigurationProperties(prefix = "lenswire.cluster")
public class ClusterProperties {

    /** Which Camel cluster service decides who runs a camera. */
    public enum Backend { FILE, ZOOKEEPER }

    private boolean enabled = false;
    /** This node's name, unique in the cluster (letters, digits, '-', '_'; at most 36). */
    private String nodeId = "";
    /** How the other nodes reach this one over HTTP, e.g. http://10.0.0.5:8080. */
    private String advertisedUrl = "";
    private Backend backend = Backend.FILE;
    /** FILE backend: a directory every node can lock files in (one machine, or a shared file system). */
    private String fileRoot = "";
    /** ZOOKEEPER backend: the ensemble, e.g. zk1:2181,zk2:2181,zk3:2181. */
    private String zookeeperConnect = "";
    /** ZOOKEEPER backend: the znode under which the cameras' elections live. */
    private String zookeeperBasePath = "/lenswire";
    /** ZOOKEEPER backend: a node whose session is silent this long loses its cameras (within the server's bounds). */
    private Duration zookeeperSessionTimeout = Duration.ofSeconds(4);
    /** How often a node says it is alive, looks for cameras added elsewhere and rebalances. */
    private Duration heartbeatInterval = Duration.ofSeconds(1);
    /** A node not heard from for this long is dead: its cameras go to the others. */
    private Duration nodeTimeout = Duration.ofSeconds(3);
    /** How often a node tries to take the lock of a camera it should run (the cluster service's interval). */
    private Duration lockInterval = Duration.ofSeconds(1);
    /** A lock holder that has not renewed for this many lock intervals is taken to be dead. */
    private int lockStaleAfterIntervals = 2;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getNodeId() { return nodeId; }
    public void setNodeId(String nodeId) { this.nodeId = nodeId; }
    public String getAdvertisedUrl() { return advertisedUrl; }
    public void setAdvertisedUrl(String advertisedUrl) { this.advertisedUrl = advertisedUrl; }
    public Backend getBackend() { return backend; }
    public void setBackend(Backend backend) { this.backend = backend; }
    public String getFileRoot() { return fileRoot; }
    public void setFileRoot(String fileRoot) { this.fileRoot = fileRoot; }
    public String getZookeeperConnect() { return zookeeperConnect; }
    public void setZookeeperConnect(String zookeeperConnect) { this.zookeeperConnect = zookeeperConnect; }
    public String getZookeeperBasePath() { return zookeeperBasePath; }
    public void setZookeeperBasePath(String zookeeperBasePath) { this.zookeeperBasePath = zookeeperBasePath; }
    public Duration getZookeeperSessionTimeout() { return zookeeperSessionTimeout; }
    public void setZookeeperSessionTimeout(Duration zookeeperSessionTimeout) { this.zookeeperSessionTimeout = zookeeperSessionTimeout; }
    public Duration getHeartbeatInterval() { return heartbeatInterval; }
    public void setHeartbeatInterval(Duration heartbeatInterval) { this.heartbeatInterval = heartbeatInterval; }
    public Duration getNodeTimeout() { return nodeTimeout; }
    public void setNodeTimeout(Duration nodeTimeout) { this.nodeTimeout = nodeTimeout; }
    public Duration getLockInterval() { return lockInterval; }
    public void setLockInterval(Duration lockInterval) { this.lockInterval = lockInterval; }
    public int getLockStaleAfterIntervals() { return lockStaleAfterIntervals; }
    public void setLockStaleAfterIntervals(int lockStaleAfterIntervals) { this.lockStaleAfterIntervals = lockStaleAfterIntervals; }
}
