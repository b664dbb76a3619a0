package io.berth.api.compose;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a compose command was given: the caller's directory and environment and compose's global
 * flags, as {@code docker compose} takes them.
 *
 * @param workingDirectory the caller's working directory: files are discovered from it upwards, and
 *                         relative {@code -f}, {@code --project-directory} and {@code --env-file}
 *                         paths are resolved against it
 * @param environment      the caller's environment; it wins over {@code .env} for interpolation and
 *                         supplies {@code COMPOSE_PROJECT_NAME}, {@code COMPOSE_FILE},
 *                         {@code COMPOSE_PROFILES}
 * @param files            {@code -f} files in order (empty: {@code COMPOSE_FILE}, else discovery)
 * @param projectDirectory {@code --project-directory}, or {@code null} for the first file's directory
 * @param projectName      {@code -p}, or {@code null}
 * @param profiles         {@code --profile} values (empty: {@code COMPOSE_PROFILES})
 * @param envFiles         {@code --env-file} paths (empty: the project directory's {@code .env})
 * @param interpolate      {@code false} for {@code --no-interpolate}: values are kept as written
 * @param standardInput    the caller's standard input, read as the file {@code -f -} names, or
 *                         {@code null} when no file is {@code -}
 */
public record ComposeRequest(Path workingDirectory, Map<String, String> environment, List<String> files,
                             String projectDirectory, String projectName, List<String> profiles,
                             List<String> envFiles, boolean interpolate, String standardInput) {
    /** The file name that stands for the caller's standard input, as in {@code docker compose -f -}. */
    public static final String STDIN = "-";

    public ComposeRequest {
        environment = Map.copyOf(environment);
        files = List.copyOf(files);
        profiles = List.copyOf(profiles);
        envFiles = List.copyOf(envFiles);
    }

    /** A request without standard input. */
    public ComposeRequest(Path workingDirectory, Map<String, String> environment, List<String> files,
                          String projectDirectory, String projectName, List<String> profiles,
                          List<String> envFiles, boolean interpolate) {
        this(workingDirectory, environment, files, projectDirectory, projectName, profiles, envFiles, interpolate, null);
    }

    /** A request with only the directory and environment: discovery, {@code .env}, no flags. */
    public static ComposeRequest of(Path workingDirectory, Map<String, String> environment) {
        return new ComposeRequest(workingDirectory, environment, List.of(), null, null, List.of(), List.of(), true);
    }
}
