package io.berth.views;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.content.Platform;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverState;
import io.berth.api.driver.DriverType;
import io.berth.api.engine.Engine;
import io.berth.api.engine.EngineSettings;
import io.berth.api.image.DiskUsage;
import io.berth.api.image.ImageStore;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine as docker's daemon describes itself: {@code info}, {@code version} and
 * {@code system df}, with Berth's own fields (drivers, bundles, the OSGi framework) beside
 * docker's. The container service and the image store may be absent (their bundles stopped): what
 * they would tell is then zero.
 */
public final class SystemView {
    private SystemView() {
    }

    /** {@code version}'s object. */
    public static Map<String, Object> version(Engine engine, BundleContext context) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Version", engine.version());
        v.put("JavaVersion", System.getProperty("java.version"));
        v.put("JavaVendor", System.getProperty("java.vendor"));
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        v.put("Framework", framework.getSymbolicName() + " " + framework.getVersion());
        Platform host = Platform.host();
        v.put("Os", host.os());
        v.put("Arch", host.architecture());
        v.put("KernelVersion", System.getProperty("os.version"));
        return v;
    }

    /** Id mappings as {@code CONTAINER:HOST:SIZE}, space-separated. */
    private static String ranges(List<io.berth.api.runtime.IdMapping> mappings) {
        return String.join(" ", mappings.stream().map(m -> m.containerId() + ":" + m.hostId() + ":" + m.size()).toList());
    }

    /**
     * {@code info}'s object.
     *
     * @param containers the container service, or {@code null}
     * @param images the image store, or {@code null}
     */
    public static Map<String, Object> info(Engine engine, DriverRegistry drivers, ContainerService containers,
                                           ImageStore images, BundleContext context) throws IOException {
        EngineSettings settings = engine.settings();
        List<DriverInfo> all = drivers.drivers();
        int running = 0;
        int paused = 0;
        int stopped = 0;
        if (containers != null) {
            for (Container c : containers.list(ContainerListOptions.ALL)) {
                switch (c.state().status()) {
                    case RUNNING -> running++;
                    case PAUSED -> paused++;
                    default -> stopped++;
                }
            }
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("Containers", running + paused + stopped);
        info.put("ContainersRunning", running);
        info.put("ContainersPaused", paused);
        info.put("ContainersStopped", stopped);
        info.put("Images", images == null ? 0 : images.list().size());
        info.put("ServerVersion", engine.version());
        info.put("Driver", nullToEmpty(drivers.defaultName(DriverType.STORAGE)));
        info.put("Plugins", plugins(all));
        info.put("Runtimes", available(all, DriverType.RUNTIME));
        info.put("DefaultRuntime", nullToEmpty(drivers.defaultName(DriverType.RUNTIME)));
        // As docker's: the init-path setting, or the name docker looks for when it is not set.
        info.put("InitBinary", settings.initPath() == null ? "docker-init" : settings.initPath().toString());
        info.put("Drivers", all.stream().map(SystemView::driver).toList());
        // As docker's: every container gets docker's default seccomp profile unless it says otherwise.
        List<String> security = new ArrayList<>(List.of("name=seccomp,profile=builtin"));
        if (settings.usernsRemap() != null) {
            // As docker's "name=userns"; the mapping is Berth's addition (docker shows it in its root's name).
            try {
                io.berth.api.container.Remap remap = containers == null ? null : containers.remap();
                security.add(remap == null ? "name=userns" : "name=userns,user=" + remap.user() + ":" + remap.group()
                        + ",uids=" + ranges(remap.uids()) + ",gids=" + ranges(remap.gids()));
            } catch (IOException | RuntimeException e) {
                security.add("name=userns,error=" + String.valueOf(e.getMessage()).replace(',', ';'));
            }
        }
        info.put("SecurityOptions", security);
        info.put("KernelVersion", System.getProperty("os.version"));
        info.put("OperatingSystem", HostFacts.operatingSystem());
        info.put("OSType", Platform.host().os());
        info.put("Architecture", HostFacts.machineArchitecture());
        info.put("NCPU", Runtime.getRuntime().availableProcessors());
        info.put("MemTotal", HostFacts.totalMemory());
        info.put("Name", HostFacts.hostname());
        info.put("BerthRootDir", settings.root().toString());
        info.put("RunRootDir", settings.runRoot().toString());
        info.put("InsecureRegistries", settings.insecureRegistries());
        info.put("RegistryConfigDir", settings.registryConfig().toString());
        info.put("UsernsRemap", nullToEmpty(settings.usernsRemap()));
        List<Map<String, Object>> bundles = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Id", b.getBundleId());
            row.put("SymbolicName", b.getSymbolicName());
            row.put("Version", b.getVersion().toString());
            row.put("State", bundleState(b.getState()));
            bundles.add(row);
        }
        info.put("Bundles", bundles);
        return info;
    }

    /**
     * Docker's {@code Plugins}: the volume and network drivers available, sorted by name as docker
     * lists them, beside the log driver Berth has; Berth has no authorization plugins.
     */
    static Map<String, Object> plugins(List<DriverInfo> all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Volume", available(all, DriverType.VOLUME).stream().sorted().distinct().toList());
        m.put("Network", available(all, DriverType.NETWORK).stream().sorted().distinct().toList());
        m.put("Authorization", null);
        m.put("Log", List.of("json-file"));
        return m;
    }

    /** A driver as {@code drivers} and {@code info} list it. */
    public static Map<String, Object> driver(DriverInfo d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("Type", d.type().label());
        row.put("Name", d.name());
        row.put("State", d.state().label());
        row.put("Default", d.isDefault());
        row.put("Bundle", d.bundle() == null ? "" : d.bundle());
        row.put("BundleVersion", d.bundleVersion() == null ? "" : d.bundleVersion());
        row.put("Ranking", d.ranking());
        row.put("Reason", d.reason() == null ? "" : d.reason());
        return row;
    }

    /**
     * {@code system df} without volumes: for images, containers, local volumes (none) and the
     * build cache, how many there are, how many are in use, the bytes they take and the bytes
     * removing the unused ones would free. Sizes in bytes.
     *
     * @param containers the container service, or {@code null}
     * @param images the image store, or {@code null}
     */
    public static List<Map<String, Object>> diskUsage(ContainerService containers, ImageStore images) throws IOException {
        return diskUsage(containers, images, null);
    }

    /**
     * {@code system df}: for images, containers, local volumes and the build cache, how many there
     * are, how many are in use, the bytes they take and the bytes removing the unused ones would
     * free. Sizes in bytes.
     *
     * @param containers the container service, or {@code null}
     * @param images the image store, or {@code null}
     * @param volumes the volume service, or {@code null}
     */
    public static List<Map<String, Object>> diskUsage(ContainerService containers, ImageStore images,
                                                      VolumeService volumes) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        DiskUsage u = images == null ? new DiskUsage(0, 0, 0, 0) : images.diskUsage();
        rows.add(usage("Images", u.images(), u.active(), u.size(), u.reclaimable()));
        int total = 0;
        int running = 0;
        long size = 0;
        long reclaimable = 0;
        if (containers != null) {
            for (Container c : containers.list(ContainerListOptions.builder().all(true).size(true).build())) {
                total++;
                long rw = Math.max(0, c.sizeRw());
                size += rw;
                switch (c.state().status()) {
                    case RUNNING, PAUSED -> running++;
                    default -> reclaimable += rw;
                }
            }
        }
        rows.add(usage("Containers", total, running, size, reclaimable));
        int volumeCount = 0;
        int volumesUsed = 0;
        long volumeSize = 0;
        long volumesReclaimable = 0;
        for (VolumeUsage v : localVolumes(volumes)) {
            volumeCount++;
            if (v.links() > 0) {
                volumesUsed++;
            }
            if (v.size() >= 0) {
                volumeSize += v.size();
                if (v.links() == 0) {
                    volumesReclaimable += v.size();
                }
            }
        }
        rows.add(usage("Local Volumes", volumeCount, volumesUsed, volumeSize, volumesReclaimable));
        rows.add(usage("Build Cache", 0, 0, 0, 0));
        return rows;
    }

    /**
     * A volume as {@code system df} counts it: how many containers refer to it, and its size in
     * bytes (-1 when its driver cannot tell).
     */
    public record VolumeUsage(Volume volume, int links, long size) {
    }

    /**
     * The volumes {@code system df} counts, by name: as docker's daemon, those of the
     * {@code local} driver made without options (one with options, a tmpfs or a network share,
     * is not local disk).
     *
     * @param volumes the volume service, or {@code null} (then none)
     */
    public static List<VolumeUsage> localVolumes(VolumeService volumes) {
        List<VolumeUsage> out = new ArrayList<>();
        if (volumes == null) {
            return out;
        }
        for (Volume v : volumes.list(io.berth.api.Filters.NONE)) {
            if (v.driver().equals("local") && v.options().isEmpty()) {
                try {
                    out.add(new VolumeUsage(v, volumes.users(v.name()).size(), volumes.size(v.name())));
                } catch (io.berth.api.NotFoundException e) {
                    // Removed since it was listed.
                }
            }
        }
        return out;
    }

    private static Map<String, Object> usage(String type, int total, int active, long size, long reclaimable) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Type", type);
        m.put("TotalCount", total);
        m.put("Active", active);
        m.put("Size", size);
        m.put("Reclaimable", reclaimable);
        return m;
    }

    /** The names of the drivers of a type that are available. */
    public static List<String> available(List<DriverInfo> all, DriverType type) {
        return all.stream().filter(d -> d.type() == type && d.state() == DriverState.AVAILABLE).map(DriverInfo::name).toList();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String bundleState(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "active";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.INSTALLED -> "installed";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            default -> "uninstalled";
        };
    }
}
