package io.berth.shell.internal.output;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {
    @Test
    void sizesAsDockerShowsThem() {
        assertThat(Units.humanSize(0)).isEqualTo("0B");
        assertThat(Units.humanSize(7)).isEqualTo("7B");
        assertThat(Units.humanSize(195_000)).isEqualTo("195kB");
        assertThat(Units.humanSize(196_513_448)).isEqualTo("197MB");
        assertThat(Units.humanSize(1_234)).isEqualTo("1.23kB");
        assertThat(Units.humanSize(1_500_000_000L)).isEqualTo("1.5GB");
        // Go's %.3g of 999.5 is 1e+03; docker prints exactly that.
        assertThat(Units.humanSize(999_500)).isEqualTo("1e+03kB");
        assertThat(Units.humanSize(196_513_448, 4)).isEqualTo("196.5MB");
    }

    @Test
    void goFormatG() {
        assertThat(Units.formatG(0.0001234, 3)).isEqualTo("0.000123");
        assertThat(Units.formatG(0.00001234, 3)).isEqualTo("1.23e-05");
        assertThat(Units.formatG(100, 3)).isEqualTo("100");
        assertThat(Units.formatG(1.0, 3)).isEqualTo("1");
    }

    @Test
    void parsesFlagSizes() {
        assertThat(Units.parseBytes("32m")).isEqualTo(32L * 1024 * 1024);
        assertThat(Units.parseBytes("1g")).isEqualTo(1024L * 1024 * 1024);
        assertThat(Units.parseBytes("512KB")).isEqualTo(512L * 1024);
        assertThat(Units.parseBytes("100")).isEqualTo(100);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Units.parseBytes("lots"))
                .hasMessage("invalid size: 'lots'");
    }
}
