package io.berth.posix;

import io.berth.api.Names;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Names as bytes: decoded and encoded without loss, and files of such names made and found. */
class RawPathsTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void everyByteSequenceComesBackAsItWas() {
        Random random = new Random(21);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            assertThat(Names.encode(Names.decode(b))).isEqualTo(b);
        }
        for (int c = 0; c < 256; c++) {
            assertThat(Names.encode(Names.decode(bytes('a', c, 'z')))).containsExactly('a', c, 'z');
        }
    }

    @Test
    void utf8IsItsCharactersAndWhatIsNotIsEscapes() {
        assertThat(Names.decode("héllo 😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("héllo 😀");
        assertThat(Names.decode(bytes('c', 'o', 'l', 0xff))).isEqualTo("col\udcff");
        assertThat(Names.decode(bytes('c', 'o', 'l', 0xfe))).isEqualTo("col\udcfe");
        // Overlong, an encoded surrogate, past U+10FFFF, truncated: each byte escaped.
        assertThat(Names.decode(bytes(0xc0, 0xaf))).isEqualTo("\udcc0\udcaf");
        assertThat(Names.decode(bytes(0xed, 0xb3, 0xbf))).isEqualTo("\udced\udcb3\udcbf");
        assertThat(Names.decode(bytes(0xf4, 0x90, 0x80, 0x80))).isEqualTo("\udcf4\udc90\udc80\udc80");
        assertThat(Names.decode(bytes('x', 0xe2, 0x82))).isEqualTo("x\udce2\udc82");
        assertThat(Names.hasEscapes("col\udcff")).isTrue();
        assertThat(Names.hasEscapes("héllo")).isFalse();
        assertThat(Names.printable("col\udcff")).isEqualTo("col\\xff");
    }

    @Test
    void filesOfEveryByteAreMadeListedAndLinkedExactly(@TempDir Path dir) throws Exception {
        Native.load();
        Set<String> made = new HashSet<>();
        for (int c = 1; c < 256; c++) {
            if (c == '/') {
                continue;
            }
            String name = Names.decode(bytes('n', c));
            Path file = Names.resolve(dir, name);
            Files.write(file, new byte[] {(byte) c});
            assertThat(Names.fileName(file)).isEqualTo(name);
            assertThat(Names.relative(dir, file)).isEqualTo(name);
            made.add(name);
        }
        try (Stream<Path> listed = Files.list(dir)) {
            assertThat(listed.map(Names::fileName).collect(Collectors.toSet())).isEqualTo(made);
        }
        assertThat(Files.readAllBytes(Names.resolve(dir, "n\udcff"))).containsExactly(0xff);
        Path sub = Files.createDirectory(Names.resolve(dir, "d\udc80"));
        Path link = Names.resolve(sub, "l\udcfe");
        RawPaths.symlink(link, "../n\udcff");
        assertThat(RawPaths.readLink(link)).isEqualTo("../n\udcff");
        assertThat(Files.readAllBytes(link)).containsExactly(0xff);
        assertThat(Names.relative(dir, link)).isEqualTo("d\udc80/l\udcfe");
        Native.utimes(link, 1_000_000, 5);
        Native.setxattr(Names.resolve(dir, "n\udcff"), "user.berth", new byte[] {1});
        assertThat(Native.getxattr(Names.resolve(dir, "n\udcff"), "user.berth")).containsExactly(1);
    }
}
