package io.berth.shell.internal.commands;

/**
 * Addresses read as Go's {@code net} package reads them, which is what docker's CLI checks its
 * options with: {@code ParseIP}, {@code ParseCIDR}, {@code IPNet.Contains}, {@code SplitHostPort}
 * and {@code ParseMAC}. Never a name lookup: {@code InetAddress} would resolve a host name.
 */
final class IpAddresses {
    /** Go's {@code big}: the bound of its decimal and hexadecimal readers. */
    private static final int BIG = 0xFFFFFF;

    private IpAddresses() {
    }

    /** Go's {@code net.ParseIP}: 4 bytes for IPv4, 16 for IPv6, or {@code null} if it is not an address. */
    static byte[] parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            switch (s.charAt(i)) {
                case '.':
                    return parseIpv4(s);
                case ':':
                    return parseIpv6(s);
                default:
                    break;
            }
        }
        return null;
    }

    /** Whether {@code s} is an IP address, as {@code net.ParseIP(s) != nil}. */
    static boolean isAddress(String s) {
        return parse(s) != null;
    }

    /** Go's {@code ip.String()}: dotted for IPv4 (and IPv4-mapped IPv6), RFC 5952 for IPv6. */
    static String format(byte[] ip) {
        byte[] v4 = toIpv4(ip);
        if (v4 != null) {
            return (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "." + (v4[2] & 0xff) + "." + (v4[3] & 0xff);
        }
        // Go's: the longest run of zero groups, the first of equals, becomes "::" unless it is one group.
        int e0 = -1;
        int e1 = -1;
        for (int i = 0; i < 16; i += 2) {
            int j = i;
            while (j < 16 && ip[j] == 0 && ip[j + 1] == 0) {
                j += 2;
            }
            if (j > i && j - i > e1 - e0) {
                e0 = i;
                e1 = j;
                i = j;
            }
        }
        if (e1 - e0 <= 2) {
            e0 = -1;
            e1 = -1;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i += 2) {
            if (i == e0) {
                b.append("::");
                i = e1;
                if (i >= 16) {
                    break;
                }
            } else if (i > 0) {
                b.append(':');
            }
            b.append(Integer.toHexString(((ip[i] & 0xff) << 8) | (ip[i + 1] & 0xff)));
        }
        return b.toString();
    }

    /** The 4 bytes of an IPv4 address, also one in IPv6's IPv4-mapped form; {@code null} for IPv6. */
    static byte[] toIpv4(byte[] ip) {
        if (ip.length == 4) {
            return ip;
        }
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return null;
            }
        }
        if (ip[10] != (byte) 0xff || ip[11] != (byte) 0xff) {
            return null;
        }
        return new byte[]{ip[12], ip[13], ip[14], ip[15]};
    }

    /** Go's {@code parseIPv4}: four decimal fields, no leading zeros. */
    static byte[] parseIpv4(String s) {
        byte[] p = new byte[4];
        int pos = 0;
        for (int i = 0; i < 4; i++) {
            if (pos >= s.length()) {
                return null;
            }
            if (i > 0) {
                if (s.charAt(pos) != '.') {
                    return null;
                }
                pos++;
            }
            int start = pos;
            int n = 0;
            while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                n = n * 10 + (s.charAt(pos) - '0');
                pos++;
                if (n >= BIG) {
                    return null;
                }
            }
            int count = pos - start;
            if (count == 0 || n > 0xff) {
                return null;
            }
            if (count > 1 && s.charAt(start) == '0') {
                return null;
            }
            p[i] = (byte) n;
        }
        return pos == s.length() ? p : null;
    }

    /** Go's {@code parseIPv6}: hexadecimal groups, one {@code ::}, an IPv4 address at the end. */
    static byte[] parseIpv6(String s) {
        byte[] ip = new byte[16];
        int ellipsis = -1;
        int pos = 0;
        if (s.length() >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
            ellipsis = 0;
            pos = 2;
            if (pos == s.length()) {
                return ip;
            }
        }
        int i = 0;
        while (i < 16) {
            int start = pos;
            int n = 0;
            while (pos < s.length() && Character.digit(s.charAt(pos), 16) >= 0 && s.charAt(pos) < 128) {
                n = n * 16 + Character.digit(s.charAt(pos), 16);
                pos++;
                if (n >= BIG) {
                    return null;
                }
            }
            if (pos == start || n > 0xFFFF) {
                return null;
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                if (ellipsis < 0 && i != 12 || i + 4 > 16) {
                    return null;
                }
                byte[] v4 = parseIpv4(s.substring(start));
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, ip, i, 4);
                pos = s.length();
                i += 4;
                break;
            }
            ip[i] = (byte) (n >> 8);
            ip[i + 1] = (byte) n;
            i += 2;
            if (pos == s.length()) {
                break;
            }
            if (s.charAt(pos) != ':' || pos + 1 == s.length()) {
                return null;
            }
            pos++;
            if (s.charAt(pos) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                pos++;
                if (pos == s.length()) {
                    break;
                }
            }
        }
        if (pos != s.length()) {
            return null;
        }
        if (i < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int n = 16 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            for (int j = ellipsis + n - 1; j >= ellipsis; j--) {
                ip[j] = 0;
            }
        } else if (ellipsis >= 0) {
            return null;
        }
        return ip;
    }

    /**
     * A network in CIDR form, as Go's {@code net.ParseCIDR} returns it.
     *
     * @param ip the address as written
     * @param network the network's address (the address masked)
     * @param prefixLength the mask's length
     */
    record Cidr(byte[] ip, byte[] network, int prefixLength) {
        /** Go's {@code IPNet.Contains}: an IPv4 address in an IPv4 network, IPv6 in IPv6. */
        boolean contains(byte[] address) {
            if (address == null) {
                return false;
            }
            byte[] a = toIpv4(address) != null && network.length == 4 ? toIpv4(address) : address;
            if (a.length != network.length) {
                return false;
            }
            byte[] masked = mask(a, prefixLength);
            return java.util.Arrays.equals(masked, network);
        }
    }

    /**
     * Go's {@code net.ParseCIDR}.
     *
     * @throws IllegalArgumentException {@code invalid CIDR address: S}, as Go words it
     */
    static Cidr parseCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + s);
        }
        String address = s.substring(0, slash);
        String mask = s.substring(slash + 1);
        int bits = 32;
        byte[] ip = parseIpv4(address);
        if (ip == null) {
            bits = 128;
            ip = parseIpv6(address);
        }
        int n = 0;
        int count = 0;
        while (count < mask.length() && mask.charAt(count) >= '0' && mask.charAt(count) <= '9' && n < BIG) {
            n = n * 10 + (mask.charAt(count) - '0');
            count++;
        }
        if (ip == null || count == 0 || count != mask.length() || n > bits) {
            throw new IllegalArgumentException("invalid CIDR address: " + s);
        }
        if (bits == 32 && ip.length == 16) {
            ip = toIpv4(ip);
        }
        return new Cidr(ip, mask(ip, n), n);
    }

    private static byte[] mask(byte[] ip, int prefixLength) {
        byte[] out = ip.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - 8 * i));
            out[i] = (byte) (out[i] & (0xff00 >> keep));
        }
        return out;
    }

    /**
     * Go's {@code net.SplitHostPort}.
     *
     * @return the host (without brackets) and the port
     * @throws IllegalArgumentException in Go's words: {@code address X: too many colons in address}
     */
    static String[] splitHostPort(String hostport) {
        int i = hostport.lastIndexOf(':');
        if (i < 0) {
            throw addressError(hostport, "missing port in address");
        }
        String host;
        int j = 0;
        int k = 0;
        if (hostport.charAt(0) == '[') {
            int end = hostport.indexOf(']');
            if (end < 0) {
                throw addressError(hostport, "missing ']' in address");
            }
            if (end + 1 == hostport.length()) {
                throw addressError(hostport, "missing port in address");
            } else if (end + 1 != i) {
                throw addressError(hostport, hostport.charAt(end + 1) == ':' ? "too many colons in address"
                        : "missing port in address");
            }
            host = hostport.substring(1, end);
            j = 1;
            k = end + 1;
        } else {
            host = hostport.substring(0, i);
            if (host.indexOf(':') >= 0) {
                throw addressError(hostport, "too many colons in address");
            }
        }
        if (hostport.indexOf('[', j) >= 0) {
            throw addressError(hostport, "unexpected '[' in address");
        }
        if (hostport.indexOf(']', k) >= 0) {
            throw addressError(hostport, "unexpected ']' in address");
        }
        return new String[]{host, hostport.substring(i + 1)};
    }

    private static IllegalArgumentException addressError(String address, String why) {
        return new IllegalArgumentException("address " + address + ": " + why);
    }

    /** Whether {@code s} is a hardware address as Go's {@code net.ParseMAC} takes one (6, 8 or 20 bytes). */
    static boolean isMacAddress(String s) {
        if (s.length() < 14) {
            return false;
        }
        char separator = s.charAt(2);
        if (separator == ':' || separator == '-') {
            if ((s.length() + 1) % 3 != 0) {
                return false;
            }
            int n = (s.length() + 1) / 3;
            if (n != 6 && n != 8 && n != 20) {
                return false;
            }
            for (int i = 0, x = 0; i < n; i++, x += 3) {
                if (!hexPair(s, x) || x + 2 < s.length() && s.charAt(x + 2) != separator) {
                    return false;
                }
            }
            return true;
        }
        if (s.charAt(4) == '.') {
            if ((s.length() + 1) % 5 != 0) {
                return false;
            }
            int n = 2 * (s.length() + 1) / 5;
            if (n != 6 && n != 8 && n != 20) {
                return false;
            }
            for (int i = 0, x = 0; i < n; i += 2, x += 5) {
                if (!hexPair(s, x) || !hexPair(s, x + 2) || x + 4 < s.length() && s.charAt(x + 4) != '.') {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean hexPair(String s, int at) {
        return at + 2 <= s.length() && Character.digit(s.charAt(at), 16) >= 0 && s.charAt(at) < 128
                && Character.digit(s.charAt(at + 1), 16) >= 0 && s.charAt(at + 1) < 128;
    }
}
