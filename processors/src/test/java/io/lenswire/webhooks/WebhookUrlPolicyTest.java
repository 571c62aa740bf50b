package io.lenswire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.api.Test;

import io.lenswire.api.ApiException;

class WebhookUrlPolicyTest {

    private final WebhookUrlPolicy lan = new WebhookUrlPolicy(true);
    private final WebhookUrlPolicy publicOnly = new WebhookUrlPolicy(false);

    @Test
    void linkLocalAndMetadataAddressesAreNeverTargets() throws UnknownHostException {
        for (String a : new String[] {"169.254.169.254", "169.254.0.1", "fe80::1", "::ffff:169.254.169.254", "100.100.100.200",
                "fd00:ec2::254", "0.0.0.0", "255.255.255.255", "224.0.0.1"}) {
            assertThat(lan.refusal(InetAddress.getByName(a))).as(a).isNotNull();
        }
    }

    @Test
    void privateAndLoopbackDependOnTheSetting() throws UnknownHostException {
        for (String a : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.10", "::1", "fd12:3456::1", "100.64.0.1"}) {
            assertThat(lan.refusal(InetAddress.getByName(a))).as(a).isNull();
            assertThat(publicOnly.refusal(InetAddress.getByName(a))).as(a).isNotNull();
        }
        assertThat(publicOnly.refusal(InetAddress.getByName("93.184.216.34"))).isNull();
    }

    @Test
    void resolverRefusesAForbiddenAddressAtConnectTime() {
        assertThatThrownBy(() -> lan.resolve("169.254.169.254")).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("link-local");
        assertThatThrownBy(() -> lan.resolve("[fe80::1]")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAndNoUserInfo() {
        assertThat(lan.check("http://127.0.0.1:8080/hook").getPort()).isEqualTo(8080);
        for (String bad : new String[] {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1/", "http://", "not a url",
                "http://user:pw@127.0.0.1/", "http://127.0.0.1/#frag", "", "http://169.254.169.254/latest/meta-data"}) {
            assertThatThrownBy(() -> lan.check(bad)).as(bad).isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400))
                    // the console shows the message beside its url field
                    .satisfies(e -> assertThat(((ApiException) e).field()).isEqualTo("url"));
        }
        assertThatThrownBy(() -> lan.check("http://x/" + "a".repeat(2100))).isInstanceOf(ApiException.class);
    }
}
