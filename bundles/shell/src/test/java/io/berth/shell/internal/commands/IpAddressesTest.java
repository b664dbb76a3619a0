package io.berth.shell.internal.commands;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Addresses as Go's net package reads and prints them. */
class IpAddressesTest {
    private static String normalized(String s) {
        byte[] ip = IpAddresses.parse(s);
        return ip == null ? null : IpAddresses.format(ip);
    }

    @Test
    void parsesAndPrintsAsGo() {
        assertThat(normalized("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(normalized("::1")).isEqualTo("::1");
        assertThat(normalized("::")).isEqualTo("::");
        assertThat(normalized("2001:DB8:0:0:0:0:0:33")).isEqualTo("2001:db8::33");
        assertThat(normalized("2001:db8:0:1:0:0:0:1")).isEqualTo("2001:db8:0:1::1");
        assertThat(normalized("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(normalized("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(normalized("fe80::1:2.3.4.5")).isEqualTo("fe80::1:203:405");
        for (String bad : new String[]{"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "localhost",
                "1::2::3", "12345::", ":1", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8:9", "host-gateway"}) {
            assertThat(IpAddresses.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void cidrsAndWhatTheyContain() {
        IpAddresses.Cidr net = IpAddresses.parseCidr("10.80.0.0/20");
        assertThat(net.prefixLength()).isEqualTo(20);
        assertThat(net.contains(IpAddresses.parse("10.80.15.255"))).isTrue();
        assertThat(net.contains(IpAddresses.parse("10.80.16.0"))).isFalse();
        assertThat(net.contains(IpAddresses.parse("::ffff:10.80.0.1"))).isTrue();
        assertThat(net.contains(null)).isFalse();
        assertThat(IpAddresses.parseCidr("fd00::/64").contains(IpAddresses.parse("fd00::1"))).isTrue();
        assertThat(IpAddresses.parseCidr("fd00::/64").contains(IpAddresses.parse("10.0.0.1"))).isFalse();
        for (String bad : new String[]{"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "10.0.0.0/x", "10.0.0.0/", "::/129"}) {
            assertThatThrownBy(() -> IpAddresses.parseCidr(bad)).as(bad).hasMessage("invalid CIDR address: " + bad);
        }
    }

    @Test
    void splitHostPortAsGo() {
        assertThat(IpAddresses.splitHostPort("[::1]:")).containsExactly("::1", "");
        assertThat(IpAddresses.splitHostPort("1.2.3.4:")).containsExactly("1.2.3.4", "");
        assertThat(IpAddresses.splitHostPort(":")).containsExactly("", "");
        assertThatThrownBy(() -> IpAddresses.splitHostPort("::1:")).hasMessage("address ::1:: too many colons in address");
        assertThatThrownBy(() -> IpAddresses.splitHostPort("[::1:")).hasMessage("address [::1:: missing ']' in address");
        assertThatThrownBy(() -> IpAddresses.splitHostPort("[::1]x:")).hasMessage("address [::1]x:: missing port in address");
    }

    @Test
    void macAddressesAsGo() {
        assertThat(IpAddresses.isMacAddress("92:d0:c6:0a:29:33")).isTrue();
        assertThat(IpAddresses.isMacAddress("92-D0-C6-0A-29-33")).isTrue();
        assertThat(IpAddresses.isMacAddress("92d0.c60a.2933")).isTrue();
        assertThat(IpAddresses.isMacAddress("00:00:00:00:fe:80:00:00")).isTrue();
        assertThat(IpAddresses.isMacAddress("92:d0:c6:0a:29")).isFalse();
        assertThat(IpAddresses.isMacAddress("92:d0:c6:0a:29:3g")).isFalse();
        assertThat(IpAddresses.isMacAddress("92:d0-c6:0a:29:33")).isFalse();
        assertThat(IpAddresses.isMacAddress("not a mac address")).isFalse();
    }
}
