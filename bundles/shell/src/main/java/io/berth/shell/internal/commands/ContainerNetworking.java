package io.berth.shell.internal.commands;

import io.berth.api.InvalidArgumentException;
import io.berth.api.network.EndpointSettings;
import io.berth.api.network.PortBinding;
import io.berth.shell.internal.framework.UsageException;
import io.berth.views.NetworkView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The networking options of {@code run} and {@code create} ({@code --network}, {@code -p},
 * {@code --expose}, {@code --dns}, {@code --add-host}…), read as docker 20.10's CLI reads them and
 * mapped as it maps them onto the request: the network mode, the endpoint settings of the mode's
 * network, published and exposed ports, resolver settings.
 *
 * <p>Errors come in docker's three kinds: a value a flag refuses ({@code invalid argument "x" for
 * "--add-host" flag: …}) and the CLI's own checks ({@code Invalid containerPort: x}), both flag
 * errors of status 125; and the daemon's checks of a container sharing another's network
 * ({@code conflicting options: …}), an {@link InvalidArgumentException} as the service would throw.
 */
final class ContainerNetworking {
    /** docker's {@code opts.hostGatewayName}: {@code --add-host} takes it for an address. */
    static final String HOST_GATEWAY = "host-gateway";

    private static final Pattern LONG_SYNTAX = Pattern.compile("\\w+=\\w+(,\\w+=\\w+)*");
    private static final Pattern ALPHA = Pattern.compile("[a-zA-Z]");
    private static final Pattern DOMAIN = Pattern.compile("^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9]))"
            + "(:?\\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])))*)\\.?\\s*$");

    /**
     * The request's networking.
     *
     * @param mode {@code HostConfig.networkMode}, or {@code null} for the default (bridge)
     * @param networks what is asked on each network, docker's {@code NetworkingConfig}; empty when nothing is
     * @param exposedPorts {@code --expose} and the published ports
     * @param portBindings {@code -p}
     * @param publishAll {@code -P}
     */
    record Result(String mode, Map<String, EndpointSettings> networks, List<String> exposedPorts,
                  Map<String, List<PortBinding>> portBindings, boolean publishAll, List<String> dns,
                  List<String> dnsSearch, List<String> dnsOptions, List<String> extraHosts) {
        /** Whether docker's daemon would warn that the published ports are discarded ({@code --network host}). */
        boolean portsDiscarded() {
            return "host".equals(mode) && !portBindings.isEmpty();
        }
    }

    /** One {@code --network} value: docker's {@code NetworkAttachmentOpts}. */
    record Attachment(String target, List<String> aliases, String ipv4Address, String ipv6Address) {
    }

    private ContainerNetworking() {
    }

    /** Reads the options; {@code hostname} is {@code -h}'s value, which a shared network refuses. */
    static Result parse(CreateOptions o) {
        // What the flags themselves refuse, as pflag reports it; they keep the value their check returns.
        List<String> extraHosts = new ArrayList<>();
        for (String h : o.addHost) {
            extraHosts.add(flagValue("--add-host", h, ContainerNetworking::validateExtraHost));
        }
        List<String> dns = new ArrayList<>();
        for (String d : o.dns) {
            dns.add(flagValue("--dns", d, ContainerNetworking::validateIpAddress));
        }
        List<String> dnsSearch = new ArrayList<>();
        for (String d : o.dnsSearch) {
            dnsSearch.add(flagValue("--dns-search", d, ContainerNetworking::validateDnsSearch));
        }
        List<Attachment> attachments = new ArrayList<>();
        for (String n : o.network) {
            try {
                attachments.add(parseAttachment(n));
            } catch (IllegalArgumentException e) {
                throw UsageException.flag("invalid argument \"" + n + "\" for \"--network\" flag: " + e.getMessage());
            }
        }

        // The CLI's own checks, in the order of its parse().
        String mac = o.macAddress == null ? "" : o.macAddress;
        if (!mac.isEmpty() && !IpAddresses.isMacAddress(mac.strip())) {
            throw UsageException.flag(mac + " is not a valid mac address");
        }
        PortSpecs.Published published;
        Set<String> exposed;
        try {
            published = PortSpecs.parsePublish(o.publish);
            exposed = new LinkedHashSet<>(published.exposed());
            for (String e : o.expose) {
                exposed.addAll(PortSpecs.parseExpose(e));
            }
        } catch (IllegalArgumentException e) {
            throw UsageException.flag(e.getMessage());
        }
        String mode = attachments.isEmpty() ? null : attachments.get(0).target();
        Map<String, EndpointSettings> networks;
        try {
            networks = endpoints(attachments, o.networkAlias, o.ip, o.ip6);
        } catch (IllegalArgumentException e) {
            throw UsageException.flag(e.getMessage());
        }
        if (!mac.isEmpty()) {
            // Docker keeps it in the container's config; here it is asked on the network of the mode.
            String own = mode == null || mode.equals("default") ? "bridge" : mode;
            EndpointSettings s = networks.getOrDefault(own, EndpointSettings.DEFAULT);
            networks.put(own, new EndpointSettings(s.aliases(), s.ipv4Address(), s.ipv6Address(), mac));
        }
        Result result = new Result(mode, networks, List.copyOf(exposed), published.bindings(), o.publishAll, dns,
                dnsSearch, List.copyOf(o.dnsOption), extraHosts);
        checkSharedNetwork(result, o.hostname, mac);
        return result;
    }

    private static String flagValue(String flag, String value, java.util.function.UnaryOperator<String> check) {
        try {
            return check.apply(value);
        } catch (IllegalArgumentException e) {
            throw UsageException.flag("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + e.getMessage());
        }
    }

    /**
     * docker's {@code opts.ValidateExtraHost}: {@code name:address}, split at the first colon (so
     * the address may be IPv6), the address an IP address or {@code host-gateway}.
     *
     * @return the value
     * @throws IllegalArgumentException in docker's words
     */
    static String validateExtraHost(String value) {
        int colon = value.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("bad format for add-host: " + PortSpecs.goQuote(value));
        }
        String address = value.substring(colon + 1);
        if (!address.equals(HOST_GATEWAY) && !IpAddresses.isAddress(address.strip())) {
            throw new IllegalArgumentException("invalid IP address in add-host: " + PortSpecs.goQuote(address));
        }
        return value;
    }

    /**
     * docker's {@code opts.ValidateIPAddress}.
     *
     * @return the address as Go prints it ({@code ::1}, {@code 10.0.0.1})
     */
    static String validateIpAddress(String value) {
        byte[] ip = IpAddresses.parse(value.strip());
        if (ip == null) {
            throw new IllegalArgumentException(value + " is not an ip address");
        }
        return IpAddresses.format(ip);
    }

    /**
     * docker's {@code opts.ValidateDNSSearch}: a domain, or {@code .}.
     *
     * @return the domain without a trailing dot
     */
    static String validateDnsSearch(String value) {
        String v = value.replaceAll("^ +| +$", "");
        if (v.equals(".")) {
            return v;
        }
        Matcher m = DOMAIN.matcher(v);
        if (!ALPHA.matcher(v).find() || !m.find() || m.group(1).length() >= 255) {
            throw new IllegalArgumentException(v + " is not a valid domain");
        }
        return m.group(1);
    }

    /**
     * docker's {@code opts.NetworkOpt}: a network's name or id, or the long syntax
     * {@code name=NET,alias=A,ip=IP,ip6=IP,driver-opt=K=V}.
     */
    static Attachment parseAttachment(String value) {
        if (!LONG_SYNTAX.matcher(value).find()) {
            return new Attachment(value, List.of(), "", "");
        }
        String target = "";
        List<String> aliases = new ArrayList<>();
        String ipv4 = "";
        String ipv6 = "";
        for (String field : csvFields(value)) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("invalid field " + field);
            }
            String key = field.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = field.substring(eq + 1).strip().toLowerCase(Locale.ROOT);
            switch (key) {
                case "name" -> target = v;
                case "alias" -> aliases.add(v);
                case "ip" -> ipv4 = v;
                case "ip6" -> ipv6 = v;
                case "driver-opt" -> {
                    // Accepted as docker's CLI accepts it; Berth's drivers take no per-endpoint options.
                    if (!v.contains("=")) {
                        throw new IllegalArgumentException("invalid key value pair format in driver options");
                    }
                }
                default -> throw new IllegalArgumentException("invalid field key " + key);
            }
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("network name/id is not specified");
        }
        return new Attachment(target, aliases, ipv4, ipv6);
    }

    /** One line of CSV, as Go's {@code encoding/csv} reads it: commas, double quotes around a field. */
    private static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /**
     * docker's {@code parseNetworkOpts}: the endpoint settings of each network; {@code --network-alias},
     * {@code --ip} and {@code --ip6} go to the first. A single network without settings has no entry,
     * as docker's CLI sends none; without {@code --network} they are ignored, as docker's CLI does.
     */
    static Map<String, EndpointSettings> endpoints(List<Attachment> attachments, List<String> aliases, String ip,
                                                   String ip6) {
        Map<String, EndpointSettings> endpoints = new LinkedHashMap<>();
        boolean userDefined = false;
        boolean predefined = false;
        for (int i = 0; i < attachments.size(); i++) {
            Attachment n = attachments.get(i);
            if (NetworkView.isUserDefined(n.target())) {
                userDefined = true;
            } else {
                predefined = true;
            }
            if (i == 0) {
                n = withContainerOptions(n, aliases, ip == null ? "" : ip, ip6 == null ? "" : ip6);
            }
            if (n.target().isBlank()) {
                throw new IllegalArgumentException("no name set for network");
            }
            if (!NetworkView.isUserDefined(n.target()) && !n.aliases().isEmpty()) {
                throw new IllegalArgumentException("network-scoped aliases are only supported for user-defined networks");
            }
            String key = n.target().equals("default") ? "bridge" : n.target();
            if (endpoints.containsKey(key)) {
                throw new IllegalArgumentException("network \"" + n.target() + "\" is specified multiple times");
            }
            EndpointSettings settings = new EndpointSettings(n.aliases(), blankToNull(n.ipv4Address()),
                    blankToNull(n.ipv6Address()), null);
            if (i == 0 && attachments.size() == 1 && settings.equals(EndpointSettings.DEFAULT)) {
                continue;
            }
            endpoints.put(key, settings);
        }
        if (userDefined && predefined) {
            throw new IllegalArgumentException(
                    "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
        }
        return endpoints;
    }

    private static Attachment withContainerOptions(Attachment n, List<String> aliases, String ip, String ip6) {
        if (!n.aliases().isEmpty() && !aliases.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: cannot specify both --network-alias and per-network alias");
        }
        if (!n.ipv4Address().isEmpty() && !ip.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: cannot specify both --ip and per-network IPv4 address");
        }
        if (!n.ipv6Address().isEmpty() && !ip6.isEmpty()) {
            throw new IllegalArgumentException("conflicting options: cannot specify both --ip6 and per-network IPv6 address");
        }
        return new Attachment(n.target(), aliases.isEmpty() ? n.aliases() : List.copyOf(aliases),
                ip.isEmpty() ? n.ipv4Address() : ip, ip6.isEmpty() ? n.ipv6Address() : ip6);
    }

    /**
     * docker's daemon's {@code validateNetContainerMode}: what a container sharing another's
     * network (or the host's, for its MAC address) cannot have of its own.
     */
    static void checkSharedNetwork(Result r, String hostname, String mac) {
        String mode = r.mode() == null ? "default" : r.mode();
        boolean container = NetworkView.isContainerMode(mode);
        if (mode.equals("container") || container && mode.substring("container:".length()).isEmpty()) {
            throw new InvalidArgumentException("Invalid network mode: invalid container format container:<name|id>");
        }
        if (container && hostname != null && !hostname.isEmpty()) {
            throw new InvalidArgumentException("conflicting options: hostname and the network mode");
        }
        if (container && !r.dns().isEmpty()) {
            throw new InvalidArgumentException("conflicting options: dns and the network mode");
        }
        if (container && !r.extraHosts().isEmpty()) {
            throw new InvalidArgumentException("conflicting options: custom host-to-IP mapping and the network mode");
        }
        if ((container || mode.equals("host")) && mac != null && !mac.isEmpty()) {
            throw new InvalidArgumentException("conflicting options: mac-address and the network mode");
        }
        if (container && (!r.portBindings().isEmpty() || r.publishAll())) {
            throw new InvalidArgumentException("conflicting options: port publishing and the container type network mode");
        }
        if (container && !r.exposedPorts().isEmpty()) {
            throw new InvalidArgumentException("conflicting options: port exposing and the container type network mode");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
