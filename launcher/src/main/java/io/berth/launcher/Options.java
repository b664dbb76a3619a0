package io.berth.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * The launcher's command line: {@code [console|daemon] [--root DIR] [--run-root DIR]
 * [--pid-file FILE] [--log-file FILE]}.
 *
 * @param daemon whether to run without a console
 * @param root the engine root, or {@code null} for the configured one
 * @param runRoot the run root, or {@code null} for the configured one
 * @param pidFile the pid file, or {@code null} for {@code <runRoot>/berth.pid}
 * @param logFile the log file, or {@code null} for {@code <root>/berth.log}
 * @param help whether usage was asked for
 */
record Options(boolean daemon, Path root, Path runRoot, Path pidFile, Path logFile, boolean help) {
    static final String USAGE = """
            Usage:  berth                      start the daemon with a console (prompt 'berth> ')
                    berth daemon [OPTIONS]     start the daemon without a console, for service managers
                    berth COMMAND [ARGS...]    run a command in the running daemon

            Daemon options:
                  --root DIR         Engine root: images, layers, containers (default /var/lib/berth)
                  --run-root DIR     Run root: control socket, pid file, shim state (default /run/berth)
                  --pid-file FILE    Pid file (default <run root>/berth.pid)
                  --log-file FILE    Log file (default <root>/berth.log)
            """;

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException with a one-line message for bad arguments
     */
    static Options parse(List<String> args) {
        boolean daemon = false;
        Path root = null;
        Path runRoot = null;
        Path pidFile = null;
        Path logFile = null;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            String inline = eq > 0 ? arg.substring(eq + 1) : null;
            switch (name) {
                case "console", "daemon" -> {
                    if (i != 0) {
                        throw new IllegalArgumentException("'" + name + "' must come first");
                    }
                    daemon = name.equals("daemon");
                }
                case "-h", "--help" -> help = true;
                case "--root", "--run-root", "--pid-file", "--log-file" -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new IllegalArgumentException("option " + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (value.isEmpty()) {
                        throw new IllegalArgumentException("option " + name + " needs a value");
                    }
                    Path path = Path.of(value).toAbsolutePath().normalize();
                    switch (name) {
                        case "--root" -> root = path;
                        case "--run-root" -> runRoot = path;
                        case "--pid-file" -> pidFile = path;
                        default -> logFile = path;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new Options(daemon, root, runRoot, pidFile, logFile, help);
    }
}
