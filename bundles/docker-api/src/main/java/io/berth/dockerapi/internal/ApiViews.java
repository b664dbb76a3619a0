package io.berth.dockerapi.internal;

import io.berth.api.container.ContainerService;
import io.berth.api.engine.Engine;
import io.berth.api.image.ImageStore;
import io.berth.views.SystemView;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /version} and {@code /info} in the shapes of docker's {@code types.Version} and
 * {@code system.Info}, built from the same view as the shell's {@code version} and {@code info}:
 * the fields clients decode keep docker's types ({@code Runtimes} a map, {@code Swarm} inactive).
 */
final class ApiViews {
    private ApiViews() {
    }

    /**
     * docker's {@code /version}. {@code Version} is the Docker release whose API is served, with
     * Berth's own version as build metadata (Testcontainers requires at least 1.6.0 there).
     */
    static Map<String, Object> version(Engine engine) {
        String version = Versions.ENGINE + "+berth." + engine.version();
        String kernel = System.getProperty("os.version");
        String arch = io.berth.api.content.Platform.host().architecture();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ApiVersion", Versions.CURRENT);
        details.put("Arch", arch);
        details.put("BuildTime", "");
        details.put("Experimental", "false");
        details.put("GitCommit", "");
        details.put("GoVersion", "java" + System.getProperty("java.version"));
        details.put("KernelVersion", kernel);
        details.put("MinAPIVersion", Versions.MIN);
        details.put("Os", "linux");
        Map<String, Object> engineComponent = new LinkedHashMap<>();
        engineComponent.put("Name", "Engine");
        engineComponent.put("Version", version);
        engineComponent.put("Details", details);
        Map<String, Object> berth = new LinkedHashMap<>();
        berth.put("Name", "Berth");
        berth.put("Version", engine.version());
        berth.put("Details", Map.of("JavaVersion", System.getProperty("java.version")));
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Platform", Map.of("Name", "Berth " + engine.version()));
        v.put("Components", List.of(engineComponent, berth));
        v.put("Version", version);
        v.put("ApiVersion", Versions.CURRENT);
        v.put("MinAPIVersion", Versions.MIN);
        v.put("GitCommit", "");
        v.put("GoVersion", "java" + System.getProperty("java.version"));
        v.put("Os", "linux");
        v.put("Arch", arch);
        v.put("KernelVersion", kernel);
        v.put("BuildTime", "");
        return v;
    }

    /** docker's {@code /info}, from the shell's {@code info} view. */
    static Map<String, Object> info(Services services) throws IOException {
        ContainerService containers = services.containerService().get();
        ImageStore images = services.imageStore().get();
        Map<String, Object> view = SystemView.info(services.engine(), services.drivers(), containers, images,
                services.context());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("ID", String.valueOf(view.get("Name")));
        for (String key : List.of("Containers", "ContainersRunning", "ContainersPaused", "ContainersStopped", "Images",
                "Driver")) {
            info.put(key, view.get(key));
        }
        info.put("DriverStatus", List.of());
        info.put("Plugins", view.get("Plugins"));
        info.put("MemoryLimit", true);
        info.put("SwapLimit", true);
        info.put("CpuCfsPeriod", true);
        info.put("CpuCfsQuota", true);
        info.put("CPUShares", true);
        info.put("CPUSet", true);
        info.put("PidsLimit", true);
        info.put("IPv4Forwarding", true);
        info.put("Debug", false);
        info.put("NFd", 0);
        info.put("NGoroutines", Thread.activeCount());
        info.put("SystemTime", Instant.now().toString());
        info.put("LoggingDriver", "json-file");
        info.put("CgroupDriver", "cgroupfs");
        info.put("CgroupVersion", "2");
        info.put("NEventsListener", 0);
        info.put("KernelVersion", view.get("KernelVersion"));
        info.put("OperatingSystem", view.get("OperatingSystem"));
        info.put("OSVersion", "");
        info.put("OSType", "linux");
        info.put("Architecture", view.get("Architecture"));
        info.put("IndexServerAddress", "https://index.docker.io/v1/");
        Map<String, Object> registry = new LinkedHashMap<>();
        registry.put("InsecureRegistryCIDRs", List.of("127.0.0.0/8"));
        registry.put("IndexConfigs", Map.of());
        registry.put("Mirrors", List.of());
        info.put("RegistryConfig", registry);
        info.put("NCPU", view.get("NCPU"));
        info.put("MemTotal", view.get("MemTotal"));
        info.put("DockerRootDir", view.get("BerthRootDir"));
        info.put("Name", view.get("Name"));
        info.put("Labels", List.of());
        info.put("ExperimentalBuild", false);
        info.put("ServerVersion", Versions.ENGINE + "+berth." + services.engine().version());
        Map<String, Object> runtimes = new LinkedHashMap<>();
        Object names = view.get("Runtimes");
        if (names instanceof List<?> list) {
            for (Object name : list) {
                runtimes.put(String.valueOf(name), Map.of("path", String.valueOf(name)));
            }
        }
        info.put("Runtimes", runtimes);
        info.put("DefaultRuntime", view.get("DefaultRuntime"));
        Map<String, Object> swarm = new LinkedHashMap<>();
        swarm.put("NodeID", "");
        swarm.put("NodeAddr", "");
        swarm.put("LocalNodeState", "inactive");
        swarm.put("ControlAvailable", false);
        swarm.put("Error", "");
        swarm.put("RemoteManagers", null);
        info.put("Swarm", swarm);
        info.put("LiveRestoreEnabled", true);
        info.put("Isolation", "");
        info.put("InitBinary", view.get("InitBinary"));
        info.put("SecurityOptions", view.get("SecurityOptions"));
        info.put("Warnings", new ArrayList<>());
        return info;
    }
}
