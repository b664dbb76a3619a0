package io.berth.api.container;

import io.berth.api.runtime.ConsoleSize;

import java.util.List;
import java.util.Objects;

/**
 * A process to run in a running container ({@code exec}). {@code null} means the container's for
 * user and working directory.
 *
 * @param command the command and its arguments
 * @param env {@code NAME=value} entries added to the container's environment
 * @param user {@code user}, {@code user:group}, {@code uid} or {@code uid:gid}
 * @param workingDir the working directory, absolute
 * @param tty whether the process gets a terminal
 * @param stdin whether the process's standard input stays open for the caller
 * @param privileged whether the process gets every capability
 * @param size the terminal's size, or {@code null}
 */
public record ExecRequest(List<String> command, List<String> env, String user, String workingDir, boolean tty,
                          boolean stdin, boolean privileged, ConsoleSize size) {
    public ExecRequest {
        command = List.copyOf(Objects.requireNonNull(command, "command"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("exec needs a command");
        }
        env = env == null ? List.of() : List.copyOf(env);
    }
}
