package io.berth.image.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.content.Digest;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.image.ArchiveFormat;
import io.berth.api.image.HistoryRow;
import io.berth.api.image.Image;
import io.berth.api.image.ImageDetails;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageUsers;
import io.berth.api.image.ImportOptions;
import io.berth.api.image.PruneResult;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.storage.StorageDriver;
import io.berth.layers.Tars;
import io.berth.storage.vfs.internal.VfsStorageDriver;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalImageStoreTest {
    @TempDir
    Path tmp;
    private BusyboxImage busybox;
    private byte[] dockerArchive;
    private StorageDriver vfs;
    private LocalImageStore store;
    private final List<ImageUsers> users = new CopyOnWriteArrayList<>();

    /** A registry with one real driver, the way the engine's is seen by the image store. */
    private final class OneDriver implements DriverRegistry {
        @Override
        public List<DriverInfo> drivers() {
            return List.of(new DriverInfo(DriverType.STORAGE, "vfs", DriverState.AVAILABLE, true, "test", "1", 0, null));
        }

        @Override
        public RuntimeDriver runtime(String name) {
            throw new UnavailableException("no runtime here");
        }

        @Override
        public io.berth.api.volume.VolumeDriver volume(String name) {
            throw new io.berth.api.UnavailableException("no volume driver in this test");
        }

        @Override
        public io.berth.api.network.NetworkDriver network(String name) {
            throw new io.berth.api.UnavailableException("no network driver in this test");
        }

        @Override
        public StorageDriver storage(String name) {
            return vfs;
        }

        @Override
        public String defaultName(DriverType type) {
            return type == DriverType.STORAGE ? "vfs" : null;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Requirements.require(Requirements.isRoot(), "unpacking layers sets owners and device nodes: needs root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        busybox = BusyboxImage.build();
        Path archive = tmp.resolve("busybox.tar");
        busybox.writeDockerArchive(archive, "busybox:latest");
        dockerArchive = Files.readAllBytes(archive);
        vfs = new VfsStorageDriver(tmp.resolve("root/storage/vfs"), true);
        store = open();
    }

    @AfterEach
    void tearDown() {
        if (store != null) {
            store.close();
        }
    }

    private LocalImageStore open() throws IOException {
        DriverRegistry registry = new OneDriver();
        return new LocalImageStore(new FileContentStore(tmp.resolve("root/content")), () -> registry, () -> users);
    }

    private List<String> load(byte[] archive) throws IOException {
        return store.load(new ByteArrayInputStream(archive), ProgressListener.NONE);
    }

    private long blobCount() throws IOException {
        long[] n = {0};
        store.content.walk(i -> n[0]++);
        return n[0];
    }

    @Test
    void loadsADockerArchiveAndUnpacksIt() throws IOException {
        assertThat(load(dockerArchive)).containsExactly("Loaded image: busybox:latest");
        List<Image> images = store.list();
        assertThat(images).hasSize(1);
        Image image = images.get(0);
        assertThat(image.id().toString()).isEqualTo(busybox.id());
        assertThat(image.repoTags()).containsExactly("busybox:latest");
        // docker's size: the bytes of the layers' files (1.98MB, as docker images shows the fixture), not of their tars.
        assertThat(image.size()).isEqualTo(contentSize(busybox.layers().get(0)) + contentSize(busybox.layers().get(1)))
                .isLessThan(busybox.layers().get(0).length + busybox.layers().get(1).length);

        ImageDetails details = store.inspect("busybox");
        assertThat(details.config().config().cmd()).containsExactly("sh");
        assertThat(details.config().diffIds()).extracting(Digest::toString).isEqualTo(busybox.diffIds());
        assertThat(details.storageDriver()).isEqualTo("vfs");
        assertThat(details.graphData()).containsKey("Dir");
        String top = store.unpack("busybox", null, ProgressListener.NONE);
        assertThat(vfs.stat(top).key()).isEqualTo(top);

        List<HistoryRow> history = store.history("busybox:latest");
        assertThat(history).hasSize(3);
        assertThat(history.get(0).imageId()).isEqualTo(image.id());
        assertThat(history.get(0).entry().emptyLayer()).isTrue();
        assertThat(history.get(1).imageId()).isNull();
        assertThat(history.get(1).size()).isEqualTo(contentSize(busybox.layers().get(1)));
        assertThat(history.get(1).entry().comment()).isEqualTo("second layer");
    }

    @Test
    void findsImagesByEveryNameDockerAccepts() throws IOException {
        load(dockerArchive);
        Digest id = Digest.parse(busybox.id());
        for (String name : List.of("busybox", "busybox:latest", "docker.io/library/busybox:latest", "library/busybox",
                id.toString(), id.hex(), id.shortHex(), id.hex().substring(0, 4))) {
            assertThat(store.get(name).id()).as(name).isEqualTo(id);
        }
        Digest manifest = store.inspect("busybox").manifest().digest();
        assertThat(store.get("busybox@" + manifest).id()).isEqualTo(id);
        assertThat(store.get("docker.io/library/busybox@" + manifest).id()).isEqualTo(id);
        assertThatThrownBy(() -> store.get("other@" + manifest)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.get("busybox:1.0")).isInstanceOf(NotFoundException.class)
                .hasMessage("No such image: busybox:1.0");
        assertThatThrownBy(() -> store.get("nosuch")).hasMessage("No such image: nosuch:latest");
        assertThatThrownBy(() -> store.get("Bad:Name")).isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    void theStoreIsAnOciLayoutSkopeoAndUmociRead() throws Exception {
        Requirements.requireTool("skopeo", "skopeo");
        Requirements.requireTool("umoci", "umoci");
        load(dockerArchive);
        Path layout = tmp.resolve("root/content");
        String inspected = run("skopeo", "inspect", "oci:" + layout + ":docker.io/library/busybox:latest");
        assertThat(inspected).contains("\"Layers\"").contains(busybox.diffIds().get(0));
        run("umoci", "unpack", "--image", layout + ":docker.io/library/busybox:latest", tmp.resolve("bundle").toString());
        assertThat(tmp.resolve("bundle/rootfs/bin/busybox")).exists();
        assertThat(tmp.resolve("bundle/rootfs").resolve(BusyboxImage.DELETED_FILE)).doesNotExist();
    }

    @Test
    void savesArchivesThatSkopeoReadsAndThatLoadBack() throws Exception {
        Requirements.requireTool("skopeo", "skopeo");
        load(dockerArchive);
        store.tag("busybox", ImageReference.parse("example.com/team/box:v1"));
        Path docker = tmp.resolve("saved-docker.tar");
        Path oci = tmp.resolve("saved-oci.tar");
        try (var out = Files.newOutputStream(docker)) {
            store.save(List.of("busybox:latest"), ArchiveFormat.DOCKER, out);
        }
        try (var out = Files.newOutputStream(oci)) {
            store.save(List.of(busybox.id()), ArchiveFormat.OCI, out);
        }
        String config = run("skopeo", "inspect", "--config", "docker-archive:" + docker);
        assertThat(config).contains(busybox.diffIds().get(1));
        String raw = run("skopeo", "inspect", "--raw", "docker-archive:" + docker);
        assertThat(raw).contains("layers");
        Path ociDir = Files.createDirectory(tmp.resolve("oci-dir"));
        run("tar", "-xf", oci.toString(), "-C", ociDir.toString());
        assertThat(run("skopeo", "inspect", "oci:" + ociDir + ":v1")).contains("\"Layers\"");

        // Back in an empty store, the same image with the same tags.
        store.remove(busybox.id(), true, false);
        assertThat(store.list()).isEmpty();
        assertThat(blobCount()).isZero();
        assertThat(load(Files.readAllBytes(docker))).containsExactly("Loaded image: busybox:latest");
        assertThat(store.get("busybox").id().toString()).isEqualTo(busybox.id());
        store.remove(busybox.id(), true, false);
        assertThat(load(Files.readAllBytes(oci))).containsExactlyInAnyOrder("Loaded image: busybox:latest",
                "Loaded image: example.com/team/box:v1");
        assertThat(store.list()).hasSize(1);
        assertThat(store.list().get(0).repoTags()).containsExactlyInAnyOrder("busybox:latest", "example.com/team/box:v1");
    }

    @Test
    void loadsTheFixturesOciLayoutAsAnArchiveAndCompressedArchives() throws IOException {
        Path layout = tmp.resolve("layout");
        busybox.writeOciLayout(layout, "docker.io/library/busybox:oci");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(tar)) {
            gz.write(tarOf(layout));
        }
        assertThat(load(tar.toByteArray())).containsExactly("Loaded image: busybox:oci");
        assertThat(store.get("busybox:oci").size()).isEqualTo(contentSize(busybox.layers().get(0))
                + contentSize(busybox.layers().get(1)));
    }

    @Test
    void loadsZstdLayersAndPicksTheHostPlatformFromAnIndex() throws IOException {
        // An OCI archive whose index points at a nested index of two platforms, with zstd layers.
        Path layout = tmp.resolve("multi");
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        List<String> layerDescriptors = new ArrayList<>();
        for (byte[] layer : busybox.layers()) {
            byte[] zst = com.github.luben.zstd.Zstd.compress(layer);
            layerDescriptors.add(descriptor("application/vnd.oci.image.layer.v1.tar+zstd", writeBlob(layout, zst), zst.length));
        }
        byte[] config = busybox.config();
        String configDesc = descriptor("application/vnd.oci.image.config.v1+json", writeBlob(layout, config), config.length);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + configDesc + ",\"layers\":[" + String.join(",", layerDescriptors) + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = writeBlob(layout, manifest);
        byte[] foreign = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}"
                .getBytes(StandardCharsets.UTF_8);
        String foreignDigest = writeBlob(layout, foreign);
        byte[] nested = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + foreignDigest + "\",\"size\":"
                + foreign.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"s390x\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}").getBytes(StandardCharsets.UTF_8);
        String nestedDigest = writeBlob(layout, nested);
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" + nestedDigest + "\",\"size\":" + nested.length
                + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/multi:1\"}}]}");
        assertThat(load(tarOf(layout))).containsExactly("Loaded image: multi:1");
        assertThat(store.get("multi:1").id().toString()).isEqualTo(busybox.id());
        assertThat(store.inspect("multi:1").layers()).allMatch(l -> l.mediaType().endsWith("+zstd"));
        String top = store.unpack("multi:1", null, ProgressListener.NONE);
        assertThat(vfs.stat(top)).isNotNull();
    }

    private static String writeBlob(Path layout, byte[] bytes) throws IOException {
        String digest = BusyboxImage.sha256(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static String descriptor(String mediaType, String digest, long size) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    @Test
    void tagsMoveAndRmiUntagsBeforeItDeletes() throws IOException {
        load(dockerArchive);
        long blobs = blobCount();
        store.tag("busybox", ImageReference.parse("mybox:1.0"));
        store.tag("busybox", ImageReference.parse("other/box"));
        assertThat(store.get("busybox").repoTags()).containsExactly("busybox:latest", "mybox:1.0", "other/box:latest");

        assertThat(store.remove("mybox:1.0", false, false)).extracting(Object::toString).containsExactly("Untagged: mybox:1.0");
        assertThatThrownBy(() -> store.remove(busybox.id(), false, false)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("referenced in multiple repositories");
        store.remove("other/box", false, false);
        // As docker: the image, then its layers by chain id, the top one first.
        List<String> chains = ChainIds.of(busybox.diffIds().stream().map(Digest::parse).toList());
        assertThat(store.remove("busybox", false, false)).extracting(Object::toString)
                .containsExactly("Untagged: busybox:latest", "Deleted: " + busybox.id(), "Deleted: " + chains.get(1),
                        "Deleted: " + chains.get(0));
        assertThat(store.list()).isEmpty();
        assertThat(blobs).isGreaterThanOrEqualTo(4);
        assertThat(blobCount()).as("every blob of the image is gone").isZero();
        List<String> snapshots = new ArrayList<>();
        vfs.walk(s -> snapshots.add(s.key()));
        assertThat(snapshots).as("its layers are gone from the driver").isEmpty();
    }

    @Test
    void imagesInUseAreKeptUntaggedWhenForced() throws IOException {
        load(dockerArchive);
        users.add(id -> id.toString().equals(busybox.id()) ? List.of("container 3f3b11fcbaa4") : List.of());
        assertThatThrownBy(() -> store.remove("busybox", false, false)).isInstanceOf(ConflictException.class)
                .hasMessage("conflict: unable to remove repository reference \"busybox\" (must force) - "
                        + "container 3f3b11fcbaa4 is using its referenced image " + Digest.parse(busybox.id()).shortHex());
        assertThat(store.remove("busybox", true, false)).extracting(Object::toString).containsExactly("Untagged: busybox:latest");
        List<Image> images = store.list();
        assertThat(images).hasSize(1);
        assertThat(images.get(0).dangling()).isTrue();
        assertThat(store.prune(false).removed()).as("in use: not pruned").isEmpty();
        users.clear();
        PruneResult pruned = store.prune(false);
        assertThat(pruned.removed()).extracting(Object::toString).containsExactly("Deleted: " + busybox.id());
        assertThat(pruned.reclaimed()).isGreaterThan(1_000_000);
    }

    @Test
    void pruneAllRemovesEveryUnusedImage() throws IOException {
        load(dockerArchive);
        assertThat(store.prune(false).removed()).isEmpty();
        assertThat(store.prune(true).removed()).extracting(Object::toString)
                .containsExactly("Untagged: busybox:latest", "Deleted: " + busybox.id());
    }

    @Test
    void importMakesAOneLayerImageWithChanges() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(busybox.layers().get(0));
        }
        Image image = store.importRootfs(new ByteArrayInputStream(gz.toByteArray()), new ImportOptions(
                ImageReference.parse("imported:v1"), "", List.of("CMD [\"sh\", \"-c\", \"echo hi\"]", "ENV A=1 B=\"two words\"",
                "WORKDIR /tmp", "EXPOSE 8080", "LABEL owner=berth"), "rootfs.tar.gz"));
        assertThat(image.repoTags()).containsExactly("imported:v1");
        ImageDetails d = store.inspect("imported:v1");
        assertThat(d.config().config().cmd()).containsExactly("sh", "-c", "echo hi");
        assertThat(d.config().config().env()).containsExactly("A=1", "B=two words");
        assertThat(d.config().config().workingDir()).isEqualTo("/tmp");
        assertThat(d.config().config().exposedPorts()).containsExactly("8080/tcp");
        assertThat(d.config().config().labels()).containsEntry("owner", "berth");
        assertThat(d.config().history().get(0).comment()).isEqualTo("Imported from rootfs.tar.gz");
        assertThat(d.config().diffIds()).extracting(Digest::toString).containsExactly(busybox.diffIds().get(0));
        assertThatThrownBy(() -> store.importRootfs(new ByteArrayInputStream(busybox.layers().get(0)),
                new ImportOptions(null, "", List.of("RUN rm -rf /"), "-"))).hasMessage("run is not a valid change command");
        assertThatThrownBy(() -> store.importRootfs(new ByteArrayInputStream("not a tar".repeat(200).getBytes()),
                new ImportOptions(null, "", List.of(), "-"))).hasMessageContaining("not a tar");
    }

    @Test
    void corruptArchivesFailWithoutLeavingAnything() throws IOException {
        load(dockerArchive);
        long blobs = blobCount();
        List<Image> before = store.list();

        // An OCI archive whose layer blob does not hash to its name.
        Path layout = tmp.resolve("layout");
        busybox.writeOciLayout(layout, "docker.io/library/evil:1");
        Path layer;
        try (var files = Files.list(layout.resolve("blobs/sha256"))) {
            layer = files.filter(p -> p.toFile().length() > 100_000).findFirst().orElseThrow();
        }
        byte[] content = Files.readAllBytes(layer);
        content[content.length / 2] ^= 0x55;
        Files.write(layer, content);
        assertThatThrownBy(() -> load(tarOf(layout))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("digest mismatch");

        // A docker archive whose layer does not match the config's diff id.
        byte[] tampered = replace(dockerArchive, "added by the second layer", "ADDED BY THE SECOND LAYER");
        assertThatThrownBy(() -> load(tampered)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("does not match diff id");

        // Truncated, and not an archive at all.
        assertThatThrownBy(() -> load(java.util.Arrays.copyOf(dockerArchive, dockerArchive.length / 2)))
                .isInstanceOf(InvalidArgumentException.class).hasMessage("Error processing tar file(exit status 1): unexpected EOF");
        assertThatThrownBy(() -> load("hello".repeat(300).getBytes())).isInstanceOf(InvalidArgumentException.class);
        byte[] badManifest = new Tars().file("manifest.json", "{not json").bytes();
        assertThatThrownBy(() -> load(badManifest)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("manifest.json");

        assertThat(store.list()).isEqualTo(before);
        assertThat(blobCount()).isEqualTo(blobs);
        try (var leftovers = Files.list(tmp.resolve("root/content/ingest"))) {
            assertThat(leftovers).isEmpty();
        }
        // A reopened store sees the same.
        store.close();
        store = open();
        assertThat(store.list()).isEqualTo(before);
    }

    @Test
    void concurrentLoadsOfOneImageMakeOneImage() throws Exception {
        Thread[] threads = new Thread[3];
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    load(dockerArchive);
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(store.list()).hasSize(1);
    }

    private static byte[] replace(byte[] data, String from, String to) {
        String s = new String(data, StandardCharsets.ISO_8859_1);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] tarOf(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.berth.layers.tar.TarWriter tar = new io.berth.layers.tar.TarWriter(out);
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                String name = dir.relativize(p).toString();
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    io.berth.layers.tar.TarHeader h = new io.berth.layers.tar.TarHeader(name + "/", io.berth.layers.tar.TarHeader.DIRECTORY);
                    h.mode = 0755;
                    tar.putEntry(h);
                } else {
                    byte[] b = Files.readAllBytes(p);
                    io.berth.layers.tar.TarHeader h = new io.berth.layers.tar.TarHeader(name, io.berth.layers.tar.TarHeader.REGULAR);
                    h.mode = 0644;
                    h.size = b.length;
                    tar.putEntry(h);
                    tar.write(b, 0, b.length);
                }
            }
        }
        tar.finish();
        return out.toByteArray();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    /** A layer's files' bytes: regular files once, link targets, as docker's DiffSize counts them. */
    private static long contentSize(byte[] layer) throws IOException {
        io.berth.layers.tar.TarReader r = new io.berth.layers.tar.TarReader(new java.io.ByteArrayInputStream(layer));
        long size = 0;
        for (io.berth.layers.tar.TarHeader h = r.next(); h != null; h = r.next()) {
            size += h.isRegular() ? h.size : h.type == io.berth.layers.tar.TarHeader.SYMLINK ? h.linkName.length() : 0;
        }
        return size;
    }
}
