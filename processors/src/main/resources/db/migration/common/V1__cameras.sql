CREATE TABLE cameras (
    camera_id        VARCHAR(64)   NOT NULL PRIMARY KEY,
    name             VARCHAR(128)  NOT NULL,
    rtsp_url         VARCHAR(2048) NOT NULL,
    enable_analytics BOOLEAN       NOT NULL,
    created_at       TIMESTAMP     NOT NULL
);
