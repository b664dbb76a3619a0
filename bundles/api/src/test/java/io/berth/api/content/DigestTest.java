package io.berth.api.content;

import io.berth.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DigestTest {
    @Test
    void sha256OfKnownContent() {
        Digest d = Digest.sha256("hello\n".getBytes(StandardCharsets.UTF_8));
        assertThat(d.toString()).isEqualTo("sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
        assertThat(d.shortHex()).isEqualTo("5891b5b522d5");
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
        assertThat(d.matches(d.newMessageDigest().digest("hello\n".getBytes(StandardCharsets.UTF_8)))).isTrue();
        assertThat(d.matches(d.newMessageDigest().digest("hello".getBytes(StandardCharsets.UTF_8)))).isFalse();
    }

    @Test
    void rejectsMalformedDigests() {
        assertThatThrownBy(() -> Digest.parse("sha256:abc")).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32))).hasMessageContaining("unsupported algorithm 'md5'");
        assertThatThrownBy(() -> Digest.parse("SHA256:" + "a".repeat(64))).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("nocolon")).hasMessageContaining("no algorithm prefix");
        assertThat(Digest.isDigest("sha512:" + "0".repeat(128))).isTrue();
    }
}
