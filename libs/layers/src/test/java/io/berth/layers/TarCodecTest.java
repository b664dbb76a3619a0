package io.berth.layers;

import io.berth.layers.tar.TarFormatException;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarCodecTest {
    @TempDir
    Path tmp;

    private static final byte[] CAPS = {1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    @Test
    void roundTripsLongNamesBinaryXattrsDevicesAndBigIds() throws IOException {
        String longName = "a/" + "b".repeat(120) + "/c.txt";
        String deep = "x".repeat(90) + "/" + "y".repeat(90) + "/z";
        TarHeader cap = new TarHeader("bin/ping", TarHeader.REGULAR);
        cap.mode = 04755;
        cap.uid = 3_000_000;
        cap.gid = 42;
        cap.xattrs.put("security.capability", CAPS);
        TarHeader dev = new TarHeader("dev/null", TarHeader.CHAR_DEVICE);
        dev.mode = 0666;
        dev.devMajor = 1;
        dev.devMinor = 3;
        byte[] tar = new Tars().dir("a/").file(longName, "long").file(deep, "deep").entry(cap, "ping")
                .entry(dev, null).symlink("l", "é/target").hardlink("h", "bin/ping").bytes();

        List<TarHeader> read = new ArrayList<>();
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        List<String> contents = new ArrayList<>();
        for (TarHeader h; (h = reader.next()) != null; ) {
            read.add(h);
            contents.add(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(read).extracting(h -> h.name).containsExactly("a/", longName, deep, "bin/ping", "dev/null", "l", "h");
        assertThat(contents).containsExactly("", "long", "deep", "ping", "", "", "");
        TarHeader ping = read.get(3);
        assertThat(ping.mode).isEqualTo(04755);
        assertThat(ping.uid).isEqualTo(3_000_000);
        assertThat(ping.xattrs.get("security.capability")).isEqualTo(CAPS);
        assertThat(read.get(4).devMajor).isEqualTo(1);
        assertThat(read.get(4).devMinor).isEqualTo(3);
        assertThat(read.get(5).linkName).isEqualTo("é/target");
        assertThat(read.get(6).linkName).isEqualTo("bin/ping");
    }

    @Test
    void gnuTarReadsWhatWeWriteAndWeReadWhatItWrites() throws Exception {
        Requirements.require(Requirements.which("tar") != null, "GNU tar is not installed");
        Requirements.require(Requirements.which("setfattr") != null, "setfattr is not installed (apt-get install attr)");
        String longName = "a/" + "b".repeat(120) + "/c.txt";
        Files.write(tmp.resolve("ours.tar"), new Tars().dir("a/").file(longName, "long").symlink("l", "a").bytes());
        assertThat(run("tar", "-tf", tmp.resolve("ours.tar").toString())).isEqualTo("a/\n" + longName + "\nl\n");

        Path src = Files.createDirectories(tmp.resolve("src/d"));
        Files.writeString(src.resolve("f"), "data");
        run("setfattr", "-n", "user.bin", "-v", "0x0100000280ff00", src.resolve("f").toString());
        run("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-cf", tmp.resolve("gnu.tar").toString(),
                "-C", tmp.resolve("src").toString(), "d");
        TarReader reader = new TarReader(Files.newInputStream(tmp.resolve("gnu.tar")));
        TarHeader f = null;
        for (TarHeader h; (h = reader.next()) != null; ) {
            if (h.name.equals("d/f")) {
                f = h;
                assertThat(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data");
            }
        }
        assertThat(f).isNotNull();
        assertThat(f.xattrs.get("user.bin")).containsExactly(1, 0, 0, 2, 0x80, 0xff, 0);
    }

    @Test
    void namesThatAreNotUtf8GoBothWaysWithGnuTarInEveryFormat() throws Exception {
        Requirements.require(Requirements.which("tar") != null, "GNU tar is not installed");
        String deep = "d\udcff/" + "x\udce9".repeat(40);
        // Ours, extracted by GNU tar: the bytes on disk are the names' bytes.
        Files.write(tmp.resolve("ours.tar"), new Tars().file("col\udcff", "ff").file("col\udcfe", "fe").dir("d\udcff/")
                .file(deep, "deep").symlink("l\udc80", "col\udcff").bytes());
        Path out = Files.createDirectory(tmp.resolve("out"));
        run("tar", "-xf", tmp.resolve("ours.tar").toString(), "-C", out.toString());
        assertThat(Files.readString(io.berth.api.Names.resolve(out, "col\udcff"))).isEqualTo("ff");
        assertThat(Files.readString(io.berth.api.Names.resolve(out, "col\udcfe"))).isEqualTo("fe");
        assertThat(Files.readString(io.berth.api.Names.resolve(out, deep))).isEqualTo("deep");
        assertThat(io.berth.posix.RawPaths.readLink(io.berth.api.Names.resolve(out, "l\udc80"))).isEqualTo("col\udcff");
        // GNU tar's, in each format (GNU long names, PAX with hdrcharset=BINARY, ustar), read by ours.
        for (String format : List.of("gnu", "pax", "ustar")) {
            Path archive = tmp.resolve(format + ".tar");
            List<String> create = new ArrayList<>(List.of("tar", "--format=" + format, "-cf", archive.toString(), "-C",
                    out.toString(), "col\udcff", "col\udcfe", "l\udc80"));
            if (!format.equals("ustar")) {
                create.add("d\udcff");
            }
            run(create.stream().map(a -> new String(io.berth.api.Names.encode(a), StandardCharsets.ISO_8859_1))
                    .toArray(String[]::new), true);
            List<String> names = new ArrayList<>();
            TarReader reader = new TarReader(Files.newInputStream(archive));
            for (TarHeader h; (h = reader.next()) != null; ) {
                names.add(h.name + (h.linkName.isEmpty() ? "" : " -> " + h.linkName));
            }
            List<String> expected = new ArrayList<>(List.of("col\udcff", "col\udcfe", "l\udc80 -> col\udcff"));
            if (!format.equals("ustar")) {
                expected.addAll(List.of("d\udcff/", deep));
            }
            assertThat(names).as(format).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void corruptAndTruncatedArchivesAreErrors() throws IOException {
        byte[] tar = new Tars().file("a", "hello").bytes();
        byte[] corrupt = tar.clone();
        corrupt[10] ^= 1;
        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(corrupt)).next())
                .isInstanceOf(TarFormatException.class).hasMessageContaining("bad checksum");
        byte[] truncated = java.util.Arrays.copyOf(tar, 515);
        assertThatThrownBy(() -> {
            TarReader r = new TarReader(new ByteArrayInputStream(truncated));
            r.next();
            r.content().readAllBytes();
        }).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream("not a tar at all".repeat(40).getBytes())).next())
                .isInstanceOf(TarFormatException.class);
    }

    static String run(String... command) throws Exception {
        return run(command, false);
    }

    /**
     * Runs a command; with {@code latin1} each argument's characters are its bytes (a way to give
     * a program names that are not UTF-8, as the JDK encodes arguments in the locale's charset).
     */
    static String run(String[] command, boolean latin1) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (latin1) {
            pb = new ProcessBuilder("python3", "-c", "import os,sys; a=[x.encode('latin-1') for x in sys.argv[1:]];"
                    + " os.execvp(a[0], a)");
            pb.command().addAll(List.of(command));
            pb.redirectErrorStream(true);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }
}
