package io.berth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what a test's engine made on the host's network: its bridges and the iptables chains
 * with its prefix (and the jumps into them). Only names the test chose are touched; the host's
 * other links and rules never are.
 */
public final class HostNetwork {
    private HostNetwork() {
    }

    /** Deletes the links (bridges) by name, if they exist. */
    public static void deleteLinks(List<String> names) throws IOException, InterruptedException {
        for (String name : names) {
            if (Files.exists(Path.of("/sys/class/net", name))) {
                run(List.of("ip", "link", "del", name), null);
            }
        }
    }

    /** Removes the chains named {@code PREFIX-…} from the filter and nat tables, and every jump into them. */
    public static void deleteChains(String prefix) throws IOException, InterruptedException {
        if (Requirements.which("iptables-save") == null) {
            return;
        }
        String rules = run(List.of("iptables-save"), null);
        StringBuilder filter = new StringBuilder("*filter\n");
        StringBuilder nat = new StringBuilder("*nat\n");
        List<String[]> chains = new ArrayList<>();
        String table = "";
        boolean any = false;
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
                chains.add(new String[]{table, line.substring(1, line.indexOf(' '))});
            } else if (line.startsWith("-A ") && !line.startsWith("-A " + prefix + "-") && line.contains(" -j " + prefix + "-")) {
                into.append("-D").append(line.substring(2)).append('\n');
                any = true;
            }
        }
        for (String[] c : chains) {
            (c[0].equals("filter") ? filter : nat).append("-F ").append(c[1]).append('\n');
        }
        for (String[] c : chains) {
            (c[0].equals("filter") ? filter : nat).append("-X ").append(c[1]).append('\n');
        }
        if (!any && chains.isEmpty()) {
            return;
        }
        run(List.of("iptables-restore", "-w", "--noflush"), filter + "COMMIT\n" + nat + "COMMIT\n");
    }

    /** The rules of the filter and nat tables without counters, for comparing before and after. */
    public static List<String> rules() throws IOException, InterruptedException {
        if (Requirements.which("iptables-save") == null) {
            return List.of();
        }
        return run(List.of("iptables-save"), null).lines().filter(l -> l.startsWith("-A ")).toList();
    }

    private static String run(List<String> command, String input) throws IOException, InterruptedException {
        return Commands.run(command, input, 30);
    }
}
