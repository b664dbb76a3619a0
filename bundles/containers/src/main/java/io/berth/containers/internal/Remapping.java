package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.HostConfig;
import io.berth.posix.IdMap;
import io.berth.posix.SubordinateIds;
import io.berth.posix.UserNamespaces;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The engine's id remapping ({@code usernsRemap}, docker's {@code userns-remap}): which ids a new
 * container gets, and the user namespaces the engine holds to make id-mapped mounts for them.
 * The setting is read when a container is made and kept in its record, so changing it applies to
 * containers made afterwards; the others keep theirs.
 */
final class Remapping implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Remapping.class.getName());
    /** Directories {@link #searchable} saw searchable: each is checked once. */
    private static final java.util.Set<Path> SEARCHABLE = new java.util.HashSet<>();
    private final Supplier<String> setting;
    private final SubordinateIds subordinateIds;
    private final Map<String, SubordinateIds.Remap> resolved = new HashMap<>();
    private final Map<IdMap, UserNamespaces.Handle> namespaces = new HashMap<>();

    /** @param setting the {@code usernsRemap} setting now, {@code null} for none */
    Remapping(Supplier<String> setting, Path etc) {
        this.setting = setting;
        this.subordinateIds = new SubordinateIds(etc);
    }

    /** No remapping, ever. */
    static Remapping none() {
        return new Remapping(() -> null, Path.of("/etc"));
    }

    /**
     * The ids of a container being made with {@code host}: the engine's remapping unless it asks
     * for the host's namespace ({@code --userns=host}); {@code null} for the host's ids.
     */
    IdMap forNew(HostConfig host) throws IOException {
        SubordinateIds.Remap remap = current();
        if (remap == null || "host".equals(host.usernsMode())) {
            return null;
        }
        if (host.privileged()) {
            throw new InvalidArgumentException("privileged mode is incompatible with user namespaces.  You must run the "
                    + "container in the host namespace when running privileged mode");
        }
        return new IdMap(remap.uids(), remap.gids());
    }

    /** The remapping in effect for new containers, or {@code null}. */
    synchronized SubordinateIds.Remap current() throws IOException {
        String value = setting.get();
        if (value == null || value.isBlank()) {
            return null;
        }
        SubordinateIds.Remap remap = resolved.get(value);
        if (remap == null) {
            remap = subordinateIds.resolve(value.strip());
            resolved.put(value, remap);
        }
        return remap;
    }

    /** A user namespace with these ids, for id-mapped mounts; held until the engine stops. */
    synchronized int namespace(IdMap ids) throws IOException {
        UserNamespaces.Handle handle = namespaces.get(ids);
        if (handle == null) {
            handle = UserNamespaces.create(ids.uids(), ids.gids());
            namespaces.put(ids, handle);
        }
        return handle.fd();
    }

    /**
     * Lets a remapped container's root reach {@code path}: every directory above it gets search
     * permission for others if it lacks it (0700 becomes 0701), as docker makes its root 0711
     * under {@code userns-remap}. The runtime's init looks the container's root filesystem, its
     * {@code /etc} files and its volumes up by path as the mapped root, which is nobody on the
     * host. Nothing is made readable: search permission lets it reach only the paths it is given.
     */
    static void searchable(Path path) throws IOException {
        for (Path p = path.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            synchronized (SEARCHABLE) {
                if (SEARCHABLE.contains(p)) {
                    return;
                }
                java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = java.nio.file.Files.getPosixFilePermissions(p);
                if (!mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    mode.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                    java.nio.file.Files.setPosixFilePermissions(p, mode);
                    LOG.log(System.Logger.Level.INFO, "gave " + p + " search permission for remapped containers' roots");
                }
                SEARCHABLE.add(p);
            }
        }
    }

    @Override
    public synchronized void close() {
        namespaces.values().forEach(UserNamespaces.Handle::close);
        namespaces.clear();
    }
}
