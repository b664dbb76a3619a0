package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.UnavailableException;
import io.berth.api.container.HostConfig;
import io.berth.api.container.MountPoint;
import io.berth.api.container.MountSpec;
import io.berth.api.storage.Mount;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Containers' volumes, binds and tmpfs mounts through the engine's {@link VolumeService}: resolved
 * when a container is made (volumes named or made, the image's {@code VOLUME}s and
 * {@code --volumes-from} added, duplicates refused), mounted when it starts (an empty volume filled
 * from the image's content at its path the first time), unmounted when it ends, released when it is
 * removed (its anonymous volumes removed with {@code -v}). Every target is resolved inside the
 * container's root as docker resolves it, so no link in an image can make a mount land on the host.
 */
final class Volumes {
    private static final System.Logger LOG = System.getLogger(Volumes.class.getName());

    private final VolumeService volumes;

    Volumes(VolumeService volumes) {
        this.volumes = volumes;
    }

    private VolumeService service() {
        if (volumes == null) {
            throw new UnavailableException("volumes are not available in this engine");
        }
        return volumes;
    }

    /**
     * A new container's mounts: its own (volumes made as needed), then those of {@code --volumes-from}
     * and the image's {@code VOLUME}s at targets not taken; the container then uses its volumes. On
     * failure nothing it made is left.
     */
    List<MountSpec> resolve(String id, HostConfig host, List<String> imageVolumes, ContainerStore store) throws IOException {
        List<MountSpec> out = new ArrayList<>();
        Set<String> targets = new HashSet<>();
        for (String t : host.tmpfs().keySet()) {
            targets.add(cleanTarget(t));
        }
        List<String> made = new ArrayList<>();
        try {
            for (MountSpec m : host.mounts()) {
                String target = cleanTarget(m.target());
                if (!targets.add(target)) {
                    throw new InvalidArgumentException("Duplicate mount point: " + target);
                }
                switch (m.type()) {
                    case "bind" -> {
                        if (!m.source().startsWith("/")) {
                            throw new InvalidArgumentException("invalid mount config for type \"bind\": invalid mount path: '"
                                    + m.source() + "' mount path must be absolute");
                        }
                        if (!m.createHostPath() && !Files.exists(Path.of(m.source()))) {
                            throw new InvalidArgumentException("invalid mount config for type \"bind\": bind source path does "
                                    + "not exist: " + m.source());
                        }
                        out.add(withTarget(m, target, m.source()));
                    }
                    case "volume" -> {
                        Volume v = service().create(m.source().isEmpty() ? null : m.source(),
                                m.volumeDriver() != null ? m.volumeDriver() : host.volumeDriver(), m.volumeOptions(), Map.of());
                        if (m.source().isEmpty()) {
                            made.add(v.name());
                        }
                        out.add(withTarget(m, target, v.name()));
                    }
                    case "tmpfs" -> out.add(withTarget(m, target, ""));
                    default -> throw new InvalidArgumentException("invalid mount config: mount type unknown: \"" + m.type() + "\"");
                }
            }
            for (String from : host.volumesFrom()) {
                String[] f = from.split(":", 2);
                String mode = f.length > 1 ? f[1] : "";
                if (!mode.isEmpty() && !mode.equals("ro") && !mode.equals("rw")) {
                    throw new InvalidArgumentException("invalid mode: " + mode);
                }
                for (MountSpec m : store.find(f[0]).record.mounts()) {
                    if (m.type().equals("tmpfs") || !targets.add(m.target())) {
                        continue;
                    }
                    boolean ro = mode.isEmpty() ? m.readOnly() : mode.equals("ro");
                    out.add(new MountSpec(m.type(), m.source(), m.target(), ro, m.bindPropagation(), false, true,
                            m.volumeDriver(), m.volumeOptions(), 0, 0));
                }
            }
            // Without a volume service (an engine embedded without it) the image's VOLUME paths stay in the
            // container's own layer.
            for (String path : volumes == null ? List.<String>of() : imageVolumes) {
                String target = cleanTarget(path);
                if (targets.add(target)) {
                    Volume v = service().create(null, host.volumeDriver(), Map.of(), Map.of());
                    made.add(v.name());
                    out.add(new MountSpec("volume", v.name(), target, false, "", false, false, null, Map.of(), 0, 0));
                }
            }
            for (MountSpec m : out) {
                if (m.type().equals("volume")) {
                    service().use(m.source(), id);
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            for (MountSpec m : out) {
                if (m.type().equals("volume") && volumes != null) {
                    volumes.release(m.source(), id);
                }
            }
            for (String name : made) {
                try {
                    volumes.remove(name, true);
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    private static MountSpec withTarget(MountSpec m, String target, String source) {
        return new MountSpec(m.type(), source, target, m.readOnly(), m.bindPropagation(), m.createHostPath(), m.noCopy(),
                m.volumeDriver(), m.volumeOptions(), m.tmpfsSize(), m.tmpfsMode());
    }

    /** A mount target, absolute and cleaned ({@code /data/}, {@code /data/.} and {@code /x/../data} are {@code /data}). */
    static String cleanTarget(String target) {
        if (!target.startsWith("/")) {
            throw new InvalidArgumentException("invalid mount config: invalid mount path: '" + target
                    + "' mount path must be absolute");
        }
        List<String> parts = ContainerPaths.clean(target);
        if (parts.isEmpty()) {
            throw new InvalidArgumentException("invalid mount config: invalid specification: destination can't be '/'");
        }
        return "/" + String.join("/", parts);
    }

    /**
     * A starting container's mounts for its runtime, shallow ones first: each target resolved inside
     * its root (links followed there, never out of it) and made if missing; each volume mounted, and
     * filled from the image the first time when it is empty.
     */
    List<Mount> mount(ContainerRecord r, Path rootfs) throws IOException {
        List<MountSpec> specs = new ArrayList<>(r.mounts());
        specs.sort(Comparator.comparingInt(m -> m.target().split("/").length));
        List<Mount> out = new ArrayList<>();
        List<String> mounted = new ArrayList<>();
        try {
            for (MountSpec m : specs) {
                Path resolved = ContainerPaths.resolve(rootfs, m.target(), true);
                String target = "/" + rootfs.toAbsolutePath().normalize().relativize(resolved);
                switch (m.type()) {
                    case "tmpfs" -> {
                        ContainerPaths.mountPoint(rootfs, target, true, r.ids());
                        List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
                        if (m.tmpfsSize() > 0) {
                            options.add("size=" + m.tmpfsSize());
                        }
                        options.add("mode=" + Integer.toOctalString(m.tmpfsMode() == 0 ? 01777 : m.tmpfsMode()));
                        if (m.readOnly()) {
                            options.add("ro");
                        }
                        out.add(new Mount("tmpfs", "tmpfs", target, options));
                    }
                    case "bind" -> {
                        Path source = Path.of(m.source());
                        if (!Files.exists(source) && m.createHostPath()) {
                            Files.createDirectories(source);
                            r.ids().chownToRoot(source); // as docker makes it: the remapped root's
                        }
                        boolean directory = Files.isDirectory(source);
                        String propagation = m.bindPropagation().isEmpty() ? "rprivate" : m.bindPropagation();
                        HostMounts.checkPropagation(source, propagation);
                        ContainerPaths.mountPoint(rootfs, target, directory, r.ids());
                        out.add(new Mount("bind", m.source(), target, List.of("rbind", m.readOnly() ? "ro" : "rw", propagation)));
                    }
                    default -> {
                        VolumeService.Mounted v = service().mount(m.source(), r.id());
                        mounted.add(m.source());
                        boolean existed = Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS);
                        ContainerPaths.mountPoint(rootfs, target, true, r.ids());
                        if (v.fresh()) {
                            // A new volume is its first container's root's (a remapped one's), as docker's are.
                            r.ids().chownToRoot(v.path());
                            if (!m.noCopy() && existed) {
                                copyUp(resolved, v.path());
                            }
                            service().filled(m.source());
                        }
                        if (r.ids().remaps()) {
                            Remapping.searchable(v.path().resolve("."));
                        }
                        out.add(new Mount("bind", v.path().toString(), target, List.of("rbind", m.readOnly() ? "ro" : "rw")));
                    }
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            for (String name : mounted) {
                try {
                    volumes.unmount(name, r.id());
                } catch (IOException | RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
    }

    /** docker's copy-up: the image's files at the volume's path, with their owners, modes, times and links. */
    private static void copyUp(Path from, Path volume) throws IOException {
        try (var entries = Files.list(from)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        }
        try (var existing = Files.list(volume)) {
            if (existing.findAny().isPresent()) {
                return;
            }
        }
        Process p = new ProcessBuilder("cp", "-a", "--", from + "/.", volume + "/").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("cannot fill the volume at " + volume + " from the image: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while filling the volume at " + volume);
        }
    }

    /** A run ended: its volumes are released by the driver (unmounted after their last user). */
    void unmount(ContainerRecord r) {
        for (MountSpec m : r.mounts()) {
            if (m.type().equals("volume") && volumes != null) {
                try {
                    volumes.unmount(m.source(), r.id());
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot unmount volume " + m.source() + " of container "
                            + r.shortId() + ": " + e.getMessage());
                }
            }
        }
    }

    /** A removed container no longer uses its volumes; with {@code removeAnonymous}, its anonymous ones go. */
    void release(ContainerRecord r, boolean removeAnonymous) {
        if (volumes == null) {
            return;
        }
        for (MountSpec m : r.mounts()) {
            if (!m.type().equals("volume")) {
                continue;
            }
            volumes.release(m.source(), r.id());
            try {
                if (removeAnonymous && volumes.get(m.source()).anonymous() && volumes.users(m.source()).isEmpty()) {
                    volumes.remove(m.source(), true);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot remove volume " + m.source() + " of container " + r.shortId()
                        + ": " + e.getMessage());
            }
        }
    }

    /** After the engine started: every container's volumes are its again (and a running one's mounted). */
    void rebuild(Collection<ContainerStore.Entry> all) {
        if (volumes == null) {
            return;
        }
        for (ContainerStore.Entry e : all) {
            for (MountSpec m : e.record.mounts()) {
                if (m.type().equals("volume")) {
                    try {
                        volumes.use(m.source(), e.id());
                        if (e.state.running()) {
                            volumes.mount(m.source(), e.id());
                        }
                    } catch (IOException | RuntimeException ex) {
                        LOG.log(System.Logger.Level.WARNING, "volume " + m.source() + " of container " + e.record.shortId()
                                + ": " + ex.getMessage());
                    }
                }
            }
        }
    }

    /** A container's mounts as {@code inspect} shows them. */
    List<MountPoint> mountPoints(ContainerRecord r) {
        List<MountPoint> out = new ArrayList<>();
        for (MountSpec m : r.mounts()) {
            switch (m.type()) {
                case "bind" -> out.add(new MountPoint("bind", "", m.source(), m.target(), "", m.readOnly() ? "ro" : "",
                        !m.readOnly(), m.bindPropagation().isEmpty() ? "rprivate" : m.bindPropagation()));
                case "tmpfs" -> out.add(new MountPoint("tmpfs", "", "", m.target(), "", "", !m.readOnly(), ""));
                default -> {
                    String source = "";
                    String driver = "local";
                    if (volumes != null) {
                        try {
                            Volume v = volumes.get(m.source());
                            source = v.mountpoint();
                            driver = v.driver();
                        } catch (RuntimeException e) {
                            // Gone meanwhile: shown without its source.
                        }
                    }
                    out.add(new MountPoint("volume", m.source(), source, m.target(), driver, m.readOnly() ? "ro" : "z",
                            !m.readOnly(), ""));
                }
            }
        }
        return out;
    }
}
