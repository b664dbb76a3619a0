package io.berth.dockerapi.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.api.InvalidArgumentException;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.IpamConfig;
import io.berth.api.network.Network;
import io.berth.api.network.NetworkService;
import io.berth.api.volume.Volume;
import io.berth.api.volume.VolumeService;
import io.berth.views.NetworkView;
import io.berth.views.VolumeView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Networks and volumes: list, inspect, create, remove, prune; containers connected and disconnected. */
final class ResourceRoutes {
    private final Services services;

    ResourceRoutes(Services services) {
        this.services = services;
    }

    void register(Router r) {
        r.get("/networks", (x, m) -> listNetworks(x));
        r.get("/networks/json", (x, m) -> listNetworks(x));
        r.post("/networks/create", (x, m) -> createNetwork(x));
        r.post("/networks/prune", (x, m) -> {
            List<String> names = new ArrayList<>();
            networks().prune(x.filters()).forEach(n -> names.add(n.name()));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("NetworksDeleted", names.isEmpty() ? null : names);
            x.json(200, out);
        });
        r.post("/networks/(.+)/connect", (x, m) -> connect(x, m.group(1)));
        r.post("/networks/(.+)/disconnect", (x, m) -> {
            JsonNode body = x.json();
            services.containers().disconnect(required(body, "Container"), m.group(1), Json.bool(body, "Force"));
            x.empty(200);
        });
        r.get("/networks/(.+)", (x, m) -> x.json(200, NetworkView.inspect(networks(), services.containerService().get(),
                m.group(1))));
        r.delete("/networks/(.+)", (x, m) -> {
            networks().remove(m.group(1));
            x.empty(204);
        });

        r.get("/volumes", (x, m) -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Volume v : volumes().list(x.filters())) {
                list.add(VolumeView.inspect(v));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("Volumes", list);
            out.put("Warnings", List.of());
            x.json(200, out);
        });
        r.post("/volumes/create", (x, m) -> {
            JsonNode body = x.json();
            Volume v = volumes().create(Json.nonEmpty(body, "Name"), Json.nonEmpty(body, "Driver"),
                    orEmpty(Json.stringMap(body, "DriverOpts")), orEmpty(Json.stringMap(body, "Labels")));
            x.json(201, VolumeView.inspect(v));
        });
        r.post("/volumes/prune", (x, m) -> {
            boolean all = x.filters().has("all") && x.filters().bool("all");
            VolumeService.Pruned p = volumes().prune(withoutAll(x), all);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("VolumesDeleted", p.names());
            out.put("SpaceReclaimed", p.reclaimed());
            x.json(200, out);
        });
        r.get("/volumes/(.+)", (x, m) -> x.json(200, VolumeView.inspect(volumes().get(m.group(1)))));
        r.delete("/volumes/(.+)", (x, m) -> {
            volumes().remove(m.group(1), x.bool("force"));
            x.empty(204);
        });
    }

    private NetworkService networks() {
        return services.networks();
    }

    private VolumeService volumes() {
        return services.volumes();
    }

    private static io.berth.api.Filters withoutAll(Exchange x) {
        Map<String, List<String>> m = new LinkedHashMap<>(x.filters().asMap());
        m.remove("all");
        return io.berth.api.Filters.of(m);
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static String required(JsonNode body, String field) {
        String v = Json.nonEmpty(body, field);
        if (v == null) {
            throw new InvalidArgumentException(field + " is required");
        }
        return v;
    }

    private void listNetworks(Exchange x) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Network n : networks().list(x.filters())) {
            out.add(NetworkView.inspect(networks(), services.containerService().get(), n.id()));
        }
        x.json(200, out);
    }

    /** docker's {@code network create} body: IPAM's config as given; {@code Options} kept exactly as sent. */
    private void createNetwork(Exchange x) throws IOException {
        JsonNode body = x.json();
        String name = required(body, "Name");
        List<IpamConfig> ipam = new ArrayList<>();
        JsonNode config = Json.get(Json.get(body, "IPAM"), "Config");
        if (config != null) {
            for (JsonNode c : config) {
                ipam.add(new IpamConfig(Json.nonEmpty(c, "Subnet"), Json.nonEmpty(c, "Gateway"), Json.nonEmpty(c, "IPRange")));
            }
        }
        String driver = Json.nonEmpty(body, "Driver");
        Network n = networks().create(Network.builder().name(name).driver(driver == null ? "bridge" : driver)
                .internal(Json.bool(body, "Internal")).enableIpv6(Json.bool(body, "EnableIPv6"))
                .attachable(Json.bool(body, "Attachable")).labels(orEmpty(Json.stringMap(body, "Labels")))
                .options(orEmpty(Json.stringMap(body, "Options"))).ipam(ipam).build());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", n.id());
        out.put("Warning", "");
        x.json(201, out);
    }

    private void connect(Exchange x, String network) throws IOException {
        JsonNode body = x.json();
        JsonNode ep = Json.get(body, "EndpointConfig");
        JsonNode ipam = Json.get(ep, "IPAMConfig");
        List<String> aliases = Json.strings(ep, "Aliases");
        services.containers().connect(required(body, "Container"), network, new EndpointSettings(aliases == null ? List.of() : aliases,
                Json.nonEmpty(ipam, "IPv4Address"), Json.nonEmpty(ipam, "IPv6Address"), Json.nonEmpty(ep, "MacAddress")));
        x.empty(200);
    }
}
