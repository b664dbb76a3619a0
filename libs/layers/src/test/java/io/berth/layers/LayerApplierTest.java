package io.berth.layers;

import io.berth.posix.Native;
import io.berth.posix.Trees;
import io.berth.api.InvalidArgumentException;
import io.berth.layers.tar.TarHeader;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerApplierTest {
    private static final LayerApplier.Options OVERLAY = new LayerApplier.Options(Whiteouts.OVERLAY, true, true);
    private static final LayerApplier.Options DELETE = new LayerApplier.Options(Whiteouts.DELETE, true, true);

    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "applying layers sets owners, device nodes and trusted xattrs: needs root");
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "untouched");
    }

    private void apply(Tars tar, LayerApplier.Options options) throws IOException {
        LayerApplier.apply(tar.stream(), root, options);
    }

    @Test
    void appliesTheBusyboxFixtureFaithfully() throws IOException {
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        BusyboxImage image = BusyboxImage.build();
        for (byte[] layer : image.layers()) {
            LayerApplier.apply(new ByteArrayInputStream(layer), root, DELETE);
        }
        assertThat(Files.isSameFile(root.resolve("bin/sh"), root.resolve("bin/busybox"))).isTrue();
        assertThat(root.resolve(BusyboxImage.DELETED_FILE)).doesNotExist();
        assertThat(root.resolve(BusyboxImage.ADDED_FILE)).hasContent("added by the second layer");
        assertThat(root.resolve(BusyboxImage.LONG_NAME)).exists();
        assertThat(Files.getAttribute(root.resolve("tmp"), "unix:mode")).isEqualTo(041777);
        assertThat(Files.getAttribute(root.resolve("home/user"), "unix:uid")).isEqualTo(1000);
        assertThat(Files.getLastModifiedTime(root.resolve("bin")).toInstant()).isEqualTo(BusyboxImage.CREATED);
    }

    @Test
    void keepsModesOwnersCapabilitiesDevicesFifosAndTimes() throws IOException {
        byte[] caps = {1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        TarHeader ping = new TarHeader("bin/ping", TarHeader.REGULAR);
        ping.mode = 04755;
        ping.uid = 0;
        ping.gid = 0;
        ping.mtimeSeconds = 1_600_000_000L;
        ping.xattrs.put("security.capability", caps);
        ping.xattrs.put("user.note", "hi".getBytes(StandardCharsets.UTF_8));
        ping.xattrs.put("trusted.overlay.redirect", "/etc".getBytes(StandardCharsets.UTF_8));
        TarHeader sticky = new TarHeader("shared/", TarHeader.DIRECTORY);
        sticky.mode = 03775;
        sticky.uid = 1234;
        sticky.gid = 5678;
        TarHeader tty = new TarHeader("dev/tty0", TarHeader.CHAR_DEVICE);
        tty.mode = 0620;
        tty.devMajor = 4;
        tty.devMinor = 0;
        TarHeader fifo = new TarHeader("run/pipe", TarHeader.FIFO);
        fifo.mode = 0600;
        TarHeader link = new TarHeader("bin/lnk", TarHeader.SYMLINK);
        link.linkName = "ping";
        link.uid = 77;
        link.mtimeSeconds = 1_500_000_000L;
        apply(new Tars().dir("bin/").entry(ping, "binary").entry(sticky, null).entry(tty, null).entry(fifo, null)
                .entry(link, null), OVERLAY);

        Path p = root.resolve("bin/ping");
        assertThat(Files.getAttribute(p, "unix:mode")).isEqualTo(0104755);
        assertThat(Native.getxattr(p, "security.capability")).isEqualTo(caps);
        assertThat(Native.getxattr(p, "user.note")).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(Native.getxattr(p, "trusted.overlay.redirect")).as("overlay's own xattrs are not taken from layers").isNull();
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(1_600_000_000_000L);
        Map<String, Object> s = Files.readAttributes(root.resolve("shared"), "unix:mode,uid,gid");
        assertThat(s).containsEntry("mode", 043775).containsEntry("uid", 1234).containsEntry("gid", 5678);
        Map<String, Object> t = Files.readAttributes(root.resolve("dev/tty0"), "unix:mode,rdev");
        assertThat((Integer) t.get("mode") & 0170000).isEqualTo(Native.S_IFCHR);
        assertThat(Native.major((Long) t.get("rdev"))).isEqualTo(4);
        assertThat((Integer) Files.getAttribute(root.resolve("run/pipe"), "unix:mode") & 0170000).isEqualTo(Native.S_IFIFO);
        Path l = root.resolve("bin/lnk");
        assertThat(Files.readSymbolicLink(l)).isEqualTo(Path.of("ping"));
        assertThat(Files.getAttribute(l, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(77);
        assertThat(Files.getLastModifiedTime(l, LinkOption.NOFOLLOW_LINKS).toMillis()).isEqualTo(1_500_000_000_000L);
    }

    @Test
    void overlayWhiteoutsAreCharacterDevicesAndOpaqueXattrs() throws IOException {
        apply(new Tars().dir("etc/").file("etc/.wh.motd", "").dir("var/cache/").file("var/cache/.wh..wh..opq", "")
                .file("var/cache/new", "n"), OVERLAY);
        Map<String, Object> w = Files.readAttributes(root.resolve("etc/motd"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        assertThat((Integer) w.get("mode") & 0170000).isEqualTo(Native.S_IFCHR);
        assertThat(w.get("rdev")).isEqualTo(0L);
        assertThat(Native.getxattr(root.resolve("var/cache"), Whiteouts.OPAQUE_XATTR)).isEqualTo(new byte[]{'y'});
        assertThat(root.resolve("var/cache/new")).hasContent("n");
        assertThat(root.resolve("etc/.wh.motd")).doesNotExist();
    }

    @Test
    void deleteWhiteoutsDeleteAndOpaqueKeepsOnlyThisLayersEntries() throws IOException {
        apply(new Tars().dir("etc/").file("etc/motd", "m").dir("var/cache/").file("var/cache/old", "o")
                .dir("var/cache/olddir/").file("var/cache/olddir/x", "x"), DELETE);
        apply(new Tars().file("etc/.wh.motd", "").file("var/cache/new", "n").file("var/cache/.wh..wh..opq", ""), DELETE);
        assertThat(root.resolve("etc/motd")).doesNotExist();
        assertThat(root.resolve("etc")).isDirectory();
        try (var children = Files.list(root.resolve("var/cache"))) {
            assertThat(children.map(c -> c.getFileName().toString())).containsExactly("new");
        }
    }

    @Test
    void laterEntriesReplaceEarlierOnesWithoutFollowingLinks() throws IOException {
        apply(new Tars().symlink("f", outside.resolve("secret").toString()).symlink("d", outside.toString()), DELETE);
        apply(new Tars().file("f", "replaced").dir("d/").file("d/inner", "i"), DELETE);
        assertThat(outside.resolve("secret")).hasContent("untouched");
        assertThat(root.resolve("f")).isRegularFile().hasContent("replaced");
        assertThat(root.resolve("d")).isDirectory();
        assertThat(outside.resolve("inner")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(names = {"OVERLAY", "DELETE"}, value = Whiteouts.class)
    void aPathTwiceInOneLayerIsRefusedAsDockerRefusesIt(Whiteouts mode) throws IOException {
        LayerApplier.Options options = mode == Whiteouts.OVERLAY ? OVERLAY : DELETE;
        for (Tars tar : List.of(new Tars().file("f", "1").file("f", "2"), new Tars().dir("d/").file("x", "").dir("d"),
                new Tars().file("a/./b", "1").file("a//b", "2"), new Tars().file(".wh.g", "").file("./.wh.g", ""))) {
            Path layerRoot = Files.createDirectory(tmp.resolve("dup-" + mode + "-" + System.nanoTime()));
            assertThatThrownBy(() -> LayerApplier.apply(tar.stream(), layerRoot, options))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageEndingWith(": duplicates of file paths not supported");
        }
    }

    @Test
    void aWhiteoutHidesLowerLayersOnlyAndANameMadeAgainIsNew() throws IOException {
        // Lower: a directory with content, a file.
        for (LayerApplier.Options options : List.of(DELETE, OVERLAY)) {
            Path lower = Files.createDirectory(tmp.resolve("lower-" + options.whiteouts()));
            LayerApplier.apply(new Tars().dir("d/").file("d/old", "o").file("f", "lower").stream(), lower, DELETE);
            Path upper = options == DELETE ? lower : Files.createDirectory(tmp.resolve("upper"));
            // One layer: the directory whited out and made again with new content, then a file
            // of the layer whited out by a later entry of the same layer (which OCI says it is not).
            LayerApplier.apply(new Tars().file(".wh.d", "").dir("d/").file("d/new", "n").file("g", "mine")
                    .file(".wh.g", "").stream(), upper, options);
            assertThat(upper.resolve("g")).as(options.whiteouts().toString()).hasContent("mine");
            assertThat(upper.resolve("d/new")).hasContent("n");
            if (options == DELETE) {
                assertThat(upper.resolve("d/old")).doesNotExist();
            } else {
                assertThat(Native.getxattr(upper.resolve("d"), Whiteouts.OPAQUE_XATTR)).isEqualTo(new byte[] {'y'});
            }
            assertThat(Files.getLastModifiedTime(upper.resolve("d")).toMillis()).isEqualTo(1_700_000_000_000L);
        }
    }

    @Test
    void aHardLinksHeaderSetsTheSharedInodesOwnerModeAndTime() throws IOException {
        TarHeader link = new TarHeader("hard", TarHeader.HARDLINK);
        link.linkName = "file";
        link.mode = 0600;
        link.uid = 1234;
        link.gid = 5678;
        link.mtimeSeconds = 1_600_000_000L;
        apply(new Tars().file("file", "shared").entry(link, null), DELETE);
        Map<String, Object> a = Files.readAttributes(root.resolve("file"), "unix:mode,uid,gid,nlink,lastModifiedTime");
        assertThat((Integer) a.get("mode") & 07777).isEqualTo(0600);
        assertThat(a.get("uid")).isEqualTo(1234);
        assertThat(a.get("gid")).isEqualTo(5678);
        assertThat(a.get("nlink")).isEqualTo(2);
        assertThat(((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis()).isEqualTo(1_600_000_000_000L);
    }

    @Test
    void symlinkedParentsAreFollowedInsideTheRoot() throws IOException {
        apply(new Tars().symlink("lib", "usr/lib").dir("usr/").dir("usr/lib/").file("lib/x", "via link")
                .symlink("abs", outside.toString()).file("abs/planted", "p"), DELETE);
        assertThat(root.resolve("usr/lib/x")).hasContent("via link");
        // An absolute link target is the container's root, not the host's.
        assertThat(root.resolve(outside.toString().substring(1)).resolve("planted")).hasContent("p");
        assertThat(outside.resolve("planted")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Hostile.class)
    void hostileLayersFailNamingTheEntryAndTouchNothingOutside(Hostile hostile) throws IOException {
        for (Whiteouts mode : Whiteouts.values()) {
            Tars tar = hostile.tar(outside);
            LayerApplier.Options options = new LayerApplier.Options(mode, hostile != Hostile.DEVICE_NOT_ALLOWED, true);
            assertThatThrownBy(() -> LayerApplier.apply(tar.stream(), root, options))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("layer entry '" + hostile.entry);
            assertThat(outside.resolve("secret")).hasContent("untouched");
            try (var list = Files.list(outside)) {
                assertThat(list.map(p -> p.getFileName().toString())).containsExactly("secret");
            }
            assertThat(tmp.resolve("evil")).doesNotExist();
            Files.writeString(outside.resolve("secret"), "untouched");
            Trees.delete(root);
            Files.createDirectory(root);
        }
    }

    enum Hostile {
        DOT_DOT("../evil"),
        DOT_DOT_INSIDE("a/../../evil"),
        ABSOLUTE("/evil"),
        LINK_CLIMBING_OUT("up/evil"),
        HARDLINK_OUT("hl"),
        HARDLINK_ABSOLUTE("hl2"),
        WHITEOUT_DOT_DOT("sub/.wh.."),
        WHITEOUT_THROUGH_LINK("up/.wh.secret"),
        PAX_PATH_OUT("../evil-pax"),
        DEVICE_NOT_ALLOWED("dev/sda");

        final String entry;

        Hostile(String entry) {
            this.entry = entry;
        }

        Tars tar(Path outside) throws IOException {
            return switch (this) {
                case DOT_DOT -> new Tars().file("../evil", "x");
                case DOT_DOT_INSIDE -> new Tars().dir("a/").file("a/../../evil", "x");
                case ABSOLUTE -> new Tars().file("/evil", "x");
                case LINK_CLIMBING_OUT -> new Tars().symlink("up", "../../../../../../../" + outside).file("up/evil", "x");
                case HARDLINK_OUT -> new Tars().hardlink("hl", "../outside/secret");
                case HARDLINK_ABSOLUTE -> new Tars().hardlink("hl2", outside.resolve("secret").toString());
                case WHITEOUT_DOT_DOT -> new Tars().dir("sub/").file("sub/.wh..", "");
                case WHITEOUT_THROUGH_LINK -> new Tars().symlink("up", "../../../../../../../" + outside).file("up/.wh.secret", "");
                case PAX_PATH_OUT -> new Tars().file("../evil-pax" + "/x".repeat(60), "x");
                case DEVICE_NOT_ALLOWED -> new Tars().add("dev/sda", TarHeader.BLOCK_DEVICE, 0600, "", null);
            };
        }
    }

    /** Every byte value but NUL and '/', in a name: "n" and the byte. */
    static List<String> everyByteName() {
        List<String> names = new ArrayList<>();
        for (int c = 1; c < 256; c++) {
            if (c != '/') {
                names.add(io.berth.api.Names.decode(new byte[] {'n', (byte) c}));
            }
        }
        return names;
    }

    @ParameterizedTest
    @EnumSource(names = {"OVERLAY", "DELETE"}, value = Whiteouts.class)
    void namesAreBytesKeptExactlyThroughApplyAndWrite(Whiteouts mode) throws IOException {
        LayerApplier.Options options = mode == Whiteouts.OVERLAY ? OVERLAY : DELETE;
        Tars layer = new Tars().dir("d\udcff/");
        for (String name : everyByteName()) {
            layer.file("d\udcff/" + name, name.substring(1));
        }
        // Two names that decoding as UTF-8 would make one (U+FFFD), a link to each, a hard link.
        layer.file("col\udcff", "ff").file("col\udcfe", "fe").symlink("link\udc80", "d\udcff/n\udce9")
                .hardlink("hard\udc81", "col\udcfe").file("gone\udcc0", "x");
        apply(layer, options);
        apply(new Tars().file(".wh.gone\udcc0", ""), options);

        Path d = io.berth.api.Names.resolve(root, "d\udcff");
        try (var listed = Files.list(d)) {
            assertThat(listed.map(io.berth.api.Names::fileName).sorted().toList())
                    .isEqualTo(everyByteName().stream().sorted().toList());
        }
        for (String name : everyByteName()) {
            assertThat(io.berth.api.Names.decode(Files.readAllBytes(io.berth.api.Names.resolve(d, name))))
                    .as(io.berth.api.Names.printable(name)).isEqualTo(name.substring(1));
        }
        assertThat(Files.readString(io.berth.api.Names.resolve(root, "col\udcff"))).isEqualTo("ff");
        assertThat(Files.readString(io.berth.api.Names.resolve(root, "col\udcfe"))).isEqualTo("fe");
        assertThat(io.berth.posix.RawPaths.readLink(io.berth.api.Names.resolve(root, "link\udc80")))
                .isEqualTo("d\udcff/n\udce9");
        assertThat(Files.isSameFile(io.berth.api.Names.resolve(root, "hard\udc81"),
                io.berth.api.Names.resolve(root, "col\udcfe"))).isTrue();
        Path gone = io.berth.api.Names.resolve(root, "gone\udcc0");
        if (mode == Whiteouts.OVERLAY) {
            assertThat(Files.getAttribute(gone, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
        } else {
            assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isFalse();
        }

        // Written back as a layer, the same names, byte for byte.
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        LayerWriter writer = new LayerWriter(out);
        TreeTar.write(root, "", writer);
        writer.finish();
        List<String> written = new ArrayList<>();
        io.berth.layers.tar.TarReader reader = new io.berth.layers.tar.TarReader(new ByteArrayInputStream(out.toByteArray()));
        for (io.berth.layers.tar.TarHeader h; (h = reader.next()) != null; ) {
            written.add(h.name + (h.linkName.isEmpty() ? "" : " -> " + h.linkName));
        }
        List<String> expected = new ArrayList<>(List.of("col\udcfe", "col\udcff", "d\udcff/", "hard\udc81 -> col\udcfe",
                "link\udc80 -> d\udcff/n\udce9"));
        everyByteName().forEach(n -> expected.add("d\udcff/" + n));
        if (mode == Whiteouts.OVERLAY) {
            expected.add("gone\udcc0");
        }
        assertThat(written).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void hardLinksToLinksLinkTheLinkNotItsTarget() throws IOException {
        Path passwd = outside.resolve("secret");
        long before = (Integer) Files.getAttribute(passwd, "unix:nlink");
        apply(new Tars().symlink("sl", passwd.toString()).hardlink("hl", "sl"), DELETE);
        assertThat(Files.isSymbolicLink(root.resolve("hl"))).isTrue();
        assertThat((long) (Integer) Files.getAttribute(passwd, "unix:nlink")).isEqualTo(before);
    }

    @Test
    void hardLinksToMissingTargetsAreErrors() {
        assertThatThrownBy(() -> apply(new Tars().hardlink("x", "nope"), OVERLAY))
                .hasMessage("layer entry 'x': hard link target 'nope' is not in the layer");
    }
}
