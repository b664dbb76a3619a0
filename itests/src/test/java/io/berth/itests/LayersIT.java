package io.berth.itests;

import io.berth.api.Names;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;
import io.berth.layers.tar.TarWriter;
import io.berth.testing.BusyboxImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crafted layers through bin/berth: names that are not UTF-8 kept byte for byte on both storage
 * drivers and through cp, export, diff and commit; a chain that drivers would apply differently
 * refused when it is loaded, with nothing left of it.
 */
class LayersIT extends DaemonWithBusybox {
    /**
     * A layer tar: entries {@code name -> content} (a name ending in '/' a directory, "@target" a
     * symbolic link, "=target" a hard link).
     */
    private static byte[] layer(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(out);
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            TarHeader h;
            byte[] data = new byte[0];
            if (name.endsWith("/")) {
                h = new TarHeader(name, TarHeader.DIRECTORY);
                h.mode = 0755;
            } else if (value.startsWith("=")) {
                h = new TarHeader(name, TarHeader.HARDLINK);
                h.linkName = value.substring(1);
                h.mode = 0644;
            } else if (value.startsWith("@")) {
                h = new TarHeader(name, TarHeader.SYMLINK);
                h.linkName = value.substring(1);
                h.mode = 0777;
            } else {
                h = new TarHeader(name, TarHeader.REGULAR);
                h.mode = 0644;
                data = Names.encode(value);
            }
            h.mtimeSeconds = 1_700_000_000L;
            h.size = data.length;
            tar.putEntry(h);
            if (data.length > 0) {
                tar.write(data, 0, data.length);
            }
        }
        tar.finish();
        return out.toByteArray();
    }

    /** Loads busybox with more layers on top as {@code tag}; the result of {@code load}. */
    private Installation.Result load(String tag, List<byte[]> layers) throws Exception {
        Path archive = berth.root.resolveSibling(tag.replace(':', '-') + ".tar");
        BusyboxImage.build().plus(layers).writeDockerArchive(archive, tag);
        return berth.berth("load", "-i", archive.toString());
    }

    /**
     * Runs bin/berth with arguments holding bytes that are not UTF-8 (as {@link Names} strings):
     * through a script, whose bytes are the arguments' bytes, as a shell passes them.
     */
    private Installation.Result raw(String... args) throws Exception {
        StringBuilder script = new StringBuilder("exec \"$1\"");
        for (String a : args) {
            script.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Path file = berth.root.resolveSibling("raw-" + System.nanoTime() + ".sh");
        Files.write(file, Names.encode(script.toString()));
        return berth.run(Map.of("BERTH_HOST", berth.host()), null, "/bin/sh", file.toString());
    }

    private long snapshots() throws IOException {
        try (var all = Files.list(berth.root.resolve("storage/overlay/snapshots"))) {
            return all.count();
        }
    }

    private static String name(int c) {
        return Names.decode(new byte[] {'n', (byte) c});
    }

    @Test
    void namesThatAreNotUtf8AreKeptOnEveryDriverAndThroughCpExportDiffAndCommit() throws Exception {
        Map<String, String> entries = new java.util.LinkedHashMap<>();
        entries.put("data/", "");
        for (int c = 1; c < 256; c++) {
            if (c != '/') {
                entries.put("data/" + name(c), Integer.toString(c));
            }
        }
        entries.put("data/col\udcff", "ff");
        entries.put("data/col\udcfe", "fe");
        entries.put("data/link\udc80", "@col\udcff");
        assertThat(load("bytes:1", List.of(layer(entries))).status()).isZero();

        // The same tree, listed with each file's content, on both drivers.
        String list = "cd /data && for f in *; do printf '%s=' \"$f\"; cat \"$f\"; echo; done; readlink \"$(printf 'link\\200')\"";
        byte[] overlay = ok("run", "--rm", "--storage-driver", "overlay", "bytes:1", "sh", "-c", list).stdout();
        byte[] vfs = ok("run", "--rm", "--storage-driver", "vfs", "bytes:1", "sh", "-c", list).stdout();
        assertThat(vfs).isEqualTo(overlay);
        String shown = Names.decode(overlay);
        assertThat(shown).contains("col\udcff=ff\n", "col\udcfe=fe\n", "n\udce9=233\n", "n\udc80=128\n", "n\u0001=1\n",
                "link\udc80=ff\n").endsWith("col\udcff\n");

        // cp out and in, by names with those bytes.
        ok("create", "--name", "src", "bytes:1", "true");
        Path out = Files.createDirectories(berth.root.resolveSibling("cp-out"));
        Installation.Result cp = raw("cp", "src:/data/col\udcff", out.toString() + "/got\udcfe");
        assertThat(cp.status()).as(cp.err()).isZero();
        try (var listed = Files.list(out)) {
            assertThat(listed.map(p -> io.berth.api.Names.fileName(p)).toList()).containsExactly("got\udcfe");
        }
        Path in = berth.root.resolveSibling("cp-in");
        Files.writeString(in, "in");
        assertThat(raw("cp", in.toString(), "src:/data/put\udcfa").status()).isZero();

        // export has the names as they are.
        List<String> exported = new ArrayList<>();
        TarReader tar = new TarReader(new ByteArrayInputStream(ok("export", "src").stdout()));
        for (TarHeader h; (h = tar.next()) != null; ) {
            exported.add(h.name);
        }
        assertThat(exported).contains("data/col\udcff", "data/col\udcfe", "data/put\udcfa", "data/" + name(0x80));

        // diff prints them as bytes; commit keeps them; the committed image runs on vfs.
        ok("run", "--name", "writer", "bytes:1", "sh", "-c", "echo new > \"$(printf '/data/new\\376')\"; rm \"$(printf '/data/n\\377')\"");
        String diff = Names.decode(ok("diff", "writer").stdout());
        assertThat(diff).contains("A /data/new\udcfe\n", "D /data/n\udcff\n");
        ok("commit", "writer", "bytes:2");
        String after = Names.decode(ok("run", "--rm", "--storage-driver", "vfs", "bytes:2", "sh", "-c",
                "cat \"$(printf '/data/new\\376')\"; set -- /data/n*; echo $#").stdout());
        // 254 names "n" + a byte, one removed, "new\xfe" added.
        assertThat(after).isEqualTo("new\n254\n");
    }

    @Test
    void aChainDriversWouldApplyDifferentlyIsRefusedAtLoadLeavingNothing() throws Exception {
        String images = ok("images", "-q").out();
        long snapshots = snapshots();
        List<byte[]> belowLink = List.of(layer(Map.of("lnk", "@/etc")), layer(Map.of("lnk/planted", "x")));
        // The same verdict whichever driver unpacks at load (overlay follows no link, vfs would).
        String refusal = null;
        for (String driver : List.of("vfs", "overlay")) {
            berth.configure("defaultStorage", driver, "Driver");
            Installation.Result below = load("below-link:1", belowLink);
            assertThat(below.status()).as(driver).isNotZero();
            assertThat(below.err().lines()).as(driver).hasSize(1);
            assertThat(below.err()).as(driver).startsWith("layer sha256:")
                    .contains(" entry 'lnk/planted': its parent 'lnk' is a symbolic link");
            assertThat(refusal == null || refusal.equals(below.err())).as(driver + ": " + below.err()).isTrue();
            refusal = below.err();
        }

        // A hard link to a lower layer's file: docker's overlay2 refuses it, its vfs does not.
        Installation.Result hard = load("hard:1", List.of(layer(Map.of("a", "x")), layer(Map.of("b", "=a"))));
        assertThat(hard.status()).isNotZero();
        assertThat(hard.err()).contains(" entry 'b': hard link target 'a' is not in the layer");
        ByteArrayOutputStream dup = new ByteArrayOutputStream();
        TarWriter tar = new TarWriter(dup);
        for (String content : List.of("1", "2")) {
            TarHeader h = new TarHeader("twice", TarHeader.REGULAR);
            h.mode = 0644;
            h.size = 1;
            tar.putEntry(h);
            tar.write(content.getBytes(), 0, 1);
        }
        tar.finish();
        Installation.Result twice = load("twice:1", List.of(dup.toByteArray()));
        assertThat(twice.status()).isNotZero();
        assertThat(twice.err()).contains(" entry 'twice': duplicates of file paths not supported");

        assertThat(ok("images", "-q").out()).isEqualTo(images);
        assertThat(snapshots()).as("snapshots of the storage driver").isEqualTo(snapshots);
        assertThat(ok("images", "--format", "{{.Repository}}").out()).doesNotContain("below-link", "hard", "twice");
    }

    @Test
    void aPullOfSuchAChainIsRefusedAndWhatItUnpackedIsRemoved() throws Exception {
        java.nio.file.Path skopeo = io.berth.testing.Requirements.requireTool("skopeo", "skopeo");
        Path archive = berth.root.resolveSibling("crafted.tar");
        BusyboxImage.build().plus(List.of(layer(Map.of("lnk", "@/etc")), layer(Map.of("lnk/planted", "x"))))
                .writeDockerArchive(archive, "crafted:1");
        String images = ok("images", "-q").out();
        long snapshots = snapshots();
        try (io.berth.testing.LocalRegistry registry = new io.berth.testing.LocalRegistry(
                Files.createDirectories(berth.root.resolveSibling("registry")))) {
            String name = registry.host() + "/crafted:1";
            Process p = new ProcessBuilder(skopeo.toString(), "copy", "--quiet", "--dest-tls-verify=false",
                    "docker-archive:" + archive, "docker://" + name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor()).as("skopeo: " + out).isZero();
            // overlay unpacks each layer while it downloads: the refusal comes after, and removes them.
            Installation.Result pull = berth.berth("pull", name);
            assertThat(pull.status()).isNotZero();
            assertThat(pull.err()).contains(" entry 'lnk/planted': its parent 'lnk' is a symbolic link");
        }
        assertThat(ok("images", "-q").out()).isEqualTo(images);
        assertThat(snapshots()).as("snapshots of the storage driver").isEqualTo(snapshots);
    }

    @Test
    void anImportDriversWouldApplyDifferentlyIsRefused() throws Exception {
        String images = ok("images", "-q").out();
        Path twice = berth.root.resolveSibling("twice.tar");
        Files.write(twice, concatTars(layer(Map.of("a", "1")), layer(Map.of("./a", "2"))));
        Installation.Result dup = berth.berth("import", twice.toString(), "imported:1");
        assertThat(dup.status()).isNotZero();
        assertThat(dup.err()).startsWith("Error: ").contains("entry './a': duplicates of file paths not supported");
        Path hard = berth.root.resolveSibling("hard.tar");
        Files.write(hard, layer(Map.of("b", "=missing")));
        Installation.Result link = berth.berth("import", hard.toString(), "imported:2");
        assertThat(link.status()).isNotZero();
        assertThat(link.err()).contains("entry 'b': hard link target 'missing' is not in the layer");
        // Entries that leave the root are refused at import, not at the first create (docker refuses
        // hard links out and entries below links; '..' and absolute names it confines, Berth refuses).
        Map<String, String> hostile = Map.of("../evil", "x", "/abs", "x", "h", "=../../etc/passwd");
        for (Map.Entry<String, String> entry : hostile.entrySet()) {
            Path tar = berth.root.resolveSibling("hostile.tar");
            Files.write(tar, layer(Map.of("ok", "fine", entry.getKey(), entry.getValue())));
            Installation.Result r = berth.berth("import", tar.toString(), "hostile:1");
            assertThat(r.status()).as(entry.getKey()).isEqualTo(1);
            assertThat(r.err()).as(entry.getKey()).startsWith("Error: ").contains("entry '" + entry.getKey() + "'");
        }
        assertThat(ok("images", "-q").out()).isEqualTo(images);
    }

    /** Two tars' entries in one tar (the first's end-of-archive blocks dropped). */
    private static byte[] concatTars(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(first, 0, first.length - 1024);
        out.writeBytes(second);
        return out.toByteArray();
    }
}
