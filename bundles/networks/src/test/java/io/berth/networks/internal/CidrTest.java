package io.berth.networks.internal;

import io.berth.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    @Test
    void parsesAndComputes() {
        Cidr c = Cidr.parse("10.80.16.7/20");
        assertThat(c.network().toString()).isEqualTo("10.80.16.0/20");
        assertThat(c.text(c.at(1))).isEqualTo("10.80.16.1");
        assertThat(c.text(c.last())).isEqualTo("10.80.31.255");
        assertThat(c.size()).isEqualTo(BigInteger.valueOf(4096));
        assertThat(c.contains(Cidr.address("10.80.31.1").base())).isTrue();
        assertThat(c.contains(Cidr.address("10.80.32.1").base())).isFalse();
    }

    @Test
    void overlaps() {
        assertThat(Cidr.parse("10.0.0.0/8").overlaps(Cidr.parse("10.1.0.0/16"))).isTrue();
        assertThat(Cidr.parse("10.1.0.0/16").overlaps(Cidr.parse("10.2.0.0/16"))).isFalse();
        assertThat(Cidr.parse("10.0.0.0/8").overlaps(Cidr.parse("fd00::/8"))).isFalse();
    }

    @Test
    void ipv6() {
        Cidr c = Cidr.parse("fd00:1::/64");
        assertThat(c.ipv6()).isTrue();
        assertThat(c.text(c.at(1))).isEqualTo("fd00:1::1");
        assertThat(c.toString()).isEqualTo("fd00:1::/64");
    }

    @Test
    void refusesWhatIsNotACidr() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid CIDR address: 10.0.0.0");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessage("invalid CIDR address: 10.0.0.0/33");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessage("invalid IP address: example.com/8");
        assertThatThrownBy(() -> Cidr.parse("300.1.1.1/8")).isInstanceOf(InvalidArgumentException.class);
    }
}
