package io.berth.api.container;

import io.berth.api.runtime.Resources;
import io.berth.api.runtime.Rlimit;

import java.util.List;
import java.util.Map;

/**
 * How a container is run on this host, as docker's {@code HostConfig}.
 *
 * @param runtime the runtime driver's name
 * @param autoRemove {@code --rm}
 * @param privileged {@code --privileged}
 * @param readonlyRootfs {@code --read-only}
 * @param capAdd {@code --cap-add}, names as given
 * @param capDrop {@code --cap-drop}
 * @param tmpfs {@code --tmpfs} mounts: path to options
 * @param resources cgroup limits
 * @param log the json-file log's rotation
 * @param securityOpt {@code --security-opt}: {@code no-new-privileges}, {@code no-new-privileges=false}
 * @param restartPolicy when the engine starts the container again after it ended
 * @param ulimits {@code --ulimit}: limits that may only lower the engine's own
 */
public record HostConfig(String runtime, boolean autoRemove, boolean privileged, boolean readonlyRootfs, List<String> capAdd,
                         List<String> capDrop, Map<String, String> tmpfs, Resources resources, LogConfig log,
                         List<String> securityOpt, List<Rlimit> ulimits, RestartPolicy restartPolicy) {
    /** No options: the defaults of {@code docker run}. */
    public static final HostConfig DEFAULT = new HostConfig(null, false, false, false, null, null, null, null, null, null,
            null, null);

    /** A host config without restart policy. */
    public HostConfig(String runtime, boolean autoRemove, boolean privileged, boolean readonlyRootfs, List<String> capAdd,
                      List<String> capDrop, Map<String, String> tmpfs, Resources resources, LogConfig log,
                      List<String> securityOpt, List<Rlimit> ulimits) {
        this(runtime, autoRemove, privileged, readonlyRootfs, capAdd, capDrop, tmpfs, resources, log, securityOpt, ulimits,
                null);
    }

    public HostConfig {
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        if (autoRemove && !restartPolicy.name().equals("no")) {
            throw new io.berth.api.InvalidArgumentException("Conflicting options: --restart and --rm");
        }
        securityOpt = securityOpt == null ? List.of() : List.copyOf(securityOpt);
        ulimits = ulimits == null ? List.of() : List.copyOf(ulimits);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
        resources = resources == null ? Resources.NONE : resources;
        log = log == null ? LogConfig.DEFAULT : log;
    }
}
