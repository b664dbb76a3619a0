package io.berth.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;

/**
 * A storage driver (a snapshotter, in containerd's words): makes and keeps the filesystems that
 * image layers unpack into and containers run on.
 *
 * <p><b>Terms.</b> A <em>snapshot</em> is a directory tree identified by a <em>key</em>. A
 * <em>committed</em> snapshot is immutable: an unpacked image layer, named by its chain ID. An
 * <em>active</em> snapshot is a writable tree on top of a committed parent: a container's
 * filesystem. A <em>view</em> is a read-only tree on top of a committed parent. Snapshots form a
 * tree through their parents; a committed snapshot cannot be removed while another snapshot has it
 * as parent.
 *
 * <p><b>Lifecycle.</b> Unpacking an image, layer by layer:
 * <pre>{@code
 * driver.apply(chainId1, null, layer1Tar);
 * driver.apply(chainId2, chainId1, layer2Tar);
 * }</pre>
 * Running a container on it, then turning its changes into a new layer:
 * <pre>{@code
 * List<Mount> rootfs = driver.prepare(containerId, chainId2);   // mount, run, unmount
 * driver.diff(containerId, out);                                // OCI layer tar of the changes
 * driver.remove(containerId);
 * }</pre>
 *
 * <p><b>Invariants.</b> Every operation is atomic as seen by other callers and across crashes:
 * a snapshot exists whole, or not at all. Keys are unique across all kinds; making a snapshot
 * whose key exists fails with {@link io.berth.api.ConflictException}. Drivers are called
 * concurrently with different keys and must be safe for that; calls with the same key are
 * serialized by the engine. Mounts returned are descriptions; the caller performs and undoes them.
 *
 * <p>Registered as an OSGi service with the property {@value io.berth.api.driver.BerthStorage#NAME}
 * (see {@link io.berth.api.driver.BerthStorage}). A driver that cannot work on the host registers
 * an {@link io.berth.api.driver.UnavailableDriver} instead.
 */
@ConsumerType
public interface StorageDriver {
    /**
     * Facts about a snapshot.
     *
     * @throws io.berth.api.NotFoundException if there is no snapshot with this key
     */
    Snapshot stat(String key) throws IOException;

    /**
     * Makes an active (writable) snapshot on top of {@code parent}.
     *
     * @param key the new snapshot's key
     * @param parent a committed snapshot, or {@code null} for an empty tree
     * @return the mounts that make up the tree
     * @throws io.berth.api.ConflictException if {@code key} exists
     * @throws io.berth.api.NotFoundException if {@code parent} is not a committed snapshot
     */
    List<Mount> prepare(String key, String parent) throws IOException;

    /**
     * Makes a read-only view of {@code parent}; otherwise as {@link #prepare}.
     */
    List<Mount> view(String key, String parent) throws IOException;

    /**
     * The mounts of an existing active snapshot or view.
     *
     * @throws io.berth.api.NotFoundException if there is no such snapshot
     * @throws io.berth.api.InvalidArgumentException if it is committed
     */
    List<Mount> mounts(String key) throws IOException;

    /**
     * Turns an active snapshot into a committed one named {@code name}. The active snapshot is
     * gone afterwards; it must not be mounted.
     *
     * @throws io.berth.api.ConflictException if {@code name} exists
     */
    Snapshot commit(String name, String key) throws IOException;

    /**
     * Removes a snapshot and its data. It must not be mounted.
     *
     * @throws io.berth.api.NotFoundException if there is no such snapshot
     * @throws io.berth.api.ConflictException if other snapshots have it as parent
     */
    void remove(String key) throws IOException;

    /** The disk the snapshot uses by itself. */
    Usage usage(String key) throws IOException;

    /** Calls {@code visitor} for every snapshot, parents before children. */
    void walk(Consumer<Snapshot> visitor) throws IOException;

    /**
     * Writes the changes of an active snapshot relative to its parent as an uncompressed OCI layer
     * tar: added and changed entries as they are, deletions as {@code .wh.NAME} entries, and
     * directories whose old content is gone as {@code .wh..wh..opq}. The snapshot must not be
     * written to meanwhile (a stopped or paused container).
     */
    void diff(String key, OutputStream tar) throws IOException;

    /**
     * The changes of an active snapshot relative to its parent, sorted by path: what
     * {@link #diff} would write, as docker's {@code diff} lists it (directories whose content
     * changed are listed as changed).
     */
    List<Change> changes(String key) throws IOException;

    /**
     * Makes committed snapshot {@code name} on {@code parent} from an uncompressed OCI layer tar.
     * Whiteout entries delete or hide what the parent has. Entries that would reach outside the
     * snapshot (through {@code ..}, absolute names, symbolic or hard links) make the whole apply
     * fail with {@link io.berth.api.InvalidArgumentException} naming the entry; nothing of it stays
     * visible.
     *
     * <p>If {@link #parallelApply()} is true the parent need not exist yet, so the layers of one
     * image can be applied concurrently; it must exist before the snapshot is prepared or viewed.
     *
     * @throws io.berth.api.ConflictException if {@code name} exists
     */
    Snapshot apply(String name, String parent, InputStream tar) throws IOException;

    /** Whether {@link #apply} works before the parent exists (layers stand alone on disk). */
    boolean parallelApply();

    /**
     * Where a snapshot is on disk, in the terms {@code inspect} shows under
     * {@code GraphDriver.Data}: {@code LowerDir}, {@code UpperDir}, {@code WorkDir} for overlay,
     * {@code Dir} for copying drivers.
     *
     * @throws io.berth.api.NotFoundException if there is no such snapshot
     */
    java.util.Map<String, String> graphData(String key) throws IOException;
}
