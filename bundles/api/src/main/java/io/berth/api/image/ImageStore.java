package io.berth.api.image;

import io.berth.api.ProgressListener;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * The images Berth has: each an image config, a manifest and layer blobs in the content store,
 * named by tags. On disk the store is an OCI image layout that other tools (skopeo, umoci) read.
 *
 * <p><b>Finding images.</b> An image is found by a reference ({@code busybox},
 * {@code busybox:1.36}, {@code docker.io/library/busybox:latest}, {@code busybox@sha256:...}), by
 * its id ({@code sha256:HEX} or {@code HEX}) or by a unique prefix of its id's hex, as docker finds
 * them. A name without tag means {@code :latest}.
 *
 * <p><b>Invariants.</b> Changes are atomic: a crash leaves the store as it was before a change or
 * after it. An image is listed only once its config, manifest and every layer blob are complete
 * and verified. Blobs no image refers to are deleted with the last image that referred to them.
 * Images in use ({@link ImageUsers}) are not removed unless forced, and then only untagged.
 */
@ProviderType
public interface ImageStore {
    /** Every image, newest first. */
    List<Image> list() throws IOException;

    /**
     * The images the options ask for, newest first, filtered as docker's daemon filters them.
     *
     * @throws io.berth.api.InvalidArgumentException for an unknown filter or a bad value
     * @throws io.berth.api.NotFoundException for a {@code before} or {@code since} image that
     *         does not exist
     * @since 2.0
     */
    List<Image> list(ImageListOptions options) throws IOException;

    /**
     * Finds one image.
     *
     * @throws io.berth.api.NotFoundException {@code No such image: NAME}
     * @throws io.berth.api.InvalidArgumentException for a malformed reference, or a short id that
     *         matches several images
     */
    Image get(String nameOrId) throws IOException;

    /** Everything about one image; errors as {@link #get}. */
    ImageDetails inspect(String nameOrId) throws IOException;

    /** The id of one image: {@code get(nameOrId).id()}, without the rest of {@link #get}; errors as {@link #get}. */
    default io.berth.api.content.Digest id(String nameOrId) throws IOException {
        return get(nameOrId).id();
    }

    /** The config of one image: {@code inspect(nameOrId).config()}, without the rest of {@link #inspect}; errors as {@link #get}. */
    default ImageConfig config(String nameOrId) throws IOException {
        return inspect(nameOrId).config();
    }

    /** The image's history, newest first; errors as {@link #get}. */
    List<HistoryRow> history(String nameOrId) throws IOException;

    /**
     * Points a tag at an image, moving it if it pointed elsewhere (the image it left may become
     * dangling).
     *
     * @throws io.berth.api.InvalidArgumentException if the target has a digest
     */
    void tag(String source, ImageReference target) throws IOException;

    /**
     * Removes a reference, or an image. Given a tag, the tag goes, and the image too when no tag is
     * left. Given an id, the image goes with all its tags; an id of an image with several
     * repositories needs {@code force}.
     *
     * @param force untag and delete even what is in use or has several repositories; an image in
     *        use is then only untagged, and stays, dangling, as docker does
     * @param noPrune keep untagged parent images
     * @return what was untagged and deleted, in docker's order
     * @throws io.berth.api.ConflictException if the image is in use, naming what uses it
     */
    List<RemovedImage> remove(String nameOrId, boolean force, boolean noPrune) throws IOException;

    /**
     * Removes dangling images (untagged, unused), or with {@code all} every unused image, and then
     * the blobs and unpacked layers no image uses (left by an interrupted pull).
     */
    PruneResult prune(boolean all) throws IOException;

    /**
     * Makes an image of one layer from a root filesystem tar (plain, gzip or zstd).
     *
     * @return the new image
     */
    Image importRootfs(InputStream tar, ImportOptions options) throws IOException;

    /**
     * Makes a new image of {@code base} plus one layer, as {@code commit} does: the layer (an
     * uncompressed OCI layer tar) goes on top of the base's layers, the history gains an entry,
     * the config is the given one with the changes applied; the base becomes the new image's
     * parent. Nothing is visible unless all of it is written.
     *
     * @throws io.berth.api.NotFoundException if there is no such base image
     * @throws io.berth.api.InvalidArgumentException if a change is not understood
     */
    Image commit(String base, InputStream layer, CommitOptions options) throws IOException;

    /**
     * Loads images from a {@code docker save} archive or an OCI archive (plain or compressed),
     * verifying every blob. Loaded references replace the tags they name.
     *
     * @return the references loaded, or the ids of images loaded without one
     * @throws io.berth.api.InvalidArgumentException for a malformed or inconsistent archive; nothing
     *         of it is then visible
     */
    List<String> load(InputStream archive, ProgressListener progress) throws IOException;

    /**
     * Writes images with their tags to an archive. References name tags (and only those go into
     * the archive for that image); ids save the image with all its tags.
     */
    void save(List<String> namesOrIds, ArchiveFormat format, OutputStream out) throws IOException;

    /** What the images take on disk. */
    DiskUsage diskUsage() throws IOException;

    /**
     * Makes sure an image's layers are unpacked by a storage driver, unpacking what is missing.
     *
     * @param storageDriver the driver's name, or {@code null} for the default one
     * @return the snapshot key of the image's top layer (its chain id), to prepare containers on
     * @throws io.berth.api.UnavailableException if the driver is not available
     */
    String unpack(String nameOrId, String storageDriver, ProgressListener progress) throws IOException;

    /**
     * Adds an image from a source such as a registry, fetching only what the store lacks: the
     * config and each layer blob not present, several at once, each verified against its digest
     * as it streams in and (where the storage driver allows layers to stand alone) unpacked while
     * it downloads, its uncompressed content verified against the config's diff id. Layers the
     * store has are reported {@code Already exists}; the others go through {@code Pulling fs
     * layer}, {@code Downloading}, {@code Verifying Checksum}, {@code Download complete},
     * {@code Extracting}, {@code Pull complete}, as docker reports them.
     *
     * <p>The image is listed only once everything is in place. If anything fails, nothing of it is
     * listed; the blobs and layers that were completed and verified stay, unlisted, so that the
     * next attempt need not fetch them again ({@link #prune} removes what no image uses).
     *
     * @return the image, tagged as the request says
     * @throws io.berth.api.InvalidArgumentException if the manifest, index or config is malformed
     *         or content does not match its digest
     * @throws io.berth.api.NotFoundException if an index has no image for the platform
     * @throws io.berth.api.UnavailableException if the storage driver is not available
     * @since 1.2
     */
    Image receive(ReceiveRequest request, BlobSource source, ProgressListener progress) throws IOException;

    /**
     * The manifest an image is stored with, whose bytes the {@link io.berth.api.content.ContentStore}
     * has: what a push sends.
     *
     * @since 1.2
     */
    io.berth.api.content.Descriptor manifest(String nameOrId) throws IOException;

    /**
     * Records that the image is in a registry as {@code name@digest} (after a push), shown in
     * {@code RepoDigests}.
     *
     * @since 1.2
     */
    void addRepoDigest(String nameOrId, ImageReference repoDigest) throws IOException;
}
