package io.lenswire.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

import io.lenswire.it.support.Api;

/** Creating playback sessions, shared by the HLS tests. */
final class HlsPlaybackITSupport {
    private HlsPlaybackITSupport() {
    }

    static JsonNode create(Api api, String cameraId, String userId) {
        Api.Response r = api.postJson("/api/stream/playback/create-session",
                "{\"camera_id\":\"" + cameraId + "\",\"user_id\":\"" + userId + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }
}
