package io.berth.layers;

import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarHeaderTap;
import io.berth.layers.tar.TarReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The headers a tap takes from bytes read through it are the reader's, however the bytes are read. */
class TarHeaderTapTest {
    private static List<String> described(List<TarHeader> headers) {
        List<String> out = new ArrayList<>();
        for (TarHeader h : headers) {
            out.add((char) h.type + " " + h.name + " " + h.linkName + " " + h.size + " " + h.mode + " " + h.uid);
        }
        return out;
    }

    @Test
    void theTapSeesWhatTheReaderSees() throws Exception {
        String longName = "d/" + "x\udcff".repeat(70) + "/f";
        TarHeader big = new TarHeader("big", TarHeader.REGULAR);
        big.uid = 1 << 23; // written as a PAX record
        big.mode = 0600;
        byte[] tar = new Tars().dir("d/").file(longName, "long").symlink("l", "d/" + "t".repeat(150))
                .hardlink("h", longName).entry(big, "z".repeat(5000)).file("empty", "").bytes();
        List<TarHeader> expected = new ArrayList<>();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        for (TarHeader h; (h = reader.next()) != null; ) {
            expected.add(h);
        }
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            TarHeaderTap tap = new TarHeaderTap(new ByteArrayInputStream(tar));
            // Read in pieces of random sizes, some a byte at a time, as a consumer would.
            byte[] buffer = new byte[4096];
            while (true) {
                int n = random.nextInt(4) == 0 ? (tap.read() < 0 ? -1 : 1) : tap.read(buffer, 0, 1 + random.nextInt(buffer.length));
                if (n < 0) {
                    break;
                }
            }
            assertThat(tap.ended()).isTrue();
            assertThat(described(tap.headers())).isEqualTo(described(expected));
        }
    }

    @Test
    void aTarCutShortIsNotEnded() throws Exception {
        byte[] tar = new Tars().file("a", "x".repeat(2000)).bytes();
        try (InputStream in = new TarHeaderTap(new ByteArrayInputStream(java.util.Arrays.copyOf(tar, 1024)))) {
            TarHeaderTap tap = (TarHeaderTap) in;
            tap.readAllBytes();
            assertThat(tap.ended()).isFalse();
            assertThat(tap.headers()).hasSize(1);
        }
    }
}
