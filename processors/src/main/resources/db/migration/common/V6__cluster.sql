-- A cluster of nodes (lenswire.cluster.enabled): which nodes are alive and where each camera runs.
-- Exclusive ownership comes from Camel's cluster service; these rows only tell the nodes about each
-- other (to spread cameras and to reach the owner) and tell the API where a camera runs.
CREATE TABLE cluster_nodes (
    node_id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    base_url     VARCHAR(512)  NOT NULL,
    heartbeat_at TIMESTAMP     NOT NULL
);

CREATE TABLE camera_owners (
    camera_id VARCHAR(64)  NOT NULL PRIMARY KEY,
    node_id   VARCHAR(64)  NOT NULL,
    state     VARCHAR(16)  NOT NULL,
    since     TIMESTAMP    NOT NULL
);

-- Playback sessions in a cluster: a session made on one node authorizes HLS on every node (the
-- node that reads the camera serves it). Times in epoch milliseconds. On a single node sessions
-- stay in memory only and this table is unused.
CREATE TABLE playback_sessions (
    session_id VARCHAR(64)   NOT NULL PRIMARY KEY,
    camera_id  VARCHAR(64)   NOT NULL,
    user_id    VARCHAR(512)  NOT NULL,
    created_at BIGINT        NOT NULL,
    expires_at BIGINT        NOT NULL,
    state      VARCHAR(16)   NOT NULL,
    token_id   VARCHAR(64)
);
