package io.berth.volumes.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.volume.VolumeDriver;
import io.berth.posix.MsFlags;
import io.berth.posix.Native;
import io.berth.posix.Trees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Docker's {@code local} volume driver: each volume is a directory, {@code ROOT/NAME}, whose data is
 * {@code ROOT/NAME/_data} and whose options are {@code ROOT/NAME/opts.json}. A volume made with
 * options ({@link LocalVolumeOptions}: {@code type}, {@code device}, {@code o}) has that filesystem
 * mounted on {@code _data} while it has users: mounted when the first user mounts it, unmounted
 * when the last one is done.
 *
 * <p>Users are counted in memory, once each however often they mount. When the engine starts
 * again, the kernel still has the mounts the previous run made, and the container service mounts
 * the volumes of running containers again: whether {@code _data} is already mounted is asked of
 * {@code /proc/self/mountinfo}, so a second mount is never stacked on the first.
 *
 * <p>A volume appears whole: it is made under a temporary name ({@code .NAME.tmp-RANDOM}, which no
 * volume name can be, since they begin with a letter or digit) and renamed into place; it is renamed
 * away ({@code .NAME.rm-RANDOM}) before its files are deleted. What a crash leaves of either is
 * deleted when the driver starts. Calls for one volume run one at a time.
 */
final class LocalVolumeDriver implements VolumeDriver {
    /** The driver's name, which volumes record. */
    static final String NAME = "local";
    static final String DATA = "_data";
    static final String OPTIONS = "opts.json";

    private static final System.Logger LOG = System.getLogger(LocalVolumeDriver.class.getName());
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** More than one mount stacked on {@code _data} is a mistake; unmounting stops after this many. */
    private static final int MAX_STACKED = 16;

    private final Path root;
    /** Each volume's users; read and changed under the volume's lock. */
    private final Map<String, Set<String>> users = new HashMap<>();
    private final Stripes locks = new Stripes(64);

    /**
     * @param root where volumes are kept ({@code <engine root>/volumes}); made if missing
     */
    LocalVolumeDriver(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            // Docker's: the volumes' directories are not listed to other users; their data is reachable
            // by those who know the path (containers running as other users).
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx-----x"));
        }
        // Mountinfo has paths without links: compare with the real path.
        this.root = root.toRealPath();
        deleteLeftovers();
    }

    /** Where volumes are kept. */
    Path root() {
        return root;
    }

    @Override
    public Path create(String name, Map<String, String> options) throws IOException {
        checkName(name);
        LocalVolumeOptions.parse(options);
        byte[] opts = JSON.writeValueAsBytes(options == null ? Map.of() : new TreeMap<>(options));
        try (Stripes.Held held = locks.hold(name)) {
            Path dir = root.resolve(name);
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                // Made before, and the engine has no record of it (a crash between this and the
                // engine's record): the data stays, with the options given now.
                Path data = Files.createDirectories(dir.resolve(DATA));
                AtomicFiles.write(dir, OPTIONS, opts);
                return data;
            }
            Path tmp = root.resolve("." + name + ".tmp-" + random());
            try {
                Files.createDirectory(tmp);
                Path data = Files.createDirectory(tmp.resolve(DATA));
                Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
                AtomicFiles.write(tmp, OPTIONS, opts);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                try {
                    Trees.delete(tmp);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw new IOException("create volume " + name + ": " + e.getMessage(), e);
            }
            return dir.resolve(DATA);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Refused while the volume has users ({@link ConflictException}); a filesystem still
     * mounted on it without users (mounted by an earlier run of the engine) is unmounted first.
     * Nothing is deleted while anything is mounted under the volume's directory, so the files of a
     * bind-mounted host directory are never touched.
     */
    @Override
    public void remove(String name, Map<String, String> options) throws IOException {
        checkName(name);
        try (Stripes.Held held = locks.hold(name)) {
            Set<String> current = users.get(name);
            if (current != null && !current.isEmpty()) {
                throw new ConflictException("volume " + name + " has active mounts");
            }
            Path dir = root.resolve(name);
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            unmountAll(name, dir.resolve(DATA));
            List<String> mounted = MountTable.under(dir);
            if (!mounted.isEmpty()) {
                throw new IOException("remove volume " + name + ": still mounted at " + String.join(", ", mounted));
            }
            Path doomed = root.resolve("." + name + ".rm-" + random());
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            Trees.delete(doomed);
        }
    }

    @Override
    public Path mount(String name, Map<String, String> options, String user) throws IOException {
        checkName(name);
        LocalVolumeOptions opts = LocalVolumeOptions.parse(options);
        try (Stripes.Held held = locks.hold(name)) {
            Path data = root.resolve(name).resolve(DATA);
            if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
                throw new NotFoundException("get " + name + ": no such volume");
            }
            // Asked of the kernel, not of the count: after the engine's restart the count is empty
            // while the filesystem is still mounted for running containers.
            if (opts.needsMount() && !MountTable.isMountPoint(data)) {
                mountFilesystem(name, opts, data);
            }
            users.computeIfAbsent(name, k -> new HashSet<>()).add(user);
            return data;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A user the driver does not know (mounted by an earlier run of the engine) counts as the
     * last one when no other user is known: the filesystem is unmounted.
     */
    @Override
    public void unmount(String name, Map<String, String> options, String user) throws IOException {
        checkName(name);
        try (Stripes.Held held = locks.hold(name)) {
            Set<String> current = users.get(name);
            if (current != null) {
                current.remove(user);
                if (!current.isEmpty()) {
                    return;
                }
                users.remove(name);
            }
            unmountAll(name, root.resolve(name).resolve(DATA));
        }
    }

    /** The bytes of the files in the volume's data, each hard-linked file once, links not followed. */
    @Override
    public long size(String name, Map<String, String> options) throws IOException {
        checkName(name);
        Path data = root.resolve(name).resolve(DATA);
        if (!Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
            return -1;
        }
        return Trees.usage(data)[0];
    }

    /** The users of a volume now (for tests and diagnostics). */
    Set<String> users(String name) {
        try (Stripes.Held held = locks.hold(name)) {
            Set<String> current = users.get(name);
            return current == null ? Set.of() : Set.copyOf(current);
        }
    }

    /**
     * Mounts as docker's mount package does: the filesystem with its flags (propagation flags
     * apart, which mount(2) takes only alone), then the propagation, then a read-only bind mount's
     * remount (a bind mount ignores {@code MS_RDONLY} on the first call).
     */
    private static void mountFilesystem(String name, LocalVolumeOptions opts, Path data) throws IOException {
        String device = opts.device();
        if (device == null || device.isEmpty()) {
            throw new InvalidArgumentException("missing device in volume options");
        }
        String type = opts.type() == null || opts.type().isEmpty() ? null : opts.type();
        LocalVolumeOptions.MountFlags f = LocalVolumeOptions.flags(opts.o());
        long flags = f.flags();
        long plain = flags & ~MsFlags.PROPAGATION;
        boolean mounted = false;
        try {
            if ((flags & MsFlags.MS_REMOUNT) == 0 || !f.data().isEmpty()) {
                Native.mount(device, data, type, plain, f.data().isEmpty() ? null : f.data());
                mounted = true;
            }
            if ((flags & MsFlags.PROPAGATION) != 0) {
                Native.mount("", data, null, flags & (MsFlags.PROPAGATION | MsFlags.MS_REC
                        | MsFlags.MS_SILENT), null);
            }
            long readOnlyBind = MsFlags.MS_BIND | MsFlags.MS_RDONLY;
            if ((plain & readOnlyBind) == readOnlyBind) {
                Native.mount("", data, null, plain | MsFlags.MS_REMOUNT, null);
            }
        } catch (IOException e) {
            if (mounted) {
                try {
                    Native.umount(data, Native.MNT_DETACH);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
            }
            throw new IOException("failed to mount local volume " + name + ": " + e.getMessage(), e);
        }
    }

    /** Unmounts whatever is mounted on a volume's data (detached, as docker does: a busy mount goes too). */
    private static void unmountAll(String name, Path data) throws IOException {
        for (int i = 0; i < MAX_STACKED && MountTable.isMountPoint(data); i++) {
            try {
                Native.umount(data, Native.MNT_DETACH);
            } catch (IOException e) {
                throw new IOException("unmount local volume " + name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A name the engine checked (docker's rule) is one path segment; this guards the directory
     * against any other caller: no separator, nothing that begins with a dot (the driver's own
     * temporary names, {@code .}, {@code ..}).
     */
    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new InvalidArgumentException("invalid name for a local volume: \"" + name + "\"");
        }
    }

    /** Deletes what a crash left of a volume being made or removed. */
    private void deleteLeftovers() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (!n.startsWith(".") || !(n.contains(".tmp-") || n.contains(".rm-"))) {
                    continue;
                }
                List<String> mounted = MountTable.under(p);
                if (!mounted.isEmpty()) {
                    LOG.log(System.Logger.Level.WARNING, "not deleting " + p + ": still mounted at " + mounted);
                    continue;
                }
                LOG.log(System.Logger.Level.INFO, "deleting " + p + ", left by an interrupted create or remove");
                Trees.delete(p);
            }
        }
    }

    private static String random() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
