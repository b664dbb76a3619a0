package io.berth.dockerapi.internal;

import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.image.Image;
import io.berth.api.runtime.RuntimeStats;
import io.berth.api.volume.Volume;
import io.berth.views.ContainerView;
import io.berth.views.ImageView;
import io.berth.views.VolumeView;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code stats} (one sample, or a stream of one a second), {@code /system/df} and {@code /auth}. */
final class StatsRoutes {
    private final Services services;

    StatsRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.get("/containers/(.+)/stats", (x, m) -> stats(x, m.group(1)));
        r.get("/system/df", (x, m) -> x.json(200, diskUsage()));
        r.post("/auth", (x, m) -> {
            var body = x.json();
            String server = Json.nonEmpty(body, "serveraddress");
            String status = services.registry().login(server == null ? "https://index.docker.io/v1/" : server,
                    Json.text(body, "username"), Json.text(body, "password"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Status", status);
            out.put("IdentityToken", "");
            x.json(200, out);
        });
    }

    private void stats(Exchange x, String idOrName) throws Exception {
        ContainerService containers = services.containers();
        Container c = containers.get(idOrName);
        boolean stream = x.bool("stream", true) && !x.bool("one-shot");
        Exchange.Stream out = x.stream(200, "application/json");
        Map<String, Object> previous = null;
        do {
            Map<String, Object> now = sample(containers, c, previous);
            out.write(Json.line(now, "\n"));
            previous = now;
            if (stream) {
                Thread.sleep(1000);
            }
        } while (stream && !x.clientGone().isDone());
        out.close();
    }

    /** docker's {@code StatsResponse}: the counters it has, {@code precpu_stats} the previous sample's. */
    private static Map<String, Object> sample(ContainerService containers, Container c, Map<String, Object> previous)
            throws IOException {
        RuntimeStats s;
        try {
            s = containers.stats(c.id());
        } catch (io.berth.api.ConflictException notRunning) {
            s = new RuntimeStats(0, 0, 0, 0, 0, 0, 0, 0, System.nanoTime());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", Instant.now().toString());
        m.put("preread", previous == null ? "0001-01-01T00:00:00Z" : previous.get("read"));
        m.put("pids_stats", Map.of("current", s.pids()));
        List<Map<String, Object>> io = new ArrayList<>();
        io.add(blkio("read", s.blockRead()));
        io.add(blkio("write", s.blockWrite()));
        m.put("blkio_stats", Map.of("io_service_bytes_recursive", io));
        m.put("num_procs", 0);
        m.put("storage_stats", Map.of());
        Map<String, Object> cpu = new LinkedHashMap<>();
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("total_usage", s.cpuNanos());
        usage.put("usage_in_kernelmode", 0);
        usage.put("usage_in_usermode", 0);
        cpu.put("cpu_usage", usage);
        cpu.put("system_cpu_usage", systemCpuNanos());
        cpu.put("online_cpus", Runtime.getRuntime().availableProcessors());
        cpu.put("throttling_data", Map.of("periods", 0, "throttled_periods", 0, "throttled_time", 0));
        m.put("cpu_stats", cpu);
        m.put("precpu_stats", previous == null ? Map.of("cpu_usage", Map.of("total_usage", 0), "throttling_data", Map.of())
                : previous.get("cpu_stats"));
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("usage", s.memoryUsage());
        memory.put("stats", Map.of());
        memory.put("limit", s.memoryLimit());
        m.put("memory_stats", memory);
        m.put("name", "/" + c.name());
        m.put("id", c.id());
        m.put("networks", Map.of("eth0", Map.of("rx_bytes", s.netReceived(), "rx_packets", 0, "rx_errors", 0,
                "rx_dropped", 0, "tx_bytes", s.netSent(), "tx_packets", 0, "tx_errors", 0, "tx_dropped", 0)));
        return m;
    }

    private static Map<String, Object> blkio(String op, long value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("major", 0);
        m.put("minor", 0);
        m.put("op", op);
        m.put("value", value);
        return m;
    }

    /** The host's CPU time since boot, in nanoseconds ({@code /proc/stat}'s first line, in clock ticks of 1/100 s). */
    static long systemCpuNanos() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            long ticks = 0;
            for (String f : first.substring(3).strip().split("\\s+")) {
                ticks += Long.parseLong(f);
            }
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** docker's {@code /system/df}: images, containers and volumes with what they take, no build cache. */
    private Map<String, Object> diskUsage() throws IOException {
        ContainerService containers = services.containers();
        List<Container> all = containers.list(ContainerListOptions.builder().all(true).size(true).build());
        Map<String, Integer> users = new HashMap<>();
        all.forEach(c -> users.merge(c.imageId(), 1, Integer::sum));
        List<Map<String, Object>> images = new ArrayList<>();
        long layers = 0;
        for (Image i : services.images().list()) {
            Map<String, Object> m = ImageView.summary(i);
            m.put("Containers", users.getOrDefault(i.id().toString(), 0));
            images.add(m);
            layers += i.size();
        }
        Instant now = Instant.now();
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Container c : all) {
            cs.add(ContainerView.summary(c, now));
        }
        List<Map<String, Object>> volumes = new ArrayList<>();
        var service = services.volumeService().get();
        if (service != null) {
            for (Volume v : service.list(io.berth.api.Filters.NONE)) {
                Map<String, Object> m = VolumeView.inspect(v);
                m.put("UsageData", Map.of("Size", service.size(v.name()), "RefCount", service.users(v.name()).size()));
                volumes.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("LayersSize", layers);
        out.put("Images", images);
        out.put("Containers", cs);
        out.put("Volumes", volumes);
        out.put("BuildCache", List.of());
        return out;
    }
}
