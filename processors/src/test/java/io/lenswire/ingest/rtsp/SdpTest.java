package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SdpTest {

    /** As GStreamer's RTSP server describes an x264 stream with AAC audio. */
    private static final String GSTREAMER = String.join("\r\n",
            "v=0",
            "o=- 1188340656180883 1 IN IP4 127.0.0.1",
            "s=Session streamed with GStreamer",
            "t=0 0",
            "a=tool:GStreamer",
            "a=type:broadcast",
            "a=control:*",
            "a=range:npt=now-",
            "m=video 0 RTP/AVP 96",
            "c=IN IP4 0.0.0.0",
            "b=AS:2000",
            "a=rtpmap:96 H264/90000",
            "a=framerate:25",
            "a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z2QAH6zZQFAFuwEQAAADABAAAAMDKPGDGWA=,aOvjyyLA;profile-level-id=64001f",
            "a=control:stream=0",
            "a=ts-refclk:local",
            "m=audio 0 RTP/AVP 97",
            "a=rtpmap:97 MPEG4-GENERIC/48000/2",
            "a=control:stream=1",
            "");

    @Test
    void readsTheVideoSectionOfAGStreamerDescription() {
        Sdp sdp = Sdp.parse(GSTREAMER);
        assertThat(sdp.sessionControl()).isEqualTo("*");
        assertThat(sdp.media()).hasSize(2);
        Sdp.Media video = sdp.video();
        assertThat(video.payloadType()).isEqualTo(96);
        assertThat(video.encoding()).isEqualTo("H264");
        assertThat(video.clockRate()).isEqualTo(90000);
        assertThat(video.control()).isEqualTo("stream=0");
        assertThat(video.framerate()).isEqualTo(25.0);
        assertThat(video.fmtp()).containsEntry("packetization-mode", "1")
                .containsEntry("sprop-parameter-sets", "Z2QAH6zZQFAFuwEQAAADABAAAAMDKPGDGWA=,aOvjyyLA");
        assertThat(sdp.media().get(1).type()).isEqualTo("audio");
        assertThat(sdp.media().get(1).encoding()).isEqualTo("MPEG4-GENERIC");
    }

    @Test
    void garbageGivesNoMediaAndNoException() {
        assertThat(Sdp.parse("").media()).isEmpty();
        assertThat(Sdp.parse("m=\na=rtpmap:x\na=fmtp:\nm=video\na=framerate:abc\n").video().payloadType()).isEqualTo(-1);
        assertThat(Sdp.parse("\u0000\u00ff=\n==\n").media()).isEmpty();
    }
}
