package io.lenswire.ingest;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which hosts a camera may be: never a link-local address (169.254.0.0/16, fe80::/10, where cloud
 * metadata services answer) nor a known metadata address or name, in any spelling a resolver
 * accepts (inet_aton's decimal, hex and octal forms, IPv4-mapped, -compatible, NAT64 and 6to4
 * IPv6). Loopback and private networks stay allowed: cameras live on the LAN.
 *
 * <p>Checked on the URL when a camera is added or configured ({@link #refusal(String)}, no DNS),
 * and again on the resolved addresses right before each connect ({@link #resolvedRefusal}).
 */
public final class CameraHosts {

    /** Names of metadata services that resolve to link-local or internal addresses. */
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata", "instance-data",
            "instance-data.ec2.internal", "metadata.azure.internal");

    private CameraHosts() {
    }

    /** Why this host (as written in a URL, IPv6 in brackets) may not be a camera; null when it may. */
    public static String refusal(String host) {
        if (host == null || host.isEmpty()) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (METADATA_NAMES.contains(h)) {
            return "a cloud metadata service";
        }
        Optional<InetAddress> literal = literal(h);
        return literal.map(CameraHosts::refusal).orElse(null);
    }

    /** Why this address may not be a camera; null when it may. */
    public static String refusal(InetAddress address) {
        InetAddress a = embeddedIpv4(address);
        if (a.isLinkLocalAddress()) {
            return "a link-local address (where cloud metadata services answer)";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address && (b[0] & 0xff) == 100 && (b[1] & 0xff) == 100 && (b[2] & 0xff) == 100 && (b[3] & 0xff) == 200) {
            return "a cloud metadata address";
        }
        if (a instanceof Inet6Address && (b[0] & 0xff) == 0xfd && b[1] == 0 && (b[2] & 0xff) == 0x0e && (b[3] & 0xff) == 0xc2
                && zero(b, 4, 14) && b[14] == 0x02 && (b[15] & 0xff) == 0x54) {
            return "a cloud metadata address";
        }
        return null;
    }

    /**
     * Resolves {@code host} as the connect will and returns why one of its addresses is refused,
     * or empty. A name that does not resolve is left to the connect (which then fails as usual).
     */
    public static Optional<String> resolvedRefusal(String host) {
        String direct = refusal(host);
        if (direct != null) {
            return Optional.of(direct);
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress a : InetAddress.getAllByName(bare)) {
                String why = refusal(a);
                if (why != null) {
                    return Optional.of("resolves to " + why);
                }
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The address a literal host stands for (IPv6 in brackets, or any inet_aton IPv4 form); empty for a name. */
    static Optional<InetAddress> literal(String host) {
        try {
            if (host.startsWith("[") && host.endsWith("]")) {
                String inside = host.substring(1, host.length() - 1);
                int zone = inside.indexOf('%');
                String bare = zone >= 0 ? inside.substring(0, zone) : inside;
                if (!bare.matches("[0-9a-fA-F:.]+")) {
                    return Optional.empty();
                }
                return Optional.of(InetAddress.getByName(bare)); // a literal: no DNS
            }
            byte[] v4 = inetAton(host);
            return v4 == null ? Optional.empty() : Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * inet_aton(3): one to four parts, each decimal, octal (leading 0) or hex (0x); the last part
     * fills the remaining bytes, so "2852039166", "0xa9fea9fe" and "169.254.43518" are all
     * 169.254.169.254. Null when {@code host} is no such number.
     */
    static byte[] inetAton(String host) {
        if (host.isEmpty() || host.length() > 64 || !host.matches("[0-9a-fA-FxX.]+")) {
            return null;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (8 * (3 - i));
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (4 - (parts.length - 1)))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8), (byte) address};
    }

    private static Long number(String part) {
        if (part.isEmpty()) {
            return null;
        }
        try {
            String p = part.toLowerCase(Locale.ROOT);
            long v;
            if (p.startsWith("0x")) {
                v = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
            } else if (p.length() > 1 && p.startsWith("0")) {
                v = Long.parseLong(p.substring(1), 8);
            } else {
                v = Long.parseLong(p, 10);
            }
            return v > 0xffffffffL ? null : v;
        } catch (NumberFormatException e) {
            return null; // digits too long, or 8/9 in an octal part: not a number, so a name
        }
    }

    /** The IPv4 address inside an IPv4-mapped, -compatible, NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        byte[] v4 = null;
        boolean mapped = zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero(b, 0, 12) && !zero(b, 12, 16);
        if (mapped || compatible) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zero(b, 4, 12)) {
            v4 = new byte[] {b[12], b[13], b[14], b[15]};
        } else if (b[0] == 0x20 && b[1] == 0x02) {
            v4 = new byte[] {b[2], b[3], b[4], b[5]};
        }
        if (v4 == null) {
            return address;
        }
        try {
            return InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean zero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
