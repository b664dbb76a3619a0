package io.berth.api.registry;

import io.berth.api.ProgressListener;
import io.berth.api.image.Image;
import io.berth.api.image.ImageReference;
import org.osgi.annotation.versioning.ProviderType;

import java.io.IOException;
import java.util.List;

/**
 * Talks to registries that speak the OCI Distribution API (Docker Registry HTTP API v2).
 * Credentials are those saved by {@link #login}, kept where {@code docker login} keeps them.
 */
@ProviderType
public interface Registry {
    /**
     * Pulls an image into the image store, reporting progress in docker's words.
     *
     * @return the pulled image
     * @throws io.berth.api.NotFoundException if the registry has no such image
     * @throws io.berth.api.UnavailableException if the registry cannot be reached or refuses
     */
    Image pull(ImageReference reference, ProgressListener progress) throws IOException, InterruptedException;

    /**
     * Pulls an image as {@link #pull(ImageReference, ProgressListener)} does, with options.
     *
     * @since 1.1
     */
    Image pull(ImageReference reference, PullOptions options, ProgressListener progress)
            throws IOException, InterruptedException;

    /**
     * Pushes an image from the store to the registry its reference names.
     *
     * @throws io.berth.api.NotFoundException if the store has no such image
     */
    void push(ImageReference reference, ProgressListener progress) throws IOException, InterruptedException;

    /**
     * Searches a registry for repositories matching a term.
     *
     * @param registry the registry host, or {@code null} for Docker Hub
     * @param limit the maximum number of results
     */
    List<SearchResult> search(String registry, String term, int limit) throws IOException, InterruptedException;

    /**
     * Checks credentials against a registry and saves them.
     *
     * @return the registry's greeting, such as {@code Login Succeeded}
     */
    String login(String registry, String username, String password) throws IOException, InterruptedException;

    /** Forgets the credentials of a registry, if it has any. */
    void logout(String registry) throws IOException;

    /**
     * Where a registry's credentials are written unencrypted (docker's {@code config.json}), or
     * empty when a credential helper keeps them.
     */
    default java.util.Optional<java.nio.file.Path> unencryptedCredentials(String registry) throws IOException {
        return java.util.Optional.empty();
    }

    /**
     * What the registry has for a reference, without pulling it: the descriptor of the manifest
     * (or index) it names, and the platforms that is for (an index's entries, or the config of a
     * single manifest, whose digest is checked).
     *
     * @throws io.berth.api.NotFoundException if the registry has no such manifest
     * @throws io.berth.api.UnavailableException if the registry cannot be reached or refuses
     * @since 1.3
     */
    DistributionInspect inspect(ImageReference reference) throws IOException, InterruptedException;
}
