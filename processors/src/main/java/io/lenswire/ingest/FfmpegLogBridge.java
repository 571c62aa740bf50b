package io.lenswire.ingest;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;


/**
 * Sends FFmpeg's own log lines to SLF4J instead of stderr, with any credentials in URLs masked:
 * libavformat may print the address it failed to open, and that address may hold a password.
 */
@Component
public class FfmpegLogBridge extends LogCallback implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");

    public FfmpegLogBridge() {
        av_log_set_level(AV_LOG_ERROR);
        setLogCallback(this);
    }

    @Override
    public void call(int level, BytePointer message) {
        String text = StreamUrls.maskCredentials(message.getString().strip());
        if (text.isEmpty()) {
            return;
        }
        if (level <= AV_LOG_ERROR) {
            LOG.debug("{}", text); // connection errors are reported per camera with context; keep FFmpeg's at debug
        } else if (level <= AV_LOG_WARNING) {
            LOG.debug("{}", text);
        }
    }

    @Override
    public void destroy() {
        av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
    }
}
