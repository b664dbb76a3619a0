package io.berth.network.cni.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-container nat chain of the {@code bridge} plugin's {@code ipMasq}, and its removal when the
 * plugin leaves it behind.
 *
 * <p>The bridge plugin (1.1.1, and upstream still, plugins#810) tears its masquerade rules down only
 * for the addresses it finds on the container's interface: when DEL runs after the namespace is gone,
 * the chain {@code CNI-<hash>} and the {@code POSTROUTING} rule jumping to it stay, for an address
 * host-local has already freed. The chain's name is the plugins' {@code utils.FormatChainName}: {@code CNI-}
 * and the first 24 hex digits of sha512(network name + container id).
 */
final class MasqueradeChains {
    private MasqueradeChains() {
    }

    /** The bridge plugin's masquerade chain for a container on a CNI network. */
    static String chainName(String network, String containerId) {
        return "CNI-" + sha512(network + containerId).substring(0, 24);
    }

    /** portmap's DNAT chain for a container on a CNI network: {@code CNI-DN-} and 21 hex digits. */
    static String dnatChainName(String network, String containerId) {
        return "CNI-DN-" + sha512(network + containerId).substring(0, 21);
    }

    private static String sha512(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes {@code chain} from the nat table of {@code iptables} (or {@code ip6tables}) with every
     * {@code POSTROUTING} rule jumping to it, in one {@code iptables-restore --noflush} transaction; does
     * nothing when neither is there or the tool is not installed.
     *
     * @param tool {@code iptables} or {@code ip6tables}
     */
    static void remove(String tool, String chain) throws IOException {
        Path save = which(tool + "-save");
        Path restore = which(tool + "-restore");
        if (save == null || restore == null) {
            return;
        }
        String rules = new String(run(List.of(save.toString(), "-t", "nat"), null), StandardCharsets.UTF_8);
        StringBuilder in = new StringBuilder("*nat\n");
        boolean declared = false;
        boolean any = false;
        for (String line : rules.lines().toList()) {
            if (line.startsWith(":" + chain + " ")) {
                declared = true;
            } else if (line.startsWith("-A POSTROUTING ") && jumpsTo(line, chain)) {
                in.append("-D").append(line, 2, line.length()).append('\n');
                any = true;
            }
        }
        if (!declared && !any) {
            return;
        }
        if (declared) {
            in.append("-F ").append(chain).append('\n').append("-X ").append(chain).append('\n');
        }
        in.append("COMMIT\n");
        run(List.of(restore.toString(), "-w", "--noflush"), in.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an {@code iptables-save} rule line's target is {@code chain}. */
    static boolean jumpsTo(String line, String chain) {
        String target = " -j " + chain;
        int at = line.indexOf(target);
        while (at >= 0) {
            int end = at + target.length();
            if (end == line.length() || line.charAt(end) == ' ') {
                return true;
            }
            at = line.indexOf(target, end);
        }
        return false;
    }

    private static Path which(String tool) {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static byte[] run(List<String> command, byte[] stdin) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        if (stdin != null) {
            try (OutputStream out = p.getOutputStream()) {
                out.write(stdin);
            }
        } else {
            p.getOutputStream().close();
        }
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + command.get(0) + " ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(command.get(0) + " failed (exit status " + p.exitValue() + "): "
                    + CniConfigList.oneLine(new String(out, StandardCharsets.UTF_8)));
        }
        return out;
    }
}
