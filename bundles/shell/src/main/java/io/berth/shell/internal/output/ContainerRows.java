package io.berth.shell.internal.output;

import io.berth.api.container.Container;
import io.berth.api.container.MountPoint;
import io.berth.api.network.PortMapping;
import io.berth.views.ContainerView;
import io.berth.views.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Containers as docker's CLI prints them in {@code ps}: its rows, keyed by the fields of {@code --format}. */
public final class ContainerRows {
    private ContainerRows() {
    }

    /**
     * The command as docker's API lists it: the path and arguments joined by spaces, an argument
     * with a space in single quotes ({@code sh -c 'echo one; echo two'}).
     */
    public static String command(Container c) {
        return ContainerView.commandLine(c);
    }

    /**
     * A row of {@code ps}, keyed by the field names of docker's {@code --format}.
     *
     * @param virtualSize the image's size plus the writable layer's, or -1 when sizes are not shown
     */
    public static Map<String, Object> row(Container c, boolean noTrunc, long virtualSize, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        String command = command(c);
        m.put("Command", GoFormat.quote(noTrunc ? command : Units.ellipsis(command, 20))); // as docker quotes it
        m.put("CreatedAt", Units.goTime(c.created()));
        m.put("ID", noTrunc ? c.id() : c.id().substring(0, 12));
        m.put("Image", c.image());
        List<String> labels = new ArrayList<>();
        new TreeMap<>(c.labels()).forEach((k, v) -> labels.add(k + "=" + v));
        m.put("Labels", String.join(",", labels));
        m.put(Template.method("Label"), new TreeMap<>(c.labels()));
        m.put("LocalVolumes", localVolumes(c.mountPoints()));
        m.put("Mounts", mounts(c.mountPoints(), noTrunc));
        m.put("Names", c.name());
        m.put("Networks", String.join(",", c.networks()));
        m.put("Ports", ports(c.ports()));
        m.put("RunningFor", Times.ago(c.created(), now));
        m.put("Size", c.sizeRw() < 0 ? "" : Units.humanSize(c.sizeRw()) + " (virtual " + Units.humanSize(virtualSize) + ")");
        m.put("State", c.state().status().label());
        m.put("Status", ContainerView.status(c.state(), now));
        return m;
    }

    /**
     * docker's {@code .Mounts} of {@code ps}: each mount's volume name, or its source when it has
     * none (a bind's path; nothing for a tmpfs), each cut to 15 characters unless
     * {@code --no-trunc}, joined by commas.
     */
    public static String mounts(List<MountPoint> mounts, boolean noTrunc) {
        List<String> names = new ArrayList<>();
        for (MountPoint p : mounts) {
            String name = p.name() == null || p.name().isEmpty() ? nullToEmpty(p.source()) : p.name();
            names.add(noTrunc ? name : Units.ellipsis(name, 15));
        }
        return String.join(",", names);
    }

    /** docker's {@code .LocalVolumes}: how many of the mounts are volumes of the {@code local} driver. */
    public static String localVolumes(List<MountPoint> mounts) {
        return Long.toString(mounts.stream().filter(p -> "local".equals(p.driver())).count());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * The PORTS column as docker 20.10's CLI prints it ({@code DisplayablePorts}): ports sorted by
     * container port, address, host port and protocol; runs of consecutive ports collapsed into a
     * range when they are exposed only ({@code 80-81/tcp}) or published on the same port numbers
     * on the same address ({@code 0.0.0.0:80-81->80-81/tcp}); other published ports one by one
     * after them ({@code 0.0.0.0:8080->80/tcp}). A port with host port 0 is exposed, not published
     * (and not shown as such when it is also published).
     */
    public static String ports(List<PortMapping> mappings) {
        record Port(String ip, int privatePort, int publicPort, String type) {
        }
        List<Port> ports = new ArrayList<>();
        java.util.Set<String> published = new java.util.HashSet<>();
        for (PortMapping p : mappings) {
            if (p.hostPort() != 0) {
                published.add(p.port());
                ports.add(new Port(p.hostIp(), p.containerPort(), p.hostPort(), p.protocol()));
            }
        }
        for (PortMapping p : mappings) {
            // Exposed only; a port that is also published is listed as docker's daemon lists it, by its bindings.
            if (p.hostPort() == 0 && published.add(p.port())) {
                ports.add(new Port("", p.containerPort(), 0, p.protocol()));
            }
        }
        ports.sort(Comparator.comparingInt(Port::privatePort).thenComparing(Port::ip).thenComparingInt(Port::publicPort)
                .thenComparing(Port::type));
        Map<String, int[]> groups = new HashMap<>();
        List<String> groupKeys = new ArrayList<>();
        List<String> result = new ArrayList<>();
        List<String> hostMappings = new ArrayList<>();
        for (Port port : ports) {
            int current = port.privatePort();
            String key = port.type();
            if (!port.ip().isEmpty()) {
                if (port.publicPort() != current) {
                    hostMappings.add(port.ip() + ":" + port.publicPort() + "->" + port.privatePort() + "/" + port.type());
                    continue;
                }
                key = port.ip() + "/" + port.type();
            }
            int[] group = groups.get(key);
            if (group == null) {
                groups.put(key, new int[]{current, current});
                groupKeys.add(key);
                continue;
            }
            if (current == group[1] + 1) {
                group[1] = current;
                continue;
            }
            result.add(formGroup(key, group[0], group[1]));
            groups.put(key, new int[]{current, current});
        }
        for (String key : groupKeys) {
            int[] g = groups.get(key);
            result.add(formGroup(key, g[0], g[1]));
        }
        result.addAll(hostMappings);
        return String.join(", ", result);
    }

    private static String formGroup(String key, int start, int last) {
        String[] parts = key.split("/", -1);
        String type = parts[0];
        String ip = "";
        if (parts.length > 1) {
            ip = parts[0];
            type = parts[1];
        }
        String group = start == last ? Integer.toString(start) : start + "-" + last;
        if (!ip.isEmpty()) {
            group = ip + ":" + group + "->" + group;
        }
        return group + "/" + type;
    }
}
