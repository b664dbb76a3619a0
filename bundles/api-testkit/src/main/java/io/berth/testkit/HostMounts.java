package io.berth.testkit;

import io.berth.api.storage.Mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Performs a storage driver's mounts with the host's {@code mount(8)}, as a runtime would with a
 * container's root filesystem, so that the suites need nothing of Berth's own libraries.
 */
final class HostMounts {
    private HostMounts() {
    }

    /** Mounts what {@code mounts} describe at {@code target}. */
    static void mount(List<Mount> mounts, Path target) throws IOException {
        for (Mount m : mounts) {
            if (m.type().equals("bind")) {
                run("mount", "--rbind", m.source(), target.toString());
                if (m.readOnly()) {
                    run("mount", "-o", "remount,bind,ro", target.toString());
                }
            } else {
                List<String> options = new ArrayList<>();
                for (String o : m.options()) {
                    if (!o.equals("rw")) {
                        options.add(o);
                    }
                }
                List<String> command = new ArrayList<>(List.of("mount", "-t", m.type()));
                if (!options.isEmpty()) {
                    command.addAll(List.of("-o", String.join(",", options)));
                }
                command.addAll(List.of(m.source(), target.toString()));
                run(command.toArray(String[]::new));
            }
        }
    }

    /** Detaches whatever is mounted at {@code target}. */
    static void unmount(Path target) throws IOException {
        run("umount", "-l", target.toString());
    }

    /** Runs a host command; fails with its output unless it succeeds. */
    static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted: " + String.join(" ", command));
        }
    }
}
