package io.berth.api.volume;

import io.berth.api.Filters;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's volumes: docker's {@code volume} commands, and the volumes containers use. A volume
 * is in use while a container that refers to it exists (running or not), as docker counts it;
 * the container service tells which containers refer to which volumes ({@link #use},
 * {@link #release}) when they are made and removed, and again for every container when the
 * engine starts.
 *
 * <p>Errors follow docker's daemon: {@link io.berth.api.NotFoundException} ({@code get NAME: no
 * such volume}), {@link io.berth.api.ConflictException} ({@code remove NAME: volume is in use -
 * [ID]}), {@link io.berth.api.InvalidArgumentException} (a bad name or option).
 */
@ProviderType
public interface VolumeService {
    /**
     * Makes a volume, or returns the one of that name (as docker: {@code volume create} of an
     * existing name with the same driver succeeds).
     *
     * @param name its name, or {@code null} for an anonymous one (a random 64-hex name)
     * @param driver the driver's name, or {@code null} for {@code local}
     */
    Volume create(String name, String driver, Map<String, String> options, Map<String, String> labels)
            throws IOException;

    /**
     * The volumes that pass the filters, ordered by name: {@code dangling} ({@code true}: no container
     * refers to it), {@code driver}, {@code label} ({@code key} or {@code key=value}), {@code name} (a
     * substring).
     */
    List<Volume> list(Filters filters);

    /** A volume by name. */
    Volume get(String name);

    /**
     * Removes a volume no container refers to.
     *
     * @param force also when it does not exist (no error)
     */
    void remove(String name, boolean force) throws IOException;

    /**
     * Removes the volumes no container refers to: anonymous ones, and with {@code all} named ones
     * too, that pass the filters ({@code label}, {@code label!}).
     *
     * @return the names removed and the bytes reclaimed
     */
    Pruned prune(Filters filters, boolean all) throws IOException;

    /** What {@link #prune} removed. */
    record Pruned(List<String> names, long reclaimed) {
        public Pruned {
            names = List.copyOf(names);
        }
    }

    /** Which containers refer to a volume. */
    Set<String> users(String name);

    /** A container refers to a volume (made, or found at the engine's start). */
    void use(String name, String containerId);

    /** A container no longer refers to a volume (removed). */
    void release(String name, String containerId);

    /** The bytes a volume's data takes, or -1. */
    long size(String name);

    /**
     * Mounts a volume for a starting container; the first use of an empty volume is reported so
     * that the caller fills it from the image ({@code copy-up}).
     *
     * @return the host directory to bind, and whether the volume is empty and has never been filled
     */
    Mounted mount(String name, String containerId) throws IOException;

    /** A mounted volume: where its data is, and whether it waits for its first filling. */
    record Mounted(Path path, boolean fresh) {
    }

    /** Records that a volume was filled (so it is never filled again). */
    void filled(String name) throws IOException;

    /** A container that ran is done with a volume. */
    void unmount(String name, String containerId) throws IOException;
}
