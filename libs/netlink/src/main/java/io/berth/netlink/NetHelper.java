package io.berth.netlink;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The bridge network driver's plumbing: network namespaces pinned on files, bridges, and veth
 * pairs joining a container's namespace to a bridge, done by {@code berth-net}, a small static C
 * program over rtnetlink (the JVM has neither netlink sockets nor {@code setns}).
 *
 * <p>Each method runs the program once and returns when it is done. Each call is all or nothing:
 * when it fails, the program has taken back what it made, and the {@link IOException}'s message
 * is its one line naming the object and the cause ({@code create veth bnt1 with peer eth0 in
 * /run/berth/netns/x: File exists}). Deleting something missing is no error, so the delete calls
 * may be repeated. Calls on different objects may run concurrently; the caller orders those on
 * the same object. All of them need {@code CAP_NET_ADMIN} and {@code CAP_SYS_ADMIN} (root).
 */
public final class NetHelper {
    private static final String NAME = "berth-net";
    private static final String PREFIX = NAME + ": ";
    private static final File DEV_NULL = new File("/dev/null");

    private final Path binary;

    /** A helper running the berth-net binary at {@code binary}. */
    public NetHelper(Path binary) {
        this.binary = binary;
    }

    /**
     * Copies the berth-net binary out of this library into
     * {@code <runRoot>/bin/berth-net-<first 12 hex digits of its sha256>/berth-net}, unless it is
     * there already, and returns a helper running it. The digest is the build's ({@code berth-net.sha256} beside the
     * binary), so a start that finds the copy reads nothing more; a new copy is checked against it. The copy is
     * written to a temporary file and renamed, so a concurrent install or a crash never leaves a partial binary; a
     * new version goes to a new directory, leaving the old one to whoever runs it.
     */
    public static NetHelper install(Path runRoot) throws IOException {
        String digest = new String(resource(NAME + ".sha256"), StandardCharsets.US_ASCII).strip();
        Path target = runRoot.resolve("bin").resolve(NAME + "-" + digest.substring(0, 12)).resolve(NAME);
        if (!Files.isExecutable(target)) {
            byte[] content = resource(NAME);
            if (!sha256(content).equals(digest)) {
                throw new IOException("the " + NAME + " binary in " + NetHelper.class.getName()
                        + "'s jar does not match its digest " + digest);
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), NAME, ".tmp");
            try {
                Files.write(tmp, content);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return new NetHelper(target);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = NetHelper.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is missing from " + NetHelper.class.getName() + "'s jar");
            }
            return in.readAllBytes();
        }
    }

    /** The berth-net binary this helper runs. */
    public Path binary() {
        return binary;
    }

    /**
     * Makes a new network namespace, pinned by a bind mount on {@code path} (a new file; an
     * existing one is an error), with its loopback up and nothing else.
     */
    public void netnsAdd(Path path) throws IOException {
        run("netns-add", path.toString());
    }

    /** Unmounts and removes a namespace file made by {@link #netnsAdd}; a missing one is fine. */
    public void netnsDelete(Path path) throws IOException {
        run("netns-del", path.toString());
    }

    /**
     * Makes the bridge {@code name} if it is missing, adds those of {@code cidrs} it lacks
     * ({@code 10.89.0.1/24}, {@code fd00::1/64}), sets its mtu (0: leaves it), and sets it up.
     */
    public void bridgeAdd(String name, List<String> cidrs, int mtu) throws IOException {
        List<String> args = new ArrayList<>(List.of("bridge-add", name));
        args.addAll(cidrs);
        if (mtu > 0) {
            args.addAll(List.of("--mtu", Integer.toString(mtu)));
        }
        run(args.toArray(String[]::new));
    }

    /** Deletes the bridge {@code name} (its ports leave it); a missing one is fine, another kind of link an error. */
    public void bridgeDelete(String name) throws IOException {
        run("bridge-del", name);
    }

    /**
     * Makes the veth pair {@code v}: its peer is created straight inside the namespace under its
     * final name, then configured there (addresses, up, default routes); the host end joins the
     * bridge and goes up. A host name already taken, a missing namespace or bridge, or any later
     * failure leaves nothing behind.
     */
    public void vethAdd(Veth v) throws IOException {
        List<String> args = new ArrayList<>(List.of("veth-add", v.netns().toString(), v.hostName(), v.bridge(), v.ifName()));
        if (v.mac() != null) {
            args.addAll(List.of("--mac", v.mac()));
        }
        for (String address : v.addresses()) {
            args.addAll(List.of("--addr", address));
        }
        if (v.gateway() != null) {
            args.addAll(List.of("--gw", v.gateway()));
        }
        if (v.gateway6() != null) {
            args.addAll(List.of("--gw6", v.gateway6()));
        }
        if (v.mtu() > 0) {
            args.addAll(List.of("--mtu", Integer.toString(v.mtu())));
        }
        if (v.hairpin()) {
            args.add("--hairpin");
        }
        run(args.toArray(String[]::new));
    }

    /** Deletes the link {@code name} in the engine's namespace (a veth's peer goes with it); a missing one is fine. */
    public void linkDelete(String name) throws IOException {
        run("link-del", name);
    }

    /** Deletes the link {@code name} inside the namespace at {@code netns}; a missing namespace or link is fine. */
    public void linkDeleteIn(Path netns, String name) throws IOException {
        run("link-del-in", netns.toString(), name);
    }

    /** Whether the engine's namespace has a link called {@code name} ({@code /sys/class/net/NAME}). */
    public static boolean linkExists(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            return false;
        }
        return Files.exists(Path.of("/sys/class/net", name));
    }

    private void run(String... args) throws IOException {
        List<String> command = new ArrayList<>(args.length + 1);
        command.add(binary.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String stderr;
        try (InputStream err = process.getErrorStream()) {
            stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        }
        int status = waitFor(process);
        if (status != 0) {
            throw new IOException(failure(args, stderr, status));
        }
    }

    /*
     * Waits even when interrupted: the program takes milliseconds, and leaving before it is done
     * would let the caller act on a pair or namespace still being made or taken back.
     */
    private static int waitFor(Process process) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The program's one line without its prefix; a line of our own if it said nothing (killed). */
    private static String failure(String[] args, String stderr, int status) {
        String line = stderr.lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
        if (line.startsWith(PREFIX)) {
            line = line.substring(PREFIX.length());
        }
        if (!line.isEmpty()) {
            return line;
        }
        return NAME + " " + String.join(" ", args) + ": exited with status " + status + " and no message";
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
