package io.berth.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A small real image built offline from the host's static busybox, with two layers:
 * <ol>
 * <li>the base: {@code /bin/busybox}, every applet a hard link to it (as in the official busybox
 * image), the usual top-level directories, {@code /etc/passwd}, {@code /etc/group} and
 * {@code /etc/motd};</li>
 * <li>a layer that adds {@code /etc/berth-fixture}, a file with a name longer than 100 characters
 * (a PAX header), a home directory owned by 1000:1000, and deletes {@code /etc/motd} with a
 * whiteout.</li>
 * </ol>
 * Its config has {@code Cmd ["sh"]}, a PATH, a label and three history entries (one empty).
 * Everything is deterministic: for a given busybox binary the digests are the same on every run.
 * It is written as an OCI image layout (gzip layers) and as a {@code docker save} archive
 * (uncompressed layers).
 */
public final class BusyboxImage {
    /** The time every file and history entry carries. */
    public static final Instant CREATED = Instant.parse("2024-01-01T00:00:00Z");
    /** The file the second layer adds. */
    public static final String ADDED_FILE = "etc/berth-fixture";
    /** The file the first layer has and the second deletes. */
    public static final String DELETED_FILE = "etc/motd";
    /** The long name the second layer adds, to need a PAX header. */
    public static final String LONG_NAME = "usr/share/berth/" + "a-file-name-longer-than-one-hundred-characters-".repeat(3) + "end.txt";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    private final List<byte[]> layers;
    private final byte[] config;

    private BusyboxImage(List<byte[]> layers, byte[] config) {
        this.layers = layers;
        this.config = config;
    }

    /** The host's static busybox; tests that need it call {@link Requirements#require} first. */
    public static Path busybox() {
        for (String candidate : List.of("/bin/busybox", "/usr/bin/busybox")) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Whether the fixture can be built here, i.e. busybox-static is installed. */
    public static boolean available() {
        return busybox() != null;
    }

    /** Builds the image from the host's busybox. */
    public static BusyboxImage build() throws IOException {
        Path busybox = busybox();
        if (busybox == null) {
            throw new IOException("busybox is not installed (apt-get install busybox-static)");
        }
        List<String> applets = applets(busybox);
        List<byte[]> layers = List.of(baseLayer(busybox, applets), secondLayer());
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        c.put("created", CREATED.toString());
        c.put("author", "Berth test fixtures");
        ObjectNode cfg = c.putObject("config");
        cfg.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        cfg.putArray("Cmd").add("sh");
        cfg.put("WorkingDir", "/");
        cfg.putObject("Labels").put("org.berth.fixture", "busybox");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        for (byte[] layer : layers) {
            diffIds.add(sha256(layer));
        }
        ArrayNode history = c.putArray("history");
        history.addObject().put("created", CREATED.toString())
                .put("created_by", "/bin/sh -c #(nop) ADD file:busybox in / ");
        history.addObject().put("created", CREATED.toString())
                .put("created_by", "/bin/sh -c #(nop) ADD file:fixture in /etc/ ").put("comment", "second layer");
        history.addObject().put("created", CREATED.toString())
                .put("created_by", "/bin/sh -c #(nop)  CMD [\"sh\"]").put("empty_layer", true);
        return new BusyboxImage(layers, JSON.writeValueAsBytes(c));
    }

    /**
     * This image with more layers on top (uncompressed tars, lowest first): its config lists
     * their diff ids and a history entry for each.
     */
    public BusyboxImage plus(List<byte[]> more) throws IOException {
        List<byte[]> all = new ArrayList<>(layers);
        all.addAll(more);
        ObjectNode c = (ObjectNode) JSON.readTree(config);
        ArrayNode diffIds = ((ObjectNode) c.get("rootfs")).putArray("diff_ids");
        for (byte[] layer : all) {
            diffIds.add(sha256(layer));
        }
        ArrayNode history = (ArrayNode) c.get("history");
        for (int i = 0; i < more.size(); i++) {
            history.addObject().put("created", CREATED.toString()).put("created_by", "crafted layer " + (i + 1));
        }
        return new BusyboxImage(all, JSON.writeValueAsBytes(c));
    }

    /** The uncompressed layer tars, base first. */
    public List<byte[]> layers() {
        return layers;
    }

    /** The image config (Docker's format, which OCI's is a subset of). */
    public byte[] config() {
        return config;
    }

    /** The image id: {@code sha256:} of the config. */
    public String id() {
        return sha256(config);
    }

    /** The layers' diff ids, base first. */
    public List<String> diffIds() {
        List<String> ids = new ArrayList<>();
        for (byte[] l : layers) {
            ids.add(sha256(l));
        }
        return ids;
    }

    /**
     * Unpacks the image into {@code dir} (created if absent) as a container's root filesystem,
     * with owners and modes, each layer's whiteouts applied to the layers below. Uses the host's
     * tar (owners need root).
     */
    public void writeRootfs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (byte[] layer : layers) {
            Process tar = new ProcessBuilder("tar", "-C", dir.toString(), "-xpf", "-", "--numeric-owner")
                    .redirectErrorStream(true).start();
            try (var in = tar.getOutputStream()) {
                in.write(layer);
            }
            String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (tar.waitFor() != 0) {
                    throw new IOException("tar could not unpack a layer of the busybox image: " + out.strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while unpacking the busybox image");
            }
            try (var entries = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                    new java.io.ByteArrayInputStream(layer))) {
                for (TarArchiveEntry e; (e = entries.getNextEntry()) != null; ) {
                    Path entry = Path.of(e.getName());
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".wh.")) {
                        Path parent = entry.getParent() == null ? dir : dir.resolve(entry.getParent().toString());
                        Files.deleteIfExists(parent.resolve(name));
                        Files.deleteIfExists(parent.resolve(name.substring(4)));
                    }
                }
            }
        }
    }

    /**
     * Writes an OCI image layout to {@code dir} (created if absent) with one manifest, gzip layers,
     * and the index entry annotated {@code org.opencontainers.image.ref.name=TAG}.
     *
     * @return the manifest's digest
     */
    public String writeOciLayout(Path dir, String tag) throws IOException {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        ObjectNode configDescriptor = manifest.putObject("config");
        configDescriptor.put("mediaType", "application/vnd.oci.image.config.v1+json");
        configDescriptor.put("digest", writeBlob(dir, config));
        configDescriptor.put("size", config.length);
        ArrayNode layerArray = manifest.putArray("layers");
        for (byte[] layer : layers) {
            byte[] gz = gzip(layer);
            layerArray.addObject().put("mediaType", OCI_LAYER_GZIP).put("digest", writeBlob(dir, gz)).put("size", gz.length);
        }
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = writeBlob(dir, manifestBytes);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ObjectNode entry = index.putArray("manifests").addObject();
        entry.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        entry.put("digest", manifestDigest);
        entry.put("size", manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        entry.putObject("platform").put("architecture", "amd64").put("os", "linux");
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
        return manifestDigest;
    }

    /**
     * Writes a {@code docker save} archive: {@code manifest.json}, {@code repositories}, the
     * config as {@code HEX.json} and each layer as {@code HEX/layer.tar}.
     */
    public void writeDockerArchive(Path file, String repoTag) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        String configHex = id().substring(7);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(tmp))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<String> layerPaths = new ArrayList<>();
            String parent = null;
            for (byte[] layer : layers) {
                String hex = sha256(layer).substring(7);
                directory(tar, hex + "/", 0755, 0, 0);
                file(tar, hex + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
                ObjectNode v1 = JSON.createObjectNode().put("id", hex).put("created", CREATED.toString());
                if (parent != null) {
                    v1.put("parent", parent);
                }
                file(tar, hex + "/json", JSON.writeValueAsBytes(v1), 0644, 0, 0);
                file(tar, hex + "/layer.tar", layer, 0644, 0, 0);
                layerPaths.add(hex + "/layer.tar");
                parent = hex;
            }
            file(tar, configHex + ".json", config, 0644, 0, 0);
            ArrayNode manifest = JSON.createArrayNode();
            ObjectNode m = manifest.addObject();
            m.put("Config", configHex + ".json");
            m.putArray("RepoTags").add(repoTag);
            ArrayNode layerArray = m.putArray("Layers");
            layerPaths.forEach(layerArray::add);
            file(tar, "manifest.json", JSON.writeValueAsBytes(manifest), 0644, 0, 0);
            int colon = repoTag.lastIndexOf(':');
            ObjectNode repositories = JSON.createObjectNode();
            repositories.putObject(repoTag.substring(0, colon)).put(repoTag.substring(colon + 1), parent);
            file(tar, "repositories", JSON.writeValueAsBytes(repositories), 0644, 0, 0);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code sha256:HEX} of some bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String writeBlob(Path layout, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Files.write(layout.resolve("blobs/sha256").resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static List<String> applets(Path busybox) throws IOException {
        Process p = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
        List<String> names = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (!name.isEmpty() && !name.equals("busybox") && name.matches("[A-Za-z0-9_.+\\[-]+")) {
                names.add(name);
            }
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException(busybox + " --list failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        names.sort(null);
        return names;
    }

    private static byte[] baseLayer(Path busybox, List<String> applets) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String d : List.of("bin/", "dev/", "etc/", "home/", "proc/", "sys/", "usr/", "usr/bin/", "usr/sbin/",
                    "var/", "var/spool/")) {
                directory(tar, d, 0755, 0, 0);
            }
            directory(tar, "root/", 0700, 0, 0);
            directory(tar, "tmp/", 01777, 0, 0);
            file(tar, "bin/busybox", Files.readAllBytes(busybox), 0755, 0, 0);
            for (String applet : applets) {
                TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_LINK);
                link.setLinkName("bin/busybox");
                // As docker writes hard links: with their file's mode, which extractors apply to the file.
                link.setMode(0100755);
                link.setModTime(CREATED.toEpochMilli());
                tar.putArchiveEntry(link);
                tar.closeArchiveEntry();
            }
            file(tar, "etc/passwd", ("root:x:0:0:root:/root:/bin/sh\n"
                    + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
                    + "user:x:1000:1000:Fixture User:/home/user:/bin/sh\n"
                    + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n").getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
            file(tar, "etc/group", ("root:x:0:\ndaemon:x:1:\nwheel:x:10:root,user\nusers:x:100:user\n"
                    + "user:x:1000:\nnogroup:x:65534:\n").getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
            file(tar, DELETED_FILE, "Berth busybox fixture, base layer\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        }
        return out.toByteArray();
    }

    private static byte[] secondLayer() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            directory(tar, "etc/", 0755, 0, 0);
            file(tar, ADDED_FILE, "added by the second layer\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
            file(tar, "etc/.wh.motd", new byte[0], 0644, 0, 0);
            directory(tar, "home/user/", 0750, 1000, 1000);
            directory(tar, "usr/share/", 0755, 0, 0);
            directory(tar, "usr/share/berth/", 0755, 0, 0);
            file(tar, LONG_NAME, "long name\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0);
        }
        return out.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String name, int mode, int uid, int gid) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_DIR);
        e.setMode(040000 | mode);
        e.setIds(uid, gid);
        e.setModTime(CREATED.toEpochMilli());
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode, int uid, int gid)
            throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100000 | mode);
        e.setIds(uid, gid);
        e.setSize(content.length);
        e.setModTime(CREATED.toEpochMilli());
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** Writes the fixture for scripts and benchmarks: {@code oci DIR TAG} or {@code docker-archive FILE REPO:TAG}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !(args[0].equals("oci") || args[0].equals("docker-archive"))) {
            System.err.println("usage: BusyboxImage oci DIR TAG | docker-archive FILE REPO:TAG");
            System.exit(2);
        }
        BusyboxImage image = build();
        if (args[0].equals("oci")) {
            image.writeOciLayout(Path.of(args[1]), args[2]);
        } else {
            image.writeDockerArchive(Path.of(args[1]), args[2]);
        }
    }
}
