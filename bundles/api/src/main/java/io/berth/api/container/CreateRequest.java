package io.berth.api.container;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code create} and {@code run} ask for. {@code null} means "the image's" for command,
 * entrypoint, working directory, user and stop signal; an empty entrypoint resets the image's.
 *
 * @param image the image, as the user named it
 * @param name the container's name, or {@code null} for a generated one
 * @param command arguments to the entrypoint, or the command
 * @param entrypoint the entrypoint
 * @param env {@code NAME=value} entries added to the image's (a {@code NAME} alone takes the
 *        value the caller resolved)
 * @param workingDir the working directory
 * @param user {@code user}, {@code user:group}, {@code uid} or {@code uid:gid}
 * @param hostname the hostname, or {@code null} for the short id
 * @param labels labels added to the image's
 * @param stopSignal the signal {@code stop} sends
 * @param stopTimeout seconds {@code stop} waits before killing, or {@code null} for 10
 * @param storage the storage driver, or {@code null} for the default
 * @param host how the container is run
 * @param tty whether the container's process gets a terminal ({@code -t})
 * @param openStdin whether its standard input stays open for clients to write to ({@code -i})
 * @param stdinOnce whether its standard input closes when the first attached client detaches
 *        ({@code run -i} attached)
 */
public record CreateRequest(String image, String name, List<String> command, List<String> entrypoint, List<String> env,
                            String workingDir, String user, String hostname, Map<String, String> labels, String stopSignal,
                            Integer stopTimeout, String storage, HostConfig host, boolean tty, boolean openStdin,
                            boolean stdinOnce) {
    /** A request for a container without terminal or input. */
    public CreateRequest(String image, String name, List<String> command, List<String> entrypoint, List<String> env,
                         String workingDir, String user, String hostname, Map<String, String> labels, String stopSignal,
                         Integer stopTimeout, String storage, HostConfig host) {
        this(image, name, command, entrypoint, env, workingDir, user, hostname, labels, stopSignal, stopTimeout, storage,
                host, false, false, false);
    }

    public CreateRequest {
        Objects.requireNonNull(image, "image");
        command = command == null ? null : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        env = env == null ? List.of() : List.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        Objects.requireNonNull(host, "host");
    }
}
