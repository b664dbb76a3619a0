package io.berth.network.bridge.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bridge networks' rules, in Berth's own iptables chains (named from a prefix, {@code BERTH}
 * by default): NAT out of each network, published ports, isolation between networks, no way out of
 * an internal one, and the guard that keeps other hosts from reaching the host's loopback services
 * through a bridge that routes 127.0.0.0/8 (needed for published ports on 127.0.0.1). Every change
 * rewrites these chains whole in one {@code iptables-restore --noflush}, which the kernel applies
 * atomically, so rules are never doubled or half made; the host's other rules are never touched,
 * except for one jump per built-in chain into Berth's, added once and removed with the last network.
 */
final class Firewall {
    /** One network as the rules see it. */
    record Net(String bridge, List<String> subnets, List<String> gateways, boolean internal, boolean masquerade,
               boolean dns, List<Port> ports) {
    }

    /** A published port: traffic for {@code hostIp:hostPort} goes to {@code containerIp:containerPort}. */
    record Port(String protocol, String hostIp, int hostPort, String containerIp, int containerPort) {
    }

    private final String prefix;
    private final String restore;
    private final String save;
    /** The jumps known to be in place since the last check. */
    private boolean jumps;

    Firewall(String prefix) {
        this.prefix = prefix;
        this.restore = find("iptables-restore");
        this.save = find("iptables-save");
    }

    private static String find(String tool) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /** Why the rules cannot be made here, or {@code null}. */
    String unavailable() {
        return restore == null || save == null ? "iptables-restore and iptables-save are not installed (Debian: "
                + "apt-get install iptables)" : null;
    }

    String chain(String name) {
        return prefix + "-" + name;
    }

    /** Makes the chains hold exactly the rules of these networks; with none, removes the chains and jumps. */
    synchronized void apply(Collection<Net> nets) throws IOException {
        String why = unavailable();
        if (why != null) {
            throw new IOException("cannot set up the bridge network's rules: " + why);
        }
        if (nets.isEmpty()) {
            removeAll();
            return;
        }
        List<String> missing = jumps ? List.of() : missingJumps();
        run(List.of(restore, "-w", "--noflush"), rules(nets, missing));
        jumps = true;
    }

    /** The iptables-restore input. */
    /** The jumps from the built-in chains into Berth's: table, then the rule as iptables-save prints it. */
    List<String[]> jumpRules() {
        return List.of(
                new String[]{"filter", "-A FORWARD -j " + chain("FORWARD")},
                new String[]{"filter", "-A INPUT -j " + chain("INPUT")},
                new String[]{"nat", "-A PREROUTING -m addrtype --dst-type LOCAL -j " + chain("DNAT")},
                new String[]{"nat", "-A OUTPUT -m addrtype --dst-type LOCAL -j " + chain("DNAT")},
                new String[]{"nat", "-A POSTROUTING -j " + chain("POSTROUTING")});
    }

    String rules(Collection<Net> nets, List<String> missing) {
        StringBuilder s = new StringBuilder();
        String forward = chain("FORWARD");
        String iso1 = chain("ISOLATION-1");
        String iso2 = chain("ISOLATION-2");
        String input = chain("INPUT");
        s.append("*filter\n");
        for (String c : List.of(forward, iso1, iso2, input)) {
            s.append(':').append(c).append(" - [0:0]\n");
        }
        for (Net n : nets) {
            s.append("-A ").append(forward).append(" -o ").append(n.bridge())
                    .append(" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
            if (!n.internal()) {
                s.append("-A ").append(forward).append(" -o ").append(n.bridge())
                        .append(" -m conntrack --ctstate DNAT -j ACCEPT\n");
            }
        }
        s.append("-A ").append(forward).append(" -j ").append(iso1).append('\n');
        for (Net n : nets) {
            String b = n.bridge();
            if (n.internal()) {
                s.append("-A ").append(forward).append(" -i ").append(b).append(" ! -o ").append(b).append(" -j DROP\n");
                s.append("-A ").append(forward).append(" -o ").append(b).append(" ! -i ").append(b).append(" -j DROP\n");
                s.append("-A ").append(forward).append(" -i ").append(b).append(" -o ").append(b).append(" -j ACCEPT\n");
            } else {
                s.append("-A ").append(forward).append(" -i ").append(b).append(" -j ACCEPT\n");
            }
            s.append("-A ").append(iso1).append(" -i ").append(b).append(" ! -o ").append(b).append(" -j ").append(iso2)
                    .append('\n');
            s.append("-A ").append(iso2).append(" -o ").append(b).append(" -j DROP\n");
            s.append("-A ").append(input).append(" -i ").append(b).append(" -d 127.0.0.0/8 ! -s 127.0.0.0/8")
                    .append(" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n");
        }
        insertJumps(s, "filter", missing);
        s.append("COMMIT\n");
        String dnat = chain("DNAT");
        String post = chain("POSTROUTING");
        s.append("*nat\n");
        s.append(':').append(dnat).append(" - [0:0]\n");
        s.append(':').append(post).append(" - [0:0]\n");
        for (Net n : nets) {
            if (n.dns()) {
                for (String gw : n.gateways()) {
                    if (!gw.contains(":")) {
                        s.append("-A ").append(dnat).append(" -d ").append(gw).append(" -p udp -m udp --dport 53 -j RETURN\n");
                        s.append("-A ").append(dnat).append(" -d ").append(gw).append(" -p tcp -m tcp --dport 53 -j RETURN\n");
                    }
                }
            }
        }
        for (Net n : nets) {
            for (Port p : n.ports()) {
                if (p.containerIp() == null || p.containerIp().contains(":") || p.hostIp().contains(":")) {
                    continue;
                }
                s.append("-A ").append(dnat);
                if (!p.hostIp().equals("0.0.0.0") && !p.hostIp().isEmpty()) {
                    s.append(" -d ").append(p.hostIp()).append("/32");
                }
                s.append(" -p ").append(p.protocol()).append(" -m ").append(p.protocol()).append(" --dport ")
                        .append(p.hostPort()).append(" -j DNAT --to-destination ").append(p.containerIp()).append(':')
                        .append(p.containerPort()).append('\n');
            }
        }
        for (Net n : nets) {
            String b = n.bridge();
            for (String subnet : n.subnets()) {
                if (subnet.contains(":")) {
                    continue;
                }
                if (!n.internal() && n.masquerade()) {
                    s.append("-A ").append(post).append(" -s ").append(subnet).append(" ! -o ").append(b)
                            .append(" -j MASQUERADE\n");
                }
                // Hairpin: a container reaching a published port of its own network through the host.
                s.append("-A ").append(post).append(" -s ").append(subnet).append(" -o ").append(b)
                        .append(" -m conntrack --ctstate DNAT -j MASQUERADE\n");
            }
            // The host reaching a published port from 127.0.0.1 (the container must not answer to its own loopback).
            s.append("-A ").append(post).append(" -o ").append(b).append(" -m addrtype --src-type LOCAL")
                    .append(" -m conntrack --ctstate DNAT -j MASQUERADE\n");
        }
        insertJumps(s, "nat", missing);
        s.append("COMMIT\n");
        return s.toString();
    }

    /** Inserts the missing jumps of a table first in their built-in chains. */
    private void insertJumps(StringBuilder s, String table, List<String> missing) {
        for (String[] j : jumpRules()) {
            if (j[0].equals(table) && missing.contains(j[1])) {
                String rest = j[1].substring(3);
                int space = rest.indexOf(' ');
                s.append("-I ").append(rest, 0, space).append(" 1").append(rest.substring(space)).append('\n');
            }
        }
    }

    /** The jumps that are not in place (after an engine restart they are, once each). */
    private List<String> missingJumps() throws IOException {
        String rules = run(List.of(save), null);
        List<String> lines = List.of(rules.split("\n"));
        List<String> missing = new ArrayList<>();
        for (String[] j : jumpRules()) {
            if (!lines.contains(j[1])) {
                missing.add(j[1]);
            }
        }
        return missing;
    }

    /** Removes the jumps and the chains (when no bridge network is left). */
    private void removeAll() throws IOException {
        String rules = run(List.of(save), null);
        StringBuilder filter = new StringBuilder("*filter\n");
        StringBuilder nat = new StringBuilder("*nat\n");
        String table = "";
        List<String> chains = new ArrayList<>();
        for (String line : rules.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1);
                continue;
            }
            StringBuilder into = table.equals("filter") ? filter : table.equals("nat") ? nat : null;
            if (into == null) {
                continue;
            }
            if (line.startsWith(":" + prefix + "-")) {
                String c = line.substring(1, line.indexOf(' '));
                chains.add(table + " " + c);
            } else if (line.startsWith("-A ") && !line.startsWith("-A " + prefix + "-")
                    && line.matches(".* -j " + java.util.regex.Pattern.quote(prefix) + "-[A-Z0-9-]+$")) {
                into.append("-D").append(line.substring(2)).append('\n');
            }
        }
        for (String tc : chains) {
            String[] f = tc.split(" ");
            StringBuilder into = f[0].equals("filter") ? filter : nat;
            into.append("-F ").append(f[1]).append('\n');
        }
        for (String tc : chains) {
            String[] f = tc.split(" ");
            StringBuilder into = f[0].equals("filter") ? filter : nat;
            into.append("-X ").append(f[1]).append('\n');
        }
        if (chains.isEmpty() && filter.length() == 8 && nat.length() == 5) {
            jumps = false;
            return;
        }
        run(List.of(restore, "-w", "--noflush"), filter + "COMMIT\n" + nat + "COMMIT\n");
        jumps = false;
    }

    /** Runs a tool; its output, or an IOException with its first line of errors. */
    private static String run(List<String> command, String input) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = pb.start();
        if (input != null) {
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } 
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish in 30 seconds");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(command.get(0) + " interrupted");
        }
        if (p.exitValue() != 0) {
            String first = err.isEmpty() ? "exit status " + p.exitValue() : err.lines().findFirst().orElse(err);
            throw new IOException(Path.of(command.get(0)).getFileName() + ": " + first);
        }
        return out;
    }
}
