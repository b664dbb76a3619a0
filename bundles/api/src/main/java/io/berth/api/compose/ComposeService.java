package io.berth.api.compose;

import io.berth.api.container.Container;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs compose projects in the engine, as docker compose v2 does: containers named
 * {@code <project>-<service>-<n>} and labelled {@code com.docker.compose.*} ({@link ComposeLabels}),
 * the project's networks and volumes made with their labels, services started along their
 * {@code depends_on} graph (independent ones together) and stopped in the reverse order, and
 * containers recreated only when their service's configuration changed (its config hash).
 * <p>
 * A project is found again by its labels, not by names, so the commands that only act on what runs
 * ({@code stop}, {@code down}, {@code ps}...) take the project's name and work without its files.
 * What happens is told to a {@link Progress} as v2 prints it ({@code Container p-web-1  Started}).
 * Services are named as the file names them; an unknown one is {@code no such service: NAME}.
 */
@ProviderType
public interface ComposeService {
    /**
     * {@code up} (and {@code create}, with {@link UpOptions#start()} false): makes the project's
     * networks and volumes, converges each service's containers (creates what is missing, recreates
     * what changed, scales up and down) and starts them along the dependency graph, each service once
     * its dependencies meet their {@code depends_on} conditions.
     *
     * @throws io.berth.api.InvalidArgumentException for what cannot be run (a {@code build} without an
     *         image, a scaled service with a {@code container_name}...)
     * @throws ComposeException when services failed: every failure, in order; what did start keeps running
     */
    void up(ComposeProject project, UpOptions options, Progress progress) throws IOException, InterruptedException;

    /**
     * {@code start}: starts the project's stopped containers of those services (all when empty) along
     * the dependency graph, waiting for the conditions as {@code up} does.
     */
    void start(String project, List<String> services, Progress progress) throws IOException, InterruptedException;

    /** {@code stop}: stops the running containers, dependents before their dependencies. */
    void stop(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException;

    /** {@code restart}: restarts the containers (all together, not in dependency order, as v2's). */
    void restart(String project, List<String> services, Integer timeoutSeconds, Progress progress)
            throws IOException, InterruptedException;

    /** {@code kill}: sends a signal to the running containers. */
    void kill(String project, List<String> services, String signal, Progress progress)
            throws IOException, InterruptedException;

    /** {@code pause}, or {@code unpause} with {@code pause} false. */
    void pause(String project, List<String> services, boolean pause, Progress progress)
            throws IOException, InterruptedException;

    /**
     * {@code rm}: removes the stopped containers of those services (with {@code stop}, the running ones
     * after stopping them), one-off containers included; with {@code volumes} their anonymous volumes.
     *
     * @return the names of the containers removed
     */
    List<String> remove(String project, List<String> services, boolean stop, boolean volumes, Progress progress)
            throws IOException, InterruptedException;

    /**
     * {@code down}: stops and removes the project's containers (in reverse dependency order), then its
     * networks; with the options its volumes, images and orphans.
     *
     * @param project the project's name
     * @param model   the project's model when its files were read (its orphans are told apart, its
     *                images are known), or {@code null} to act on what the labels say alone
     */
    void down(String project, ComposeProject model, DownOptions options, Progress progress)
            throws IOException, InterruptedException;

    /**
     * {@code run}: makes a one-off container of a service ({@code <project>-<service>-run-<12 hex>},
     * label {@code oneoff=True}), its dependencies started first unless {@link RunOptions#noDeps()};
     * not started: the caller starts it, attached or not.
     */
    Container run(ComposeProject project, RunOptions options, Progress progress) throws IOException, InterruptedException;

    /** {@code pull}: pulls the services' images (those with an {@code image}). */
    void pull(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws IOException, InterruptedException;

    /** {@code push}: pushes the services' images. */
    void push(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress)
            throws IOException, InterruptedException;

    /**
     * The project's containers of those services (all when empty): service containers in service and
     * number order, then one-off ones.
     *
     * @param all stopped containers too
     */
    List<Container> containers(String project, List<String> services, boolean all) throws IOException;

    /** {@code ls}: the projects that have containers, by name; with {@code all} those with none running too. */
    List<ProjectSummary> projects(boolean all) throws IOException;

    /**
     * The config hash {@code up} labels a service's containers with, and compares to decide on a
     * recreate ({@code config --hash}): a SHA-256 of the service's definition without what does not
     * change a container (build, pull policy, scale, replicas, depends_on, profiles).
     */
    String configHash(ComposeProject.Service service);

    /** What {@code up} and {@code create} are asked. */
    record UpOptions(List<String> services, Map<String, Integer> scale, boolean noDeps, boolean forceRecreate,
                     boolean noRecreate, boolean removeOrphans, boolean start, boolean waitHealthy, Duration waitTimeout,
                     String pull, Integer timeoutSeconds) {
        public UpOptions {
            services = List.copyOf(services);
            scale = Map.copyOf(scale);
            pull = pull == null ? "missing" : pull;
        }

        /** {@code up -d} with no flags. */
        public static final UpOptions DEFAULT = new UpOptions(List.of(), Map.of(), false, false, false, false, true,
                false, null, "missing", null);
    }

    /** What {@code down} is asked: {@code --rmi} is {@code null}, {@code local} or {@code all}. */
    record DownOptions(boolean volumes, String removeImages, boolean removeOrphans, Integer timeoutSeconds) {
    }

    /**
     * What {@code run} is asked: the command ({@code null}: the service's), an entrypoint, extra
     * environment ({@code NAME=value}), {@code --name}, {@code --user}, {@code --workdir},
     * {@code --service-ports}, {@code --rm}, {@code -T} (no terminal), {@code -i}.
     */
    record RunOptions(String service, List<String> command, List<String> entrypoint, List<String> environment,
                      String name, String user, String workingDir, boolean servicePorts, boolean noDeps,
                      boolean autoRemove, boolean tty, boolean interactive, Map<String, String> labels) {
        public RunOptions {
            command = command == null ? null : List.copyOf(command);
            entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
            environment = List.copyOf(environment);
            labels = Map.copyOf(labels);
        }
    }

    /** A project {@code ls} lists: its status as v2 prints it ({@code running(3)}, {@code exited(1), running(2)}). */
    record ProjectSummary(String name, String status, String configFiles) {
    }

    /**
     * What a compose operation tells as it goes, as v2's progress: a resource ({@code Network},
     * {@code Volume}, {@code Container}, or {@code ""} for a service's image), its name, and what
     * happens to it ({@code Creating}, {@code Created}, {@code Starting}, {@code Started},
     * {@code Waiting}, {@code Healthy}, {@code Running}, {@code Recreate}, {@code Recreated},
     * {@code Stopping}, {@code Stopped}, {@code Removing}, {@code Removed}, {@code Pulling}...).
     * Called from several threads; each call is one whole event.
     */
    @FunctionalInterface
    interface Progress {
        /** Nothing told. */
        Progress NONE = (resource, name, status) -> { };

        void event(String resource, String name, String status);

        /** A warning, as v2 prints them ({@code Found orphan containers ...}). */
        default void warning(String message) {
        }
    }
}
