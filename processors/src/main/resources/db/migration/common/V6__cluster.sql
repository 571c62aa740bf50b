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
