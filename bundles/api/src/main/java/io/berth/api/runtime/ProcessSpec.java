package io.berth.api.runtime;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A process to run in a container: its first process, or one added by {@code exec}.
 *
 * @param args the command and its arguments; the command is looked up in the container's
 *        {@code PATH} when it has no slash
 * @param env {@code NAME=value} entries, complete (the image's, then the user's)
 * @param cwd the working directory inside the container, absolute
 * @param user the numeric identity
 * @param terminal whether the process gets a pseudo-terminal instead of pipes
 * @param capabilities the capability names ({@code CAP_CHOWN}...) the process keeps in its
 *        bounding, effective, permitted and inheritable sets
 * @param noNewPrivileges whether to set {@code no_new_privs}
 * @param rlimits resource limits to apply
 * @param openStdin whether the process's standard input stays open for attached clients to write
 *        to (else it reads {@code /dev/null}); a terminal always takes input
 * @param stdinOnce whether its standard input closes when the first client that wrote to it
 *        detaches ({@code docker run -i})
 * @param consoleSize the terminal's size at start, or {@code null}
 */
public record ProcessSpec(List<String> args, List<String> env, String cwd, User user, boolean terminal,
                          Set<String> capabilities, boolean noNewPrivileges, List<Rlimit> rlimits, boolean openStdin,
                          boolean stdinOnce, ConsoleSize consoleSize) {
    /** A process without input: standard input reads {@code /dev/null}. */
    public ProcessSpec(List<String> args, List<String> env, String cwd, User user, boolean terminal,
                       Set<String> capabilities, boolean noNewPrivileges, List<Rlimit> rlimits) {
        this(args, env, cwd, user, terminal, capabilities, noNewPrivileges, rlimits, false, false, null);
    }

    public ProcessSpec {
        args = List.copyOf(Objects.requireNonNull(args, "args"));
        if (args.isEmpty()) {
            throw new IllegalArgumentException("a process needs a command");
        }
        env = env == null ? List.of() : List.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(user, "user");
        capabilities = capabilities == null ? Set.of() : Set.copyOf(capabilities);
        rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    }
}
