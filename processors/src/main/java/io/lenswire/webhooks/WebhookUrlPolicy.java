package io.lenswire.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.lenswire.api.ApiException;

/**
 * Where webhooks may go. http and https only, no user info, no fragment; never a link-local or
 * cloud metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254, 100.100.100.200), nor
 * "this network", multicast or broadcast; loopback and private ranges only with
 * {@code allow-private-networks}. Checked when an endpoint is saved, and again at every connect
 * by the delivery client's DNS resolver ({@link #resolve}), so a name that later resolves to a
 * forbidden address is refused too: the addresses checked are the addresses connected to.
 */
@Component
public class WebhookUrlPolicy implements DnsResolver {

    static final int MAX_URL_LENGTH = 2048;

    private final boolean allowPrivate;

    @Autowired
    public WebhookUrlPolicy(WebhookProperties settings) {
        this(settings.isAllowPrivateNetworks());
    }

    WebhookUrlPolicy(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL, parsed and checked, with its host resolved and every address allowed; else a 400. */
    public URI check(String url) {
        URI uri = parse(url);
        try {
            resolve(uri.getHost());
        } catch (UnknownHostException e) {
            throw ApiException.badField("url", "'url': " + e.getMessage());
        }
        return uri;
    }

    static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.badField("url", "'url' is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiException.badField("url", "'url' is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.badField("url", "'url' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.badField("url", "'url' must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.badField("url", "'url' has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.badField("url", "'url' must not hold user info (user:password@); authenticate receivers by the signature");
        }
        if (uri.getRawFragment() != null) {
            throw ApiException.badField("url", "'url' must not have a fragment");
        }
        return uri;
    }

    /** DNS for the delivery client: the host's addresses, or UnknownHostException if any is not allowed. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(bare);
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                throw new UnknownHostException("'" + host + "' resolves to " + a.getHostAddress() + ", " + why);
            }
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
    }

    /** Why this address is not a webhook target, or null when it is one. */
    String refusal(InetAddress address) {
        InetAddress a = unmapped(address);
        if (a.isLinkLocalAddress()) {
            return "a link-local address (cloud metadata services live there), which webhooks never reach";
        }
        if (isMetadata(a)) {
            return "a cloud metadata address, which webhooks never reach";
        }
        if (a.isAnyLocalAddress() || a.isMulticastAddress() || isThisNetworkOrBroadcast(a)) {
            return "which is not a unicast address";
        }
        if (!allowPrivate && (a.isLoopbackAddress() || a.isSiteLocalAddress() || isUniqueLocal(a) || isSharedAddressSpace(a))) {
            return "a loopback or private address, and lenswire.webhooks.allow-private-networks is false";
        }
        return null;
    }

    private static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return a;
    }

    private static boolean isMetadata(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            // Alibaba Cloud's metadata service (AWS, GCP and Azure use 169.254.169.254: link-local)
            return (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200;
        }
        // AWS's IPv6 metadata service fd00:ec2::254
        return (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2 && b[15] == (byte) 0x54
                && allZero(b, 4, 14) && b[14] == 0x02;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isThisNetworkOrBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] == 0 || ((b[0] & b[1] & b[2] & b[3]) & 0xff) == 0xff);
    }

    private static boolean isUniqueLocal(InetAddress a) {
        return a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (carrier-grade NAT): private in practice. */
    private static boolean isSharedAddressSpace(InetAddress a) {
        byte[] b = a.getAddress();
        return a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }
}
