package io.lenswire.ingest.rtsp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class RtspAuthTest {

    @Test
    void digestWithQopAnswersAsRfc2617sExample() {
        // RFC 2617 section 3.5: the same computation whatever the method name
        RtspAuth auth = new RtspAuth("Mufasa", "Circle Of Life", () -> "0a4f113b");
        assertThat(auth.challenge(List.of("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\","
                + " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""))).isTrue();
        String header = auth.authorization("GET", "/dir/index.html");
        assertThat(header).startsWith("Digest username=\"Mufasa\"")
                .contains("nc=00000001", "cnonce=\"0a4f113b\"", "response=\"6629fae49393a05397450978507c4ef1\"",
                        "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertThat(auth.authorization("GET", "/dir/index.html")).contains("nc=00000002");
    }

    @Test
    void digestWithoutQopUsesTheRfc2069Form() {
        RtspAuth auth = new RtspAuth("alice", "secret");
        auth.challenge(List.of("Digest realm=\"cam\", nonce=\"abc\""));
        String ha1 = RtspAuth.md5("alice:cam:secret");
        String ha2 = RtspAuth.md5("DESCRIBE:rtsp://cam/stream");
        assertThat(auth.authorization("DESCRIBE", "rtsp://cam/stream"))
                .contains("response=\"" + RtspAuth.md5(ha1 + ":abc:" + ha2) + "\"")
                .doesNotContain("qop", "secret");
    }

    @Test
    void basicWhenOnlyBasicIsOfferedAndDigestPreferredWhenBoth() {
        RtspAuth basic = new RtspAuth("alice", "secret");
        assertThat(basic.authorization("DESCRIBE", "rtsp://cam/")).isNull();
        assertThat(basic.challenge(List.of("Basic realm=\"cam\""))).isTrue();
        assertThat(basic.authorization("DESCRIBE", "rtsp://cam/")).isEqualTo("Basic YWxpY2U6c2VjcmV0");

        RtspAuth both = new RtspAuth("alice", "secret");
        both.challenge(List.of("Basic realm=\"cam\"", "Digest realm=\"cam\", nonce=\"n\""));
        assertThat(both.authorization("DESCRIBE", "rtsp://cam/")).startsWith("Digest ");
    }

    @Test
    void noCredentialsOrUnknownSchemeCannotAnswer() {
        assertThat(new RtspAuth(null, null).challenge(List.of("Basic realm=\"cam\""))).isFalse();
        assertThat(new RtspAuth("a", "b").challenge(List.of("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256"))).isFalse();
        assertThat(new RtspAuth("a", "b").challenge(List.of())).isFalse();
    }
}
