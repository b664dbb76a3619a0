package io.berth.shell.internal.commands;

import io.berth.api.network.PortBinding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code -p}, {@code --expose} and {@code port}'s argument, read as docker 20.10's CLI reads them:
 * go-connections' {@code nat} package (v0.4.0: {@code ParsePortSpecs}, {@code ParsePortRange},
 * {@code SplitProtoPort}, {@code NewPort}) and the CLI's {@code convertToStandardNotation}. Errors
 * are {@link IllegalArgumentException}s in their words.
 */
final class PortSpecs {
    private PortSpecs() {
    }

    /**
     * What {@code -p} options publish: docker's exposed port set and {@code PortBindings}, both
     * keyed {@code 80/tcp}, in the order given.
     */
    record Published(Set<String> exposed, Map<String, List<PortBinding>> bindings) {
    }

    /** One container port and where it is published, as {@code nat.PortMapping}. */
    record Mapping(String port, PortBinding binding) {
    }

    /** {@code nat.ParsePortSpecs} over {@code -p} values, each first put in standard notation. */
    static Published parsePublish(List<String> specs) {
        Set<String> exposed = new LinkedHashSet<>();
        Map<String, List<PortBinding>> bindings = new LinkedHashMap<>();
        List<String> standard = new ArrayList<>();
        for (String spec : specs) {
            standard.add(toStandardNotation(spec));
        }
        for (String spec : standard) {
            for (Mapping m : parsePortSpec(spec)) {
                exposed.add(m.port());
                bindings.computeIfAbsent(m.port(), k -> new ArrayList<>()).add(m.binding());
            }
        }
        return new Published(exposed, bindings);
    }

    /**
     * The CLI's {@code convertToStandardNotation}: {@code published=8080,target=80,protocol=udp}
     * becomes {@code 8080:80/udp}; anything without {@code =} is left as it is.
     */
    static String toStandardNotation(String publish) {
        if (!publish.contains("=")) {
            return publish;
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("protocol", "tcp");
        for (String param : publish.split(",", -1)) {
            String[] opt = param.split("=", -1);
            if (opt.length < 2) {
                throw new IllegalArgumentException("invalid publish opts format (should be name=value but got '" + param + "')");
            }
            params.put(opt[0], opt[1]);
        }
        return params.getOrDefault("published", "") + ":" + params.getOrDefault("target", "") + "/" + params.get("protocol");
    }

    /** {@code nat.ParsePortSpec}: {@code [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]}, ranges included. */
    static List<Mapping> parsePortSpec(String rawPort) {
        String[] parts = rawPort.split(":", -1);
        int n = parts.length;
        String rawIp;
        String hostPort;
        String containerPort = parts[n - 1];
        switch (n) {
            case 1 -> {
                rawIp = "";
                hostPort = "";
            }
            case 2 -> {
                rawIp = "";
                hostPort = parts[0];
            }
            case 3 -> {
                rawIp = parts[0];
                hostPort = parts[1];
            }
            default -> {
                rawIp = String.join(":", java.util.Arrays.asList(parts).subList(0, n - 2));
                hostPort = parts[n - 2];
            }
        }
        String[] protoPort = splitProtoPort(containerPort);
        String proto = protoPort[0];
        containerPort = protoPort[1];

        String ip;
        try {
            // Strips the brackets of an IPv6 address.
            ip = IpAddresses.splitHostPort(rawIp + ":")[0];
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid ip address " + rawIp + ": " + e.getMessage());
        }
        if (!ip.isEmpty() && !IpAddresses.isAddress(ip)) {
            throw new IllegalArgumentException("Invalid ip address: " + ip);
        }
        if (containerPort.isEmpty()) {
            throw new IllegalArgumentException("No port specified: " + rawPort + "<empty>");
        }
        int[] container;
        try {
            container = parsePortRange(containerPort);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid containerPort: " + containerPort);
        }
        int[] host = {0, 0};
        if (!hostPort.isEmpty()) {
            try {
                host = parsePortRange(hostPort);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid hostPort: " + hostPort);
            }
        }
        if (!hostPort.isEmpty() && container[1] - container[0] != host[1] - host[0] && container[1] != container[0]) {
            // A host range for one container port is where the engine picks a free one; else they must match.
            throw new IllegalArgumentException("Invalid ranges specified for container and host Ports: " + containerPort
                    + " and " + hostPort);
        }
        String lower = proto.toLowerCase(java.util.Locale.ROOT);
        if (!lower.equals("tcp") && !lower.equals("udp") && !lower.equals("sctp")) {
            throw new IllegalArgumentException("Invalid proto: " + proto);
        }
        List<Mapping> mappings = new ArrayList<>();
        for (int i = 0; i <= container[1] - container[0]; i++) {
            String published = hostPort.isEmpty() ? "" : Integer.toString(host[0] + i);
            if (container[0] == container[1] && host[0] != host[1]) {
                published = published + "-" + host[1];
            }
            mappings.add(new Mapping((container[0] + i) + "/" + lower, new PortBinding(ip, published)));
        }
        return mappings;
    }

    /**
     * {@code nat.SplitProtoPort}: {@code 80/udp} is {@code [udp, 80]}, {@code 80} is
     * {@code [tcp, 80]}, an empty port is {@code ["", ""]}.
     */
    static String[] splitProtoPort(String rawPort) {
        String[] parts = rawPort.split("/", -1);
        if (rawPort.isEmpty() || parts[0].isEmpty()) {
            return new String[]{"", ""};
        }
        if (parts.length == 1) {
            return new String[]{"tcp", rawPort};
        }
        if (parts[1].isEmpty()) {
            return new String[]{"tcp", parts[0]};
        }
        return new String[]{parts[1], parts[0]};
    }

    /** {@code nat.ParsePortRange}: {@code 8000-9000} or {@code 80}, as the first and last port. */
    static int[] parsePortRange(String ports) {
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("Empty string specified for ports.");
        }
        if (!ports.contains("-")) {
            int port = parseUint16(ports);
            return new int[]{port, port};
        }
        String[] parts = ports.split("-", -1);
        int start = parseUint16(parts[0]);
        int end = parseUint16(parts[1]);
        if (end < start) {
            throw new IllegalArgumentException("Invalid range specified for the Port: " + ports);
        }
        return new int[]{start, end};
    }

    /** Go's {@code strconv.ParseUint(s, 10, 16)}, with its errors' words. */
    static int parseUint16(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(numError(s, "invalid syntax"));
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(numError(s, "invalid syntax"));
            }
            n = n * 10 + (c - '0');
            if (n > 0xFFFF) {
                throw new IllegalArgumentException(numError(s, "value out of range"));
            }
        }
        return n;
    }

    private static String numError(String s, String why) {
        return "strconv.ParseUint: parsing " + goQuote(s) + ": " + why;
    }

    static String goQuote(String s) {
        return io.berth.views.VolumeMounts.goQuote(s);
    }

    /**
     * The ports one {@code --expose} value exposes ({@code 80}, {@code 8000-8010/udp}), as docker's
     * CLI reads it.
     */
    static List<String> parseExpose(String e) {
        if (e.contains(":")) {
            throw new IllegalArgumentException("invalid port format for --expose: " + e);
        }
        String[] protoPort = splitProtoPort(e);
        int[] range;
        try {
            range = parsePortRange(protoPort[1]);
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("invalid range format for --expose: " + e + ", error: " + x.getMessage());
        }
        List<String> ports = new ArrayList<>();
        for (int i = range[0]; i <= range[1]; i++) {
            ports.add(i + "/" + protoPort[0]);
        }
        return ports;
    }

    /**
     * {@code port}'s {@code PRIVATE_PORT[/PROTO]} as docker's CLI reads it: the key of
     * {@code NetworkSettings.Ports} ({@code 80/tcp}), and the text its error names.
     *
     * @return the key, and the port as the user asked for it
     */
    static String[] privatePort(String arg) {
        String port = arg;
        String proto = "tcp";
        String[] parts = arg.split("/", 2);
        if (parts.length == 2 && !parts[1].isEmpty()) {
            port = parts[0];
            proto = parts[1];
        }
        String asked = port + "/" + proto;
        if (port.isEmpty()) {
            return new String[]{"0/" + proto, asked};
        }
        int[] range = parsePortRange(port);
        String key = range[0] == range[1] ? range[0] + "/" + proto : range[0] + "-" + range[1] + "/" + proto;
        return new String[]{key, asked};
    }
}
