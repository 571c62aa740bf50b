package io.lenswire.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CameraHostsTest {

    @Test
    void readsEveryInetAtonSpellingOfTheMetadataAddress() throws Exception {
        byte[] metadata = InetAddress.getByName("169.254.169.254").getAddress();
        for (String spelling : new String[] {"169.254.169.254", "2852039166", "0xa9fea9fe", "0XA9FEA9FE", "0251.0376.0251.0376",
                "169.254.43518", "169.16689662", "0xa9.0xfe.0xa9.0xfe", "0251.254.0xa9.254"}) {
            assertThat(CameraHosts.inetAton(spelling)).as(spelling).isEqualTo(metadata);
        }
    }

    @Test
    void namesAndOutOfRangeNumbersAreNotAddresses() {
        for (String name : new String[] {"cam", "cam.example", "1.2.3.4.5", "256.1.1.1", "4294967296", "08.1.1.1", "1..2", "abc", "0x1g"}) {
            assertThat(CameraHosts.inetAton(name)).as(name).isNull();
        }
    }

    @Test
    void aNameResolvingToALinkLocalAddressIsRefusedAtConnectTime() {
        // "2852039166" is not a literal for java.net.URI, but the resolver reads it as 169.254.169.254
        assertThat(CameraHosts.resolvedRefusal("2852039166")).isPresent();
        assertThat(CameraHosts.resolvedRefusal("localhost")).isEmpty();
        assertThat(CameraHosts.resolvedRefusal("no-such-host.invalid")).isEmpty();
    }
}
