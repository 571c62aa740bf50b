package io.lenswire.hls;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.lenswire.playback.PlaybackSessions;

/** A camera's muxer stays up while any live playback session of it exists. */
@Configuration
public class HlsConfiguration {

    @Bean
    public ViewerPresence viewerPresence(PlaybackSessions sessions) {
        return sessions::hasLiveSession;
    }
}
